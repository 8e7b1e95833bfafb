import CHaarKernels
import EdgeImage
import EdgeSystem

/// OpenCV 4.x `CascadeClassifier.detectMultiScale` for Haar and LBP cascades, in integers:
/// - pyramid: factor = 1, s, s^2, ... (double); a level is searched when its window
///   cvRound(window * factor) is within minSize...maxSize and the image; the level image is the frame
///   resized to cvRound(width / (float)factor) x cvRound(height / (float)factor) with OpenCV's bit-exact bilinear
///   resize (`ExactBilinearResizer`'s taps, what OpenCV 4.14's cascade pyramid computes, checked against cv2; run by
///   the Haar kernel table's resize: `LevelResizer`);
/// - windows: every `step` pixels with step = 1 when factor >= 2, else 2; after a first-stage rejection the
///   next window in the row is skipped; Haar windows must have standard deviation > 10 (OpenCV's variance
///   test; LBP has none). The per-level work of each kind is a `LevelKernel` (LevelKernel.swift);
/// - a hit at level origin (x, y) is the box (cvRound(x * factor), cvRound(y * factor), cvRound(24 * factor)...);
/// - hits are grouped with `groupRectangles(eps 0.2, minNeighbors)` and clipped to the image.
/// One detector owns its buffers: call it from one thread at a time (it may use `threads` workers inside).
public final class FaceDetector {
    /// Integral images are int32: 255 * pixels must stay below 2^31.
    public static let maximumPixels = 8_000_000

    public let cascade: DetectorCascade
    /// Pyramid levels are shared among this many threads, the caller included (each with its own
    /// buffers); 1 scans in the caller. The other threads are made once, with the detector.
    public let threads: Int
    /// The Haar scan implementation (every variant finds the same windows; LBP cascades pick theirs
    /// from EDGE_LBP_KERNELS).
    public let kernels: HaarKernels
    private var layout: (any LevelKernel)?
    private let scanners: [LevelScanner]
    private let job = LevelScanJob()
    private let pool: WorkerPool?

    public convenience init(cascade: HaarCascade, threads: Int = 1, kernels: HaarKernels = .standard) {
        self.init(cascade: .haar(cascade), threads: threads, kernels: kernels)
    }

    public init(cascade: DetectorCascade, threads: Int = 1, kernels: HaarKernels = .standard) {
        self.cascade = cascade
        self.threads = max(1, threads)
        self.kernels = kernels
        let scanners = (0..<max(1, threads)).map { _ in LevelScanner(kernels: kernels) }
        self.scanners = scanners
        // One part per thread; part p scans levels p, p + parts, ... with scanners[p], so each scanner
        // is used by one thread at a time whichever thread claims the part.
        let job = self.job
        pool = threads > 1 ? WorkerPool(threads: threads, partsPerThread: 1, name: "edge-detect") { _, part, parts in
            job.scanLevels(part: part, of: parts, scanner: scanners[part])
        } : nil
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

    /// Raw detections before grouping (OpenCV's detectMultiScaleNoGrouping), level by level.
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
        if layout?.stride != stride { layout = try makeLevelKernel(cascade, stride: stride, haarKernels: kernels) }
        let layout = self.layout!
        let window = (cascade.windowWidth, cascade.windowHeight)
        var perLevel = [[Box]](repeating: [], count: levels.count)
        if let pool, levels.count > 1 {
            perLevel.withUnsafeMutableBufferPointer { buffer in
                job.start(image: image, levels: levels, first: first, layout: layout, window: window, results: buffer)
                pool.run(job: 0)
                job.finish()
            }
        } else {
            for (index, level) in levels.enumerated() {
                perLevel[index] = scanners[0].scan(image, level: level, first: first, layout: layout, window: window)
            }
        }
        return perLevel.flatMap { $0 }
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

/// One worker's buffers for scanning pyramid levels: level image, integral images, hit list, level resizer.
/// Unchecked Sendable: FaceDetector hands each scanner to exactly one worker per detection.
private final class LevelScanner: @unchecked Sendable {
    private var levelPixels: [UInt8] = []
    private let scratch = LevelScratch()
    private var hits: [Int32] = [Int32](repeating: 0, count: 2048)
    private let resizer: LevelResizer

    init(kernels: HaarKernels) {
        resizer = LevelResizer(kernels: kernels)
    }

    func scan(_ image: GrayImage, level: FaceDetector.Level, first: FaceDetector.Level, layout: any LevelKernel,
              window: (width: Int, height: Int)) -> [Box] {
        let columns = max(level.width + 1 - window.width, 0)
        let rows = max(level.height + 1 - window.height, 0)
        if columns == 0 || rows == 0 { return [] }
        if levelPixels.count < level.width * level.height {
            levelPixels = [UInt8](repeating: 0, count: first.width * first.height)
        }
        let found = image.pixels.withUnsafeBufferPointer { source in
            levelPixels.withUnsafeMutableBufferPointer { levelBuffer in
                let levelImage: UnsafePointer<UInt8>
                if level.width == image.width && level.height == image.height {
                    levelImage = source.baseAddress!
                } else {
                    resizer.resize(source.baseAddress!, sourceWidth: image.width, sourceHeight: image.height,
                                   width: level.width, height: level.height, rows: 0..<level.height,
                                   into: levelBuffer.baseAddress!)
                    levelImage = UnsafePointer(levelBuffer.baseAddress!)
                }
                return layout.scan(levelImage: levelImage, width: level.width, height: level.height,
                                   integralRows: first.height + 1, columns: columns, rows: rows, step: level.step,
                                   scratch: scratch, hits: &hits)
            }
        }
        let windowWidth = Int((Float(window.width) * level.factor).rounded(.toNearestOrEven))
        let windowHeight = Int((Float(window.height) * level.factor).rounded(.toNearestOrEven))
        return (0..<found).map { index in
            Box(x: Int((Float(hits[2 * index]) * level.factor).rounded(.toNearestOrEven)),
                y: Int((Float(hits[2 * index + 1]) * level.factor).rounded(.toNearestOrEven)),
                width: windowWidth, height: windowHeight)
        }
    }
}

/// The detection the pool's threads are working on: written by the caller before `WorkerPool.run`
/// publishes the job and cleared after it returns. Unchecked Sendable: the threads only read it while
/// the job runs and write disjoint result slots (part p writes levels p, p + parts, ...).
private final class LevelScanJob: @unchecked Sendable {
    private var image: GrayImage?
    private var levels: [FaceDetector.Level] = []
    private var first = FaceDetector.Level(factor: 1, width: 0, height: 0, step: 1)
    private var layout: (any LevelKernel)?
    private var window = (width: 0, height: 0)
    private var results = UnsafeMutableBufferPointer<[Box]>(start: nil, count: 0)

    func start(image: GrayImage, levels: [FaceDetector.Level], first: FaceDetector.Level, layout: any LevelKernel,
               window: (width: Int, height: Int), results: UnsafeMutableBufferPointer<[Box]>) {
        self.image = image
        self.levels = levels
        self.first = first
        self.layout = layout
        self.window = window
        self.results = results
    }

    /// Drops the references to the frame and the caller's buffer once the job is done.
    func finish() {
        image = nil
        layout = nil
        results = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    func scanLevels(part: Int, of parts: Int, scanner: LevelScanner) {
        guard let image, let layout else { return }
        for index in Swift.stride(from: part, to: levels.count, by: parts) {
            results[index] = scanner.scan(image, level: levels[index], first: first, layout: layout, window: window)
        }
    }
}
