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
        var output = [UInt8](repeating: 0, count: newWidth * newHeight)
        var resizer = BilinearResizer(sourceWidth: width, sourceHeight: height,
                                      destinationWidth: newWidth, destinationHeight: newHeight)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                resizer.resize(source: source.baseAddress!, destination: destination.baseAddress!)
            }
        }
        return GrayImage(uncheckedWidth: newWidth, height: newHeight, pixels: output)
    }
}

/// Precomputed taps and weights of one source-to-destination size pair (see `GrayImage.resized`); reusable
/// across frames of the same size. Buffers are owned, so one resizer serves one thread at a time.
public struct BilinearResizer {
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let destinationWidth: Int
    public let destinationHeight: Int
    private let columnTap: [Int32]
    private let columnWeights: [Int32]  // a0, a1 interleaved
    private let rowTaps: [Int32]  // clipped first and second source row, interleaved
    private let rowWeights: [Int32]  // b0, b1 interleaved
    private var rowBuffer: [Int32]

    /// `sourceShift` moves the source window by whole source pixels (test-time augmentation): destination
    /// pixel d reads around source position f + shift, with the same clamping as unshifted positions (the
    /// edge pixel is repeated), so a shifted view needs no copy of the source.
    public init(sourceWidth: Int, sourceHeight: Int, destinationWidth: Int, destinationHeight: Int,
                sourceShift: (x: Int, y: Int) = (0, 0)) {
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.destinationWidth = destinationWidth
        self.destinationHeight = destinationHeight
        let scaleX = 1.0 / (Double(destinationWidth) / Double(sourceWidth))
        let scaleY = 1.0 / (Double(destinationHeight) / Double(sourceHeight))
        var columnTap = [Int32](repeating: 0, count: destinationWidth)
        var columnWeights = [Int32](repeating: 0, count: 2 * destinationWidth)
        for column in 0..<destinationWidth {
            var position = Float((Double(column) + 0.5) * scaleX - 0.5)
            var tap = Int(position.rounded(.down))
            position -= Float(tap)
            tap += sourceShift.x
            if tap < 0 {
                tap = 0
                position = 0
            }
            if tap >= sourceWidth - 1 {
                tap = sourceWidth - 1
                position = 0
            }
            columnTap[column] = Int32(tap)
            columnWeights[2 * column] = Int32(((1 - position) * 2048).rounded(.toNearestOrEven))
            columnWeights[2 * column + 1] = Int32((position * 2048).rounded(.toNearestOrEven))
        }
        var rowTaps = [Int32](repeating: 0, count: 2 * destinationHeight)
        var rowWeights = [Int32](repeating: 0, count: 2 * destinationHeight)
        for row in 0..<destinationHeight {
            var position = Float((Double(row) + 0.5) * scaleY - 0.5)
            var tap = Int(position.rounded(.down))
            position -= Float(tap)
            tap += sourceShift.y
            rowTaps[2 * row] = Int32(min(max(tap, 0), sourceHeight - 1))
            rowTaps[2 * row + 1] = Int32(min(max(tap + 1, 0), sourceHeight - 1))
            rowWeights[2 * row] = Int32(((1 - position) * 2048).rounded(.toNearestOrEven))
            rowWeights[2 * row + 1] = Int32((position * 2048).rounded(.toNearestOrEven))
        }
        self.columnTap = columnTap
        self.columnWeights = columnWeights
        self.rowTaps = rowTaps
        self.rowWeights = rowWeights
        self.rowBuffer = [Int32](repeating: 0, count: 2 * destinationWidth)
    }

    /// Resizes `source` (sourceWidth x sourceHeight, packed) into `destination` (destinationWidth x
    /// destinationHeight, packed). `mirrored`: each destination row is written right to left, which is
    /// the mirror image of the unmirrored result, made while resizing (no second pass or copy).
    public mutating func resize(source: UnsafePointer<UInt8>, destination: UnsafeMutablePointer<UInt8>,
                                mirrored: Bool = false) {
        let width = destinationWidth
        let lastColumn = sourceWidth - 1
        let sourceWidth = self.sourceWidth
        columnTap.withUnsafeBufferPointer { taps in
            columnWeights.withUnsafeBufferPointer { weights in
                rowBuffer.withUnsafeMutableBufferPointer { rows in
                    // Two horizontally resized rows live in `rows`; consecutive output rows share source
                    // rows, so each source row is resized horizontally once.
                    var upper = rows.baseAddress!
                    var lower = rows.baseAddress! + width
                    var upperIndex = -1
                    var lowerIndex = -1
                    // Column `column` goes to `start + step * column`: left to right, or mirrored.
                    let (start, step) = mirrored ? (width - 1, -1) : (0, 1)
                    func horizontal(_ sourceRow: Int, into row: UnsafeMutablePointer<Int32>) {
                        let line = source + sourceRow * sourceWidth
                        for column in 0..<width {
                            let tap = Int(taps[column])
                            let next = min(tap + 1, lastColumn)
                            row[column] = Int32(line[tap]) &* weights[2 * column]
                                &+ Int32(line[next]) &* weights[2 * column + 1]
                        }
                    }
                    for row in 0..<destinationHeight {
                        let first = Int(rowTaps[2 * row])
                        let second = Int(rowTaps[2 * row + 1])
                        if first == lowerIndex && first != upperIndex {
                            swap(&upper, &lower)
                            swap(&upperIndex, &lowerIndex)
                        }
                        if first != upperIndex {
                            horizontal(first, into: upper)
                            upperIndex = first
                        }
                        if second != lowerIndex {
                            if second == upperIndex {
                                lower.update(from: upper, count: width)
                            } else {
                                horizontal(second, into: lower)
                            }
                            lowerIndex = second
                        }
                        let b0 = rowWeights[2 * row]
                        let b1 = rowWeights[2 * row + 1]
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
