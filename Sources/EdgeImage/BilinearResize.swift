extension GrayImage {
    /// Bilinear resize bit-exact with OpenCV 4.x `cv2.resize(src, (width, height), interpolation=INTER_LINEAR)`
    /// on uint8 (checked against cv2 4.14 by tools/make-image-fixtures and EdgeImageTests).
    ///
    /// Contract, as OpenCV computes it:
    /// - source coordinate of destination pixel d: f = Float((d + 0.5) * (srcSize / dstSize) - 0.5) (double, then
    ///   rounded to float), s = floor(f), weight w = f - s; columns clamp to the edge (s < 0 -> s = 0, w = 0;
    ///   s >= srcWidth - 1 -> s = srcWidth - 1, w = 0); rows are not clamped: both taps are clipped to 0...srcHeight-1.
    /// - weights are 11-bit fixed point: a0 = rint((1 - w) * 2048), a1 = rint(w * 2048) (ties to even).
    /// - horizontal pass: h = a0 * p[s] + a1 * p[s + 1]  (<= 255 * 2048 = 522240, fits Int32).
    /// - vertical pass, OpenCV's SIMD rounding: v = ((h0 >> 4) * b0 >> 16) + ((h1 >> 4) * b1 >> 16),
    ///   out = clamp((v + 2) >> 2, 0, 255). (h >> 4) <= 32640 fits Int16 and the products fit Int32.
    /// An exact 2x downscale gives the 2x2 box average with +2 rounding, which is what OpenCV's INTER_AREA
    /// substitution computes too.
    public func resized(width newWidth: Int, height newHeight: Int) throws -> GrayImage {
        guard ImageLimits.accepts(width: newWidth, height: newHeight) else {
            throw ImageError.badDimensions(path: "<resize target>", width: newWidth, height: newHeight)
        }
        if newWidth == width && newHeight == height { return self }
        var resizer = BilinearResizer(sourceWidth: width, sourceHeight: height,
                                      destinationWidth: newWidth, destinationHeight: newHeight)
        return GrayImage(uncheckedWidth: newWidth, height: newHeight, pixels: resizer.resized(pixels))
    }
}

/// Precomputed taps and weights of one source-to-destination size pair (see `GrayImage.resized`); reusable
/// across frames of the same size. Buffers are owned, so one resizer serves one thread at a time.
public struct BilinearResizer {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let destinationWidth: Int
    public let destinationHeight: Int
    private let columns: ResizeAxis<Int32>  // a0, a1
    private let rows: ResizeAxis<Int32>  // b0, b1
    private var rowBuffer: [Int32]

    /// One axis as OpenCV's INTER_LINEAR computes it (the contract above): the position rounded to float,
    /// 11-bit weights; `clampsToEdge` (columns) moves taps outside the source onto the edge pixel with
    /// weight 0 on the second, otherwise (rows) each tap is clipped to the source on its own.
    private static func axis(source: Int, destination: Int, shift: Int, clampsToEdge: Bool) -> ResizeAxis<Int32> {
        ResizeAxis(source: source, destination: destination) { sourcePosition in
            var position = Float(sourcePosition)
            var tap = Int(position.rounded(.down))
            position -= Float(tap)
            tap += shift
            let first: Int, second: Int
            if clampsToEdge {
                if tap < 0 {
                    tap = 0
                    position = 0
                }
                if tap >= source - 1 {
                    tap = source - 1
                    position = 0
                }
                (first, second) = (tap, min(tap + 1, source - 1))
            } else {
                (first, second) = (min(max(tap, 0), source - 1), min(max(tap + 1, 0), source - 1))
            }
            return (first, second, Int32(((1 - position) * 2048).rounded(.toNearestOrEven)),
                    Int32((position * 2048).rounded(.toNearestOrEven)))
        }
    }

    /// `sourceShift` moves the source window by whole source pixels (test-time augmentation): destination
    /// pixel d reads around source position f + shift, with the same clamping as unshifted positions (the
    /// edge pixel is repeated), so a shifted view needs no copy of the source.
    public init(sourceWidth: Int, sourceHeight: Int, destinationWidth: Int, destinationHeight: Int,
                sourceShift: (x: Int, y: Int) = (0, 0)) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.destinationWidth = destinationWidth
        self.destinationHeight = destinationHeight
        columns = Self.axis(source: sourceWidth, destination: destinationWidth, shift: sourceShift.x, clampsToEdge: true)
        rows = Self.axis(source: sourceHeight, destination: destinationHeight, shift: sourceShift.y, clampsToEdge: false)
        rowBuffer = [Int32](repeating: 0, count: 2 * destinationWidth)
    }

    /// `source` (sourceWidth x sourceHeight, packed) resized into a new destinationWidth x destinationHeight
    /// array; `mirrored` as below.
    public mutating func resized(_ source: [UInt8], mirrored: Bool = false) -> [UInt8] {
        precondition(source.count == sourceWidth * sourceHeight, "source is not sourceWidth x sourceHeight")
        var output = [UInt8](repeating: 0, count: destinationWidth * destinationHeight)
        source.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                resize(source: source.baseAddress!, destination: destination.baseAddress!, mirrored: mirrored)
            }
        }
        return output
    }

    /// Resizes `source` (sourceWidth x sourceHeight, packed) into `destination` (destinationWidth x
    /// destinationHeight, packed). `mirrored`: each destination row is written right to left, which is
    /// the mirror image of the unmirrored result, made while resizing (no second pass or copy).
    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>,
                                mirrored: Bool = false) {
        let width = destinationWidth
        let sourceWidth = self.sourceWidth
        let rows = self.rows
        // Column `column` goes to `start + step * column`: left to right, or mirrored.
        let (start, step) = mirrored ? (width - 1, -1) : (0, 1)
        columns.first.withUnsafeBufferPointer { firstTaps in
            columns.second.withUnsafeBufferPointer { secondTaps in
                columns.weights.withUnsafeBufferPointer { weights in
                    rowBuffer.withUnsafeMutableBufferPointer { buffer in
                        rows.walkRows(0..<destinationHeight, width: width, buffer: buffer.baseAddress!) { sourceRow, row in
                            let line = source + sourceRow * sourceWidth
                            for column in 0..<width {
                                row[column] = Int32(line[Int(firstTaps[column])]) &* weights[2 * column]
                                    &+ Int32(line[Int(secondTaps[column])]) &* weights[2 * column + 1]
                            }
                        } blend: { row, upper, lower in
                            let b0 = rows.weights[2 * row]
                            let b1 = rows.weights[2 * row + 1]
                            let out = destination + row * width
                            for column in 0..<width {
                                let value = (((upper[column] >> 4) &* b0) >> 16) &+ (((lower[column] >> 4) &* b1) >> 16)
                                out[start + step * column] = UInt8(clamping: (value &+ 2) >> 2)
                            }
                        }
                    }
                }
            }
        }
    }
}
