import CHaarKernels
import EdgeImage

/// A part of the frame to scan around a tracked face (tracking-driven scanning), level by level.
public struct ScanRegion: Sendable, Equatable {
    /// The region's core in frame pixels. At a level whose window is s pixels wide (in the frame), the covered box
    /// K(s) is this box grown on every side by ceil(grow + min(growPerWindow * s, windowGrowLimit)) pixels; it
    /// may extend past the frame.
    /// Exactly the windows whose frame box (cvRound(x * factor), cvRound(y * factor), window size) lies inside K(s)
    /// are evaluated.
    public var box: Box
    public var grow: Double
    public var growPerWindow: Double
    public var windowGrowLimit: Double
    /// The scanned levels: those whose window width in frame pixels, cvRound(windowWidth * factor), is in here.
    public var windowWidths: ClosedRange<Int>

    /// One covered box for every scanned level.
    public init(box: Box, windowWidths: ClosedRange<Int>) {
        self.init(box: box, grow: 0, growPerWindow: 0, windowWidths: windowWidths)
    }

    public init(box: Box, grow: Double, growPerWindow: Double, windowGrowLimit: Double = .infinity,
                windowWidths: ClosedRange<Int>) {
        self.box = box
        self.grow = grow
        self.growPerWindow = growPerWindow
        self.windowGrowLimit = windowGrowLimit
        self.windowWidths = windowWidths
    }

    /// The region for a face box of width w: at window size s the square centred on the face with half-side
    /// min(s, 1.1 w) + margin * w, at the levels whose window is within `sizeRange` times w. Why: a face's hits of size r
    /// (about 0.65 w ... 1.45 w) sit within about 0.1 w of its centre and, with the grouping's eps, can only link to
    /// windows inside the hit grown by 0.2 r, i.e. within 0.7 r of the centre; hits that can link to a window of size s
    /// are at most 1.4 s, so min(0.98 s, 1.02 w) + 0.1 w covers a still face; the rest of the margin is room for motion.
    public init(around face: Box, margin: Double, sizeRange: ClosedRange<Double>) {
        let width = Double(face.width)
        self.init(box: face, grow: margin * width - width / 2, growPerWindow: 1, windowGrowLimit: 1.1 * width,
                  windowWidths: Int((width * sizeRange.lowerBound).rounded(.down))...max(
                      Int((width * sizeRange.lowerBound).rounded(.down)), Int((width * sizeRange.upperBound).rounded(.up))))
    }

    /// K(s): the covered box at a level of window width s.
    public func coveredBox(windowWidth: Int) -> Box {
        let by = Int((grow + min(growPerWindow * Double(windowWidth), windowGrowLimit)).rounded(.up))
        return Box(x: box.x - by, y: box.y - by, width: box.width + 2 * by, height: box.height + 2 * by)
    }
}

/// What a region scan found, split by whether the full-frame scan is known to report the same thing.
public struct RegionDetections: Sendable, Equatable {
    /// Groups whose raw hits all lie so deep inside the region (in position and in size) that no hit outside it could
    /// join them: exactly the detections `FaceDetector.detect` reports for the whole frame (see `RegionDetector`).
    public var trusted: [Detection]
    /// Groups that touch the region's border (position or scanned sizes): a full scan could group them differently.
    public var untrusted: [Detection]
    /// The window widths (frame pixels) of the levels scanned; nil when none was.
    public var scannedWidths: ClosedRange<Int>? = nil

    public init(trusted: [Detection], untrusted: [Detection], scannedWidths: ClosedRange<Int>? = nil) {
        self.trusted = trusted
        self.untrusted = untrusted
        self.scannedWidths = scannedWidths
    }
}

/// Scans only a region of the frame, giving the full scan's result there (OpenCV detectMultiScale semantics):
/// - levels: the full scan's pyramid levels (same factors, sizes and steps), restricted to `windowWidths`;
/// - windows: the full scan's grid at each level (origins multiples of the level's step, counted from the level's
///   origin), only the origins whose frame box lies inside the region's box; the skip rule after a first-stage
///   rejection is resolved exactly by `edge_haar_scan_region` (walk back through the row's run of first-stage
///   rejections), so the region's raw hits are exactly the full scan's raw hits with those origins;
/// - level image: only the level rows and columns the region needs (its windows and `bandWalkBack` steps left of it for
///   the walk back; the whole level's columns left of the region when a walk back goes further), resized with the
///   full level's taps (`LevelResizer`; pixels are independent: the same pixels); the integral images of that band
///   differ from the whole level's by terms of the row alone or the column alone, so every rectangle sum, hence every
///   window decision, is the same;
/// - grouping: `groupRectangles(eps 0.2)` over the region's raw hits. Two boxes are similar only when every edge is
///   within delta = eps * (min(w1, w2) + min(h1, h2)) / 2 of the other's, so a level window (w2, h2) can be similar to
///   hit r only when |w1 - w2| <= 2 delta and |h1 - h2| <= 2 delta, and then lies inside r grown by floor(delta). A group
///   is trusted when every member passes, for every such level: the level scanned and the grown member inside the
///   level's covered box. Then its connected component (and so its average and neighbour count)
///   is the full scan's. The swallowing rule (a group inside a bigger group with more members is dropped) is applied
///   among the groups the region saw; a trusted group could only differ from the full scan when a group of windows
///   beyond the scanned sizes or region surrounds it, which the tracker's periodic full scan reconciles.
/// One detector per thread (it owns its buffers).
public final class RegionDetector {
    public let detector: FaceDetector
    private var layout: CascadeKernelLayout?
    private var band: [UInt8] = []
    private var sum: [Int32] = []
    private var squareSum: [UInt32] = []
    private var hits = [Int32](repeating: 0, count: 2048)
    private let resizer: LevelResizer

    /// Shares the cascade (not the buffers) of `detector`.
    public init(detector: FaceDetector) {
        self.detector = detector
        resizer = LevelResizer(kernels: detector.kernels)
    }

    /// The eps of the grouping, as `FaceDetector.detect` uses it.
    static let eps = 0.2

    /// Raw hits of the region (the full scan's raw hits whose frame box lies in the covered box of its level, at the scanned levels).
    public func candidates(_ image: GrayImage, in region: ScanRegion,
                           parameters: DetectionParameters = DetectionParameters()) throws -> [Box] {
        let levels = try scannableLevels(image, parameters: parameters)
        return scan(image, in: region, levels: levels.filter { region.windowWidths.contains($0.frameWidth) })
    }

    /// A pyramid level of the full scan with its window size in frame pixels.
    struct RegionLevel {
        var level: FaceDetector.Level
        var frameWidth: Int
        var frameHeight: Int
    }

    /// The full scan's levels, after its parameter and size checks.
    func scannableLevels(_ image: GrayImage, parameters: DetectionParameters) throws -> [RegionLevel] {
        // The full scan's parameter checks: a 1x1 image has no pyramid level, so this only validates `parameters`.
        _ = try detector.candidates(GrayImage(width: 1, height: 1, pixels: [0]), parameters: parameters)
        guard image.width * image.height <= FaceDetector.maximumPixels else {
            throw DetectionError.imageTooLarge(width: image.width, height: image.height)
        }
        guard case .haar(let cascade) = detector.cascade else {
            throw DetectionError.invalidParameters("region scans need a Haar cascade, not \(detector.cascade.kindName)")
        }
        let stride = image.width + 1
        if layout?.stride != stride {
            layout = CascadeKernelLayout(cascade: cascade, stride: stride, kernels: detector.kernels)
        }
        return detector.levels(imageWidth: image.width, imageHeight: image.height, parameters: parameters).map {
            RegionLevel(level: $0, frameWidth: Self.frameSize(cascade.windowWidth, $0.factor),
                        frameHeight: Self.frameSize(cascade.windowHeight, $0.factor))
        }
    }

    /// Raw hits at `levels`, each level's windows inside its covered box.
    private func scan(_ image: GrayImage, in region: ScanRegion, levels: [RegionLevel]) -> [Box] {
        let window = (width: detector.cascade.windowWidth, height: detector.cascade.windowHeight)
        var result: [Box] = []
        for entry in levels {
            let level = entry.level
            let columns = max(level.width + 1 - window.width, 0)
            let rows = max(level.height + 1 - window.height, 0)
            let covered = region.coveredBox(windowWidth: entry.frameWidth)
            guard let xs = Self.origins(from: covered.x, to: covered.x + covered.width, size: entry.frameWidth,
                                        factor: level.factor, step: level.step, count: columns),
                  let ys = Self.origins(from: covered.y, to: covered.y + covered.height, size: entry.frameHeight,
                                        factor: level.factor, step: level.step, count: rows)
            else { continue }
            let found = scan(image, level: level, window: window, xs: xs, ys: ys)
            for index in 0..<found {
                result.append(Box(x: Self.frameSize(Int(hits[2 * index]), level.factor),
                                  y: Self.frameSize(Int(hits[2 * index + 1]) + ys.lowerBound, level.factor),
                                  width: entry.frameWidth, height: entry.frameHeight))
            }
        }
        return result
    }

    /// True when a box of the level's window size could be similar to `member` in the grouping (all four edges within
    /// delta = eps * (min(w1, w2) + min(h1, h2)) / 2, hence sizes within 2 delta); `reach` is floor(delta).
    static func linkable(_ member: Box, width: Int, height: Int) -> (linked: Bool, reach: Int) {
        let delta = eps * Double(min(member.width, width) + min(member.height, height)) * 0.5
        return (Double(abs(member.width - width)) <= 2 * delta && Double(abs(member.height - height)) <= 2 * delta,
                Int(delta.rounded(.down)))
    }

    /// Groups the region's raw hits like `FaceDetector.detect` (grouped, clipped to the image, sorted by position) and
    /// splits them into trusted and untrusted groups (see the type's comment).
    ///
    /// With `growingFrom`, the levels are scanned outwards from the window widths `core` only as far as the hits ask
    /// for, within `region.windowWidths`: after each round, every level a hit could be similar to (see `linkable`) and
    /// not yet scanned is scanned, until no hit asks for another level. The scanned widths stay one contiguous range
    /// (each hit asks for a contiguous range around its own scanned size), and trust is judged on that range: a group is
    /// trusted exactly when it would be with that range as `region.windowWidths`, so reports are still the full scan's.
    /// Hits at the region's other levels that no scanned hit could link to belong to other groups, which this scan
    /// does not report (as it does not report groups beyond `region.windowWidths`).
    public func detect(_ image: GrayImage, in region: ScanRegion,
                       parameters: DetectionParameters = DetectionParameters(),
                       growingFrom core: ClosedRange<Int>? = nil) throws -> RegionDetections {
        let levels = try scannableLevels(image, parameters: parameters)
        var raw: [Box]
        var judged = region
        var scannedWidths: ClosedRange<Int>?
        // Level widths never decrease with the index, so the levels in both ranges are one contiguous run.
        let initial = core.map { core in
            levels.indices.filter { core.contains(levels[$0].frameWidth) && region.windowWidths.contains(levels[$0].frameWidth) }
        } ?? []
        if let first = initial.first, let last = initial.last {
            var scanned = first...last
            raw = scan(image, in: region, levels: Array(levels[scanned]))
            var fresh = raw[...]
            while true {
                var wanted = scanned
                for hit in fresh {
                    for index in levels.indices where !wanted.contains(index)
                        && region.windowWidths.contains(levels[index].frameWidth)
                        && Self.linkable(hit, width: levels[index].frameWidth, height: levels[index].frameHeight).linked {
                        wanted = min(wanted.lowerBound, index)...max(wanted.upperBound, index)
                    }
                }
                if wanted == scanned { break }
                let more = Array(levels[wanted.lowerBound..<scanned.lowerBound])
                    + Array(levels[(scanned.upperBound + 1)..<(wanted.upperBound + 1)])
                let start = raw.count
                raw += scan(image, in: region, levels: more)
                fresh = raw[start...]
                scanned = wanted
            }
            judged.windowWidths = levels[scanned.lowerBound].frameWidth...levels[scanned.upperBound].frameWidth
            scannedWidths = judged.windowWidths
        } else if core != nil {
            raw = []  // no level of `core` is in the region
        } else {
            let scanned = levels.filter { region.windowWidths.contains($0.frameWidth) }
            raw = scan(image, in: region, levels: scanned)
            scannedWidths = scanned.first.map { $0.frameWidth...scanned.last!.frameWidth }
        }
        var result = group(raw, judgedBy: judged, levels: levels, image: image, parameters: parameters)
        result.scannedWidths = scannedWidths
        return result
    }

    private func group(_ raw: [Box], judgedBy region: ScanRegion, levels: [RegionLevel], image: GrayImage,
                       parameters: DetectionParameters) -> RegionDetections {
        // A member is interior when, for every pyramid level whose windows could be similar to it, that level was
        // scanned and the member grown by the largest distance an edge of a similar box can have (delta) lies inside the
        // level's covered box: then every hit that can join the member was scanned.
        func isInterior(_ member: Box) -> Bool {
            for level in levels {
                let (linked, reach) = Self.linkable(member, width: level.frameWidth, height: level.frameHeight)
                guard linked else { continue }
                guard region.windowWidths.contains(level.frameWidth) else { return false }
                let outer = region.coveredBox(windowWidth: level.frameWidth)
                guard member.x - reach >= outer.x, member.y - reach >= outer.y,
                      member.x + member.width + reach <= outer.x + outer.width,
                      member.y + member.height + reach <= outer.y + outer.height else { return false }
            }
            return true
        }
        var result = RegionDetections(trusted: [], untrusted: [])
        for (detection, members) in RectangleGrouping.groupWithMembers(raw, threshold: parameters.minNeighbors, eps: Self.eps) {
            guard let clipped = FaceDetector.clipped(detection, width: image.width, height: image.height) else { continue }
            if members.allSatisfy({ isInterior(raw[$0]) }) {
                result.trusted.append(clipped)
            } else {
                result.untrusted.append(clipped)
            }
        }
        result.trusted.sort(by: FaceDetector.positionOrder)
        result.untrusted.sort(by: FaceDetector.positionOrder)
        return result
    }

    /// cvRound(value * factor) with the float factor, as the full scan maps level coordinates to the frame.
    static func frameSize(_ value: Int, _ factor: Float) -> Int {
        Int((Float(value) * factor).rounded(.toNearestOrEven))
    }

    /// Level origins on the step grid, 0 ..< count, whose frame span [cvRound(o * factor), + size) lies in [low, high).
    static func origins(from low: Int, to high: Int, size: Int, factor: Float, step: Int, count: Int) -> Range<Int>? {
        var first = max(0, Int((Float(low) / factor).rounded(.down)) - 2)
        first -= first % step
        while first < count && frameSize(first, factor) < low { first += step }
        var last = first
        guard last < count, frameSize(last, factor) + size <= high else { return nil }
        while last + step < count && frameSize(last + step, factor) + size <= high { last += step }
        return first..<(last + 1)
    }

    /// Level columns left of the region kept in its band for the skip rule's walk back (`edge_haar_scan_region`); a
    /// longer walk back scans the level again with every column left of the region.
    var bandWalkBack = 64
    /// How often a walk back needed the whole level width (tests check that the path runs).
    private(set) var wholeBandRescans = 0

    /// Resizes the level rows the origins `ys` need (only the columns the region and a short walk back left of it read),
    /// integrates them and scans the region; hits' x are level columns.
    private func scan(_ image: GrayImage, level: FaceDetector.Level, window: (width: Int, height: Int),
                      xs: Range<Int>, ys: Range<Int>) -> Int {
        let left = max(0, xs.lowerBound - bandWalkBack * level.step) / level.step * level.step
        if let found = scan(image, level: level, window: window, xs: xs, ys: ys, bandLeft: left) { return found }
        wholeBandRescans += 1
        return scan(image, level: level, window: window, xs: xs, ys: ys, bandLeft: 0)!
    }

    private func scan(_ image: GrayImage, level: FaceDetector.Level, window: (width: Int, height: Int),
                      xs: Range<Int>, ys: Range<Int>, bandLeft: Int) -> Int? {
        let bandRows = ys.upperBound - 1 + window.height - ys.lowerBound  // level rows first ... last + window - 1
        let bandColumns = bandLeft..<min(level.width, xs.upperBound - 1 + window.width)
        let stride = image.width + 1
        if band.count < bandColumns.count * bandRows { band = [UInt8](repeating: 0, count: bandColumns.count * bandRows) }
        if sum.count < stride * (bandRows + 1) {
            sum = [Int32](repeating: 0, count: stride * (bandRows + 1))
            squareSum = [UInt32](repeating: 0, count: stride * (bandRows + 1))
        }
        let rowRange = ys.lowerBound..<(ys.lowerBound + bandRows)
        let layout = self.layout!
        image.pixels.withUnsafeBufferPointer { source in
            band.withUnsafeMutableBufferPointer { bandBuffer in
                let levelRows: UnsafePointer<UInt8>
                let rowStride: Int
                if level.width == image.width && level.height == image.height {
                    levelRows = source.baseAddress! + ys.lowerBound * image.width + bandColumns.lowerBound
                    rowStride = image.width
                } else {
                    resizer.resize(source.baseAddress!, sourceWidth: image.width, sourceHeight: image.height,
                                   width: level.width, height: level.height, rows: rowRange, columns: bandColumns,
                                   into: bandBuffer.baseAddress!)
                    levelRows = UnsafePointer(bandBuffer.baseAddress!)
                    rowStride = bandColumns.count
                }
                sum.withUnsafeMutableBufferPointer { sumBuffer in
                    squareSum.withUnsafeMutableBufferPointer { squareBuffer in
                        layout.kernels.table.pointee.integral(
                            levelRows, Int32(bandColumns.count), Int32(bandRows), Int32(rowStride), sumBuffer.baseAddress,
                            squareBuffer.baseAddress, Int32(stride))
                    }
                }
            }
        }
        let found = sum.withUnsafeBufferPointer { sumBuffer in
            squareSum.withUnsafeBufferPointer { squareBuffer in
                layout.scanRegion(sum: sumBuffer.baseAddress!, squareSum: squareBuffer.baseAddress!, bandLeft: bandLeft,
                                  x: (xs.lowerBound - bandLeft)..<(xs.upperBound - bandLeft), y: 0..<ys.count,
                                  step: level.step, hits: &hits)
            }
        }
        guard let found else { return nil }
        for index in 0..<found { hits[2 * index] += Int32(bandLeft) }
        return found
    }
}

extension FaceDetector {
    /// A grouped detection clipped to the image as `detect` clips it; nil when nothing is left.
    static func clipped(_ detection: Detection, width: Int, height: Int) -> Detection? {
        let box = detection.box
        let left = max(box.x, 0), top = max(box.y, 0)
        let right = min(box.x + box.width, width), bottom = min(box.y + box.height, height)
        guard right > left && bottom > top else { return nil }
        return Detection(box: Box(x: left, y: top, width: right - left, height: bottom - top), neighbors: detection.neighbors)
    }

    /// `detect`'s output order.
    static func positionOrder(_ a: Detection, _ b: Detection) -> Bool {
        (a.box.x, a.box.y, a.box.width) < (b.box.x, b.box.y, b.box.width)
    }
}
