/// OpenCV's `cv::resize(..., INTER_LINEAR)` for 8-bit one-channel images, bit for bit with OpenCV 4.14's x86 build
/// when shrinking (what face crops do); when enlarging, OpenCV rounds some pixels down where this rounds up
/// (at most 1 apart, checked by the tests):
/// - source coordinate `(d + 0.5) * scale - 0.5`, floored; the fraction turned into two 11-bit weights
///   (`INTER_RESIZE_COEF_SCALE` = 2048) that sum to 2048; positions before the first or after the last
///   pixel are clamped to the edge with weight 2048 on it;
/// - horizontal pass in Int32: `p0 * a0 + p1 * a1` (at most 255 * 2048 = 522,240, no overflow);
/// - vertical pass as OpenCV's SIMD path does it: each row value shifted right by 4, multiplied by its
///   16-bit weight keeping the high 16 bits, the two summed, then `(sum + 2) >> 2`, saturated to 0...255;
/// - an exact 2x downscale in both directions goes to `INTER_AREA` (2x2 mean, rounded half up), as OpenCV does.
/// `mirrored` writes each output row right to left: the mirror image of the result, made while resizing.
public enum OpenCVLinearResize {
    public static func resize(_ source: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int,
                              mirrored: Bool = false) -> [UInt8] {
        precondition(source.count == width * height && width > 0 && height > 0 && toWidth > 0 && toHeight > 0)
        // Output column dx goes to start + step * dx.
        let (start, step) = mirrored ? (toWidth - 1, -1) : (0, 1)
        if width == toWidth && height == toHeight && !mirrored { return source }
        if width == 2 * toWidth && height == 2 * toHeight {
            return halve(source, width: width, toWidth: toWidth, toHeight: toHeight, start: start, step: step)
        }
        let columns = taps(sourceSize: width, destinationSize: toWidth)
        let rows = taps(sourceSize: height, destinationSize: toHeight)
        var horizontal = [Int32](repeating: 0, count: toWidth * height)
        for y in 0..<height {
            let rowBase = y * width
            for (dx, tap) in columns.enumerated() {
                let p0 = Int32(source[rowBase + tap.index])
                let p1 = Int32(source[rowBase + min(tap.index + 1, width - 1)])
                horizontal[y * toWidth + dx] = p0 * tap.weight0 + p1 * tap.weight1
            }
        }
        var out = [UInt8](repeating: 0, count: toWidth * toHeight)
        for (dy, tap) in rows.enumerated() {
            let row0 = tap.index * toWidth
            let row1 = min(tap.index + 1, height - 1) * toWidth
            for dx in 0..<toWidth {
                let s0 = ((horizontal[row0 + dx] >> 4) * tap.weight0) >> 16
                let s1 = ((horizontal[row1 + dx] >> 4) * tap.weight1) >> 16
                out[dy * toWidth + start + step * dx] = UInt8(clamping: (s0 + s1 + 2) >> 2)
            }
        }
        return out
    }

    struct Tap {
        var index: Int
        var weight0: Int32
        var weight1: Int32
    }

    static func taps(sourceSize: Int, destinationSize: Int) -> [Tap] {
        let scale = 1.0 / (Double(destinationSize) / Double(sourceSize))
        return (0..<destinationSize).map { d in
            var position = Float((Double(d) + 0.5) * scale - 0.5)
            var index = Int(position.rounded(.down))
            position -= Float(index)
            if index < 0 { index = 0; position = 0 }
            if index >= sourceSize - 1 { index = sourceSize - 1; position = 0 }
            let weight0 = Int32(((1 - position) * 2048).rounded(.toNearestOrEven))
            return Tap(index: index, weight0: weight0, weight1: 2048 - weight0)
        }
    }

    private static func halve(_ source: [UInt8], width: Int, toWidth: Int, toHeight: Int, start: Int, step: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: toWidth * toHeight)
        for y in 0..<toHeight {
            for x in 0..<toWidth {
                let a = Int(source[2 * y * width + 2 * x]), b = Int(source[2 * y * width + 2 * x + 1])
                let c = Int(source[(2 * y + 1) * width + 2 * x]), d = Int(source[(2 * y + 1) * width + 2 * x + 1])
                out[y * toWidth + start + step * x] = UInt8((a + b + c + d + 2) >> 2)
            }
        }
        return out
    }
}
