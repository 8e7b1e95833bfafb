import CHaarKernels
import EdgeImage

/// OpenCV 4.x `CascadeClassifier.detectMultiScale` for Haar cascades, in integers:
/// - pyramid: factor = 1, s, s^2, ... (double); a level is searched when its window
///   cvRound(window * factor) is within minSize...maxSize and the image; the level image is the frame
///   resized to cvRound(width / (float)factor) x cvRound(height / (float)factor) with OpenCV's bit-exact bilinear
///   resize (`ExactBilinearResizer`: what OpenCV 4.14's cascade pyramid computes, checked against cv2);
/// - windows: every `step` pixels with step = 1 when factor >= 2, else 2; after a first-stage rejection the
///   next window in the row is skipped; the window must have standard deviation > 10 (OpenCV's variance test);
/// - a hit at level origin (x, y) is the box (cvRound(x * factor), cvRound(y * factor), cvRound(24 * factor)...);
/// - hits are grouped with `groupRectangles(eps 0.2, minNeighbors)` and clipped to the image.
/// One detector owns its buffers: use one per thread.
public final class FaceDetector {
    /// Integral images are int32: 255 * pixels must stay below 2^31.
    public static let maximumPixels = 8_000_000

    public let cascade: HaarCascade
    private var layout: CascadeKernelLayout?
    private var levelPixels: [UInt8] = []
    private var sum: [Int32] = []
    private var squareSum: [UInt32] = []
    private var hits: [Int32] = [Int32](repeating: 0, count: 2048)
    private var resizers: [ResizerKey: ExactBilinearResizer] = [:]

    private struct ResizerKey: Hashable {
        var sourceWidth, sourceHeight, width, height: Int
    }

    public init(cascade: HaarCascade) {
        self.cascade = cascade
    }

    /// A pyramid level: scale factor (float, as OpenCV stores it) and the level image size.
    struct Level: Equatable {
        var factor: Float
        var width: Int
        var height: Int
        var step: Int
    }

    func levels(imageWidth: Int, imageHeight: Int, parameters: DetectionParameters) -> [Level] {
        let maxSize = parameters.maxSize.flatMap { $0.width > 0 && $0.height > 0 ? $0 : nil }
            ?? WindowSize(width: imageWidth, height: imageHeight)
        var result: [Level] = []
        var factor = 1.0
        while true {
            let windowWidth = Int((Double(cascade.windowWidth) * factor).rounded(.toNearestOrEven))
            let windowHeight = Int((Double(cascade.windowHeight) * factor).rounded(.toNearestOrEven))
            if windowWidth > maxSize.width || windowHeight > maxSize.height || windowWidth > imageWidth
                || windowHeight > imageHeight
            {
                break
            }
            if windowWidth >= parameters.minSize.width && windowHeight >= parameters.minSize.height {
                let scale = Float(factor)
                result.append(Level(
                    factor: scale,
                    width: Int((Float(imageWidth) / scale).rounded(.toNearestOrEven)),
                    height: Int((Float(imageHeight) / scale).rounded(.toNearestOrEven)),
                    step: scale >= 2 ? 1 : 2))
            }
            factor *= parameters.scaleFactor
        }
        return result
    }

    /// Raw detections before grouping (OpenCV's detectMultiScaleNoGrouping).
    public func candidates(_ image: GrayImage, parameters: DetectionParameters = DetectionParameters()) throws -> [Box] {
        guard parameters.scaleFactor > 1, parameters.scaleFactor.isFinite else {
            throw DetectionError.invalidParameters("scaleFactor must be > 1, got \(parameters.scaleFactor)")
        }
        guard parameters.minNeighbors >= 0 else {
            throw DetectionError.invalidParameters("minNeighbors must be >= 0, got \(parameters.minNeighbors)")
        }
        guard parameters.minSize.width >= 0, parameters.minSize.height >= 0 else {
            throw DetectionError.invalidParameters("minSize must not be negative")
        }
        guard image.width * image.height <= Self.maximumPixels else {
            throw DetectionError.imageTooLarge(width: image.width, height: image.height)
        }
        let levels = levels(imageWidth: image.width, imageHeight: image.height, parameters: parameters)
        guard let first = levels.first else { return [] }
        // One stride for every level (the first level is the largest), so feature offsets are computed once.
        let stride = first.width + 1
        if layout?.stride != stride { layout = CascadeKernelLayout(cascade: cascade, stride: stride) }
        let integralCount = stride * (first.height + 1)
        if sum.count < integralCount {
            sum = [Int32](repeating: 0, count: integralCount)
            squareSum = [UInt32](repeating: 0, count: integralCount)
        }
        if levelPixels.count < first.width * first.height {
            levelPixels = [UInt8](repeating: 0, count: first.width * first.height)
        }
        var boxes: [Box] = []
        for level in levels {
            let columns = max(level.width + 1 - cascade.windowWidth, 0)
            let rows = max(level.height + 1 - cascade.windowHeight, 0)
            if columns == 0 || rows == 0 { continue }
            image.pixels.withUnsafeBufferPointer { source in
                levelPixels.withUnsafeMutableBufferPointer { levelBuffer in
                    let levelImage: UnsafePointer<UInt8>
                    if level.width == image.width && level.height == image.height {
                        levelImage = source.baseAddress!
                    } else {
                        let key = ResizerKey(sourceWidth: image.width, sourceHeight: image.height,
                                             width: level.width, height: level.height)
                        var resizer = resizers[key] ?? ExactBilinearResizer(
                            sourceWidth: image.width, sourceHeight: image.height,
                            destinationWidth: level.width, destinationHeight: level.height)
                        resizer.resize(source: source.baseAddress!, destination: levelBuffer.baseAddress!)
                        resizers[key] = resizer
                        levelImage = UnsafePointer(levelBuffer.baseAddress!)
                    }
                    sum.withUnsafeMutableBufferPointer { sumBuffer in
                        squareSum.withUnsafeMutableBufferPointer { squareBuffer in
                            edge_haar_integral(levelImage, Int32(level.width), Int32(level.height), Int32(level.width),
                                               sumBuffer.baseAddress, squareBuffer.baseAddress, Int32(stride))
                        }
                    }
                }
            }
            let found = sum.withUnsafeBufferPointer { sumBuffer in
                squareSum.withUnsafeBufferPointer { squareBuffer in
                    layout!.scan(sum: sumBuffer.baseAddress!, squareSum: squareBuffer.baseAddress!, columns: columns,
                                 rows: rows, step: level.step, hits: &hits)
                }
            }
            let windowWidth = Int((Float(cascade.windowWidth) * level.factor).rounded(.toNearestOrEven))
            let windowHeight = Int((Float(cascade.windowHeight) * level.factor).rounded(.toNearestOrEven))
            for index in 0..<found {
                let x = Int((Float(hits[2 * index]) * level.factor).rounded(.toNearestOrEven))
                let y = Int((Float(hits[2 * index + 1]) * level.factor).rounded(.toNearestOrEven))
                boxes.append(Box(x: x, y: y, width: windowWidth, height: windowHeight))
            }
        }
        return boxes
    }

    /// Faces in `image`, grouped and clipped to the image, sorted by position.
    public func detect(_ image: GrayImage, parameters: DetectionParameters = DetectionParameters()) throws -> [Detection] {
        let raw = try candidates(image, parameters: parameters)
        let grouped = RectangleGrouping.group(raw, threshold: parameters.minNeighbors, eps: 0.2)
        var clipped: [Detection] = []
        for detection in grouped {
            let box = detection.box
            let left = max(box.x, 0), top = max(box.y, 0)
            let right = min(box.x + box.width, image.width), bottom = min(box.y + box.height, image.height)
            if right > left && bottom > top {
                clipped.append(Detection(box: Box(x: left, y: top, width: right - left, height: bottom - top),
                                         neighbors: detection.neighbors))
            }
        }
        return clipped.sorted { ($0.box.x, $0.box.y, $0.box.width) < ($1.box.x, $1.box.y, $1.box.width) }
    }
}
