extension GrayImage {
    /// Bilinear resize bit-exact with OpenCV 4.x `INTER_LINEAR_EXACT` on uint8, which is also what OpenCV 4.14's
    /// CascadeClassifier computes for its pyramid levels (checked with cv2 in tools/make-image-fixtures).
    ///
    /// Contract, as OpenCV's resize_bitExact computes it:
    /// - position f = (d + 0.5) * (src / dst) - 0.5 in double, i = floor(f); when 0 <= i < srcSize - 1 the taps are
    ///   i, i + 1 with 8-bit weights w1 = rint((f - i) * 256), w0 = 256 - w1; i < 0 takes the first pixel,
    ///   i >= srcSize - 1 the last (whole rows for the vertical pass);
    /// - horizontal: h = w0 * p[i] + w1 * p[i + 1] (<= 65280, 8 fractional bits);
    /// - vertical: out = (h0 * v0 + h1 * v1 + 2^15) >> 16; rows that take a single source row: (h + 128) >> 8.
    public func resizedExactly(width newWidth: Int, height newHeight: Int) throws -> GrayImage {
        guard ImageLimits.accepts(width: newWidth, height: newHeight) else {
            throw ImageError.badDimensions(path: "<resize target>", width: newWidth, height: newHeight)
        }
        if newWidth == width && newHeight == height { return self }
        var output = [UInt8](repeating: 0, count: newWidth * newHeight)
        var resizer = ExactBilinearResizer(sourceWidth: width, sourceHeight: height,
                                           destinationWidth: newWidth, destinationHeight: newHeight)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                resizer.resize(source: source.baseAddress!, destination: destination.baseAddress!)
            }
        }
        return GrayImage(uncheckedWidth: newWidth, height: newHeight, pixels: output)
    }
}

/// Precomputed taps of OpenCV's INTER_LINEAR_EXACT for one size pair (see `GrayImage.resizedExactly`),
/// reusable across frames. Owns its row buffers: one resizer per thread.
public struct ExactBilinearResizer {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let destinationWidth: Int
    public let destinationHeight: Int

    /// Taps beyond the edges are encoded with weights (256, 0) on the clamped pixel, which gives exactly
    /// OpenCV's edge fill.
    private let columns: ResizeAxis<UInt32>
    private let rows: ResizeAxis<UInt32>
    private var rowBuffer: [UInt32]

    /// One axis with the position in double and 8-bit weights (the contract above).
    private static func axis(source: Int, destination: Int) -> ResizeAxis<UInt32> {
        ResizeAxis(source: source, destination: destination) { position in
            let tap = Int(position.rounded(.down))
            if tap >= 0 && source > 1 && tap < source - 1 {
                let second = UInt32(((position - Double(tap)) * 256).rounded(.toNearestOrEven))
                return (tap, tap + 1, 256 - second, second)
            }
            let edge = tap < 0 || source == 1 ? 0 : source - 1
            return (edge, edge, 256, 0)
        }
    }

    public init(sourceWidth: Int, sourceHeight: Int, destinationWidth: Int, destinationHeight: Int) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.destinationWidth = destinationWidth
        self.destinationHeight = destinationHeight
        columns = Self.axis(source: sourceWidth, destination: destinationWidth)
        rows = Self.axis(source: sourceHeight, destination: destinationHeight)
        rowBuffer = [UInt32](repeating: 0, count: 2 * destinationWidth)
    }

    /// The column taps as CHaarKernels' `edge_u8_resize_bilinear_exact_plan` takes them (the detectors' pyramid runs
    /// them there): per destination column the first source index and the weights w0, w1 interleaved; the second
    /// source index is first + 1 whenever w1 > 0, and first is nondecreasing.
    public var columnTaps: (first: [Int32], weights: [Int16]) { Self.kernelTaps(columns) }
    /// The row taps in the same form.
    public var rowTaps: (first: [Int32], weights: [Int16]) { Self.kernelTaps(rows) }

    private static func kernelTaps(_ axis: ResizeAxis<UInt32>) -> (first: [Int32], weights: [Int16]) {
        (axis.first, axis.weights.map { Int16($0) })
    }

    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>) {
        resize(source: source, destination: destination, rows: 0..<destinationHeight)
    }

    /// Only destination rows `rows` (full width), written from `destination` on: each output pixel depends on its
    /// own row and column taps alone, so these rows equal the same rows of the whole resize.
    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>, rows: Range<Int>) {
        let selected = rows.clamped(to: 0..<destinationHeight)
        let width = destinationWidth
        let sourceWidth = self.sourceWidth
        let rows = self.rows
        columns.first.withUnsafeBufferPointer { firstTaps in
            columns.second.withUnsafeBufferPointer { secondTaps in
                columns.weights.withUnsafeBufferPointer { weights in
                    rowBuffer.withUnsafeMutableBufferPointer { buffer in
                        rows.walkRows(selected, width: width, buffer: buffer.baseAddress!) { sourceRow, row in
                            let line = source + sourceRow * sourceWidth
                            for column in 0..<width {
                                row[column] = UInt32(line[Int(firstTaps[column])]) &* weights[2 * column]
                                    &+ UInt32(line[Int(secondTaps[column])]) &* weights[2 * column + 1]
                            }
                        } blend: { row, upper, lower in
                            let v0 = rows.weights[2 * row]
                            let v1 = rows.weights[2 * row + 1]
                            let out = destination + (row - selected.lowerBound) * width
                            if v1 == 0 {
                                // A single source row: (h * 256 + 2^15) >> 16 is (h + 128) >> 8.
                                for column in 0..<width { out[column] = UInt8(truncatingIfNeeded: (upper[column] &+ 128) >> 8) }
                                return
                            }
                            // h <= 65280 and v0 + v1 = 256, so the sum stays below 2^24 + 2^15.
                            for column in 0..<width {
                                out[column] = UInt8(truncatingIfNeeded: (upper[column] &* v0 &+ lower[column] &* v1 &+ 32768) >> 16)
                            }
                        }
                    }
                }
            }
        }
    }
}
