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

    /// Per destination column/row: first tap and weights; taps beyond the edges are encoded with weight
    /// (256, 0) on the clamped pixel, which gives exactly OpenCV's edge fill.
    private let columnTap: [Int32]
    private let columnWeights: [UInt32]  // w0, w1 interleaved
    private let rowTap: [Int32]
    private let rowWeights: [UInt32]
    private var rowBuffer: [UInt32]

    private static func taps(source: Int, destination: Int) -> (taps: [Int32], weights: [UInt32]) {
        let scale = 1.0 / (Double(destination) / Double(source))
        var taps = [Int32](repeating: 0, count: destination)
        var weights = [UInt32](repeating: 0, count: 2 * destination)
        for index in 0..<destination {
            let position = scale * (Double(index) + 0.5) - 0.5
            let tap = Int(position.rounded(.down))
            if tap >= 0 && source > 1 && tap < source - 1 {
                let second = UInt32(((position - Double(tap)) * 256).rounded(.toNearestOrEven))
                taps[index] = Int32(tap)
                weights[2 * index] = 256 - second
                weights[2 * index + 1] = second
            } else {
                taps[index] = Int32(tap < 0 || source == 1 ? 0 : source - 1)
                weights[2 * index] = 256
                weights[2 * index + 1] = 0
            }
        }
        return (taps, weights)
    }

    public init(sourceWidth: Int, sourceHeight: Int, destinationWidth: Int, destinationHeight: Int) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.destinationWidth = destinationWidth
        self.destinationHeight = destinationHeight
        (columnTap, columnWeights) = Self.taps(source: sourceWidth, destination: destinationWidth)
        (rowTap, rowWeights) = Self.taps(source: sourceHeight, destination: destinationHeight)
        rowBuffer = [UInt32](repeating: 0, count: 2 * destinationWidth)
    }

    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>) {
        resize(source: source, destination: destination, rows: 0..<destinationHeight)
    }

    /// Only destination rows `rows` (full width), written from `destination` on: each output pixel depends on its
    /// own row and column taps alone, so these rows equal the same rows of the whole resize.
    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>, rows: Range<Int>) {
        let rows = rows.clamped(to: 0..<destinationHeight)
        let width = destinationWidth
        let sourceWidth = self.sourceWidth
        let lastSourceRow = sourceHeight - 1
        columnTap.withUnsafeBufferPointer { taps in
            columnWeights.withUnsafeBufferPointer { weights in
                rowBuffer.withUnsafeMutableBufferPointer { buffers in
                    var upper = buffers.baseAddress!
                    var lower = buffers.baseAddress! + width
                    var upperIndex = -1
                    var lowerIndex = -1
                    func horizontal(_ sourceRow: Int, into row: UnsafeMutablePointer<UInt32>) {
                        let line = source + sourceRow * sourceWidth
                        let lastColumn = sourceWidth - 1
                        for column in 0..<width {
                            let tap = Int(taps[column])
                            // weight 1 is 0 whenever tap is the last column, so the min() only avoids the read.
                            row[column] = UInt32(line[tap]) &* weights[2 * column]
                                &+ UInt32(line[min(tap + 1, lastColumn)]) &* weights[2 * column + 1]
                        }
                    }
                    for row in rows {
                        let first = Int(rowTap[row])
                        let second = min(first + 1, lastSourceRow)
                        if first == lowerIndex && first != upperIndex {
                            swap(&upper, &lower)
                            swap(&upperIndex, &lowerIndex)
                        }
                        if first != upperIndex {
                            horizontal(first, into: upper)
                            upperIndex = first
                        }
                        let v0 = rowWeights[2 * row]
                        let v1 = rowWeights[2 * row + 1]
                        let out = destination + (row - rows.lowerBound) * width
                        if v1 == 0 {
                            for column in 0..<width { out[column] = UInt8(truncatingIfNeeded: (upper[column] &+ 128) >> 8) }
                            continue
                        }
                        if second != lowerIndex {
                            horizontal(second, into: lower)
                            lowerIndex = second
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
