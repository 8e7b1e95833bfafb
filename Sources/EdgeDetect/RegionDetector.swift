import CHaarKernels
import EdgeImage

/// A part of the frame to scan around a tracked face (tracking-driven scanning).
public struct ScanRegion: Sendable, Equatable {
    /// The covered box K in frame pixels; it may extend past the frame. At every scanned level, exactly the windows
    /// whose frame box (cvRound(x * factor), cvRound(y * factor), window size) lies inside K are evaluated.
    public var box: Box
    /// The scanned levels: those whose window width in frame pixels, cvRound(windowWidth * factor), is in here.
    public var windowWidths: ClosedRange<Int>

    public init(box: Box, windowWidths: ClosedRange<Int>) {
        self.box = box
        self.windowWidths = windowWidths
    }

    /// The region for a face box: the box grown by `margin` times its size on every side, and the levels whose
    /// window is within `sizeRange` times the box width.
    public init(around face: Box, margin: Double, sizeRange: ClosedRange<Double>) {
        let grow = Int((margin * Double(max(face.width, face.height))).rounded(.up))
        box = Box(x: face.x - grow, y: face.y - grow, width: face.width + 2 * grow, height: face.height + 2 * grow)
        let low = Int((Double(face.width) * sizeRange.lowerBound).rounded(.down))
        let high = Int((Double(face.width) * sizeRange.upperBound).rounded(.up))
        windowWidths = max(0, low)...max(0, low, high)
    }
}

/// What a region scan found, split by whether the full-frame scan is known to report the same thing.
public struct RegionDetections: Sendable, Equatable {
    /// Groups whose raw hits all lie so deep inside the region (in position and in size) that no hit outside it could
    /// join them: exactly the detections `FaceDetector.detect` reports for the whole frame (see `RegionDetector`).
    public var trusted: [Detection]
    /// Groups that touch the region's border (position or scanned sizes): a full scan could group them differently.
    public var untrusted: [Detection]
}

/// Scans only a region of the frame, giving the full scan's result there (OpenCV detectMultiScale semantics):
/// - levels: the full scan's pyramid levels (same factors, sizes and steps), restricted to `windowWidths`;
/// - windows: the full scan's grid at each level (origins multiples of the level's step, counted from the level's
///   origin), only the origins whose frame box lies inside the region's box; the skip rule after a first-stage
///   rejection is resolved exactly by `edge_haar_scan_region` (walk back through the row's run of first-stage
///   rejections), so the region's raw hits are exactly the full scan's raw hits with those origins;
/// - level image: only the level rows the region needs, across the whole level width (the walk back may look left
///   of the region), resized with the full level's taps (`ExactBilinearResizer` rows are independent: same pixels);
///   the integral images of that band differ from the whole level's by constants, so every rectangle sum, hence
///   every window decision, is the same;
/// - grouping: `groupRectangles(eps 0.2)` over the region's raw hits. Two boxes are similar only when every edge is
///   within delta = eps * (min(w1, w2) + min(h1, h2)) / 2 <= eps * (w1 + h1) / 2 of the other's, so a hit that can join
///   the group of hit r lies inside r grown by floor(eps * (w + h) / 2) and has a width within 2 * that of r's. A group
///   is trusted when every member satisfies both with room to spare: the grown box inside the region's box, and every
///   full-scan level of such a width scanned. Then its connected component (and so its average and neighbour count)
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
    private var resizers: [ResizerKey: ExactBilinearResizer] = [:]

    private struct ResizerKey: Hashable {
        var sourceWidth, sourceHeight, width, height: Int
    }

    /// Shares the cascade (not the buffers) of `detector`.
    public init(detector: FaceDetector) {
        self.detector = detector
    }

    /// The eps of the grouping, as `FaceDetector.detect` uses it.
    static let eps = 0.2

    /// Raw hits of the region (the full scan's raw hits whose frame box lies in `region.box`, at the scanned levels).
    public func candidates(_ image: GrayImage, in region: ScanRegion,
                           parameters: DetectionParameters = DetectionParameters()) throws -> [Box] {
        // The full scan's parameter checks: a 1x1 image has no pyramid level, so this only validates `parameters`.
        _ = try detector.candidates(GrayImage(width: 1, height: 1, pixels: [0]), parameters: parameters)
        guard image.width * image.height <= FaceDetector.maximumPixels else {
            throw DetectionError.imageTooLarge(width: image.width, height: image.height)
        }
        let cascade = detector.cascade
        let window = (width: cascade.windowWidth, height: cascade.windowHeight)
        let stride = image.width + 1
        if layout?.stride != stride { layout = CascadeKernelLayout(cascade: cascade, stride: stride) }
        var result: [Box] = []
        for level in detector.levels(imageWidth: image.width, imageHeight: image.height, parameters: parameters) {
            let boxWidth = Self.frameSize(window.width, level.factor)
            guard region.windowWidths.contains(boxWidth) else { continue }
            let boxHeight = Self.frameSize(window.height, level.factor)
            let columns = max(level.width + 1 - window.width, 0)
            let rows = max(level.height + 1 - window.height, 0)
            guard let xs = Self.origins(from: region.box.x, to: region.box.x + region.box.width, size: boxWidth,
                                        factor: level.factor, step: level.step, count: columns),
                  let ys = Self.origins(from: region.box.y, to: region.box.y + region.box.height, size: boxHeight,
                                        factor: level.factor, step: level.step, count: rows)
            else { continue }
            let found = scan(image, level: level, window: window, xs: xs, ys: ys)
            for index in 0..<found {
                result.append(Box(x: Self.frameSize(Int(hits[2 * index]), level.factor),
                                  y: Self.frameSize(Int(hits[2 * index + 1]) + ys.lowerBound, level.factor),
                                  width: boxWidth, height: boxHeight))
            }
        }
        return result
    }

    /// Groups the region's raw hits like `FaceDetector.detect` (grouped, clipped to the image, sorted by position) and
    /// splits them into trusted and untrusted groups (see the type's comment).
    public func detect(_ image: GrayImage, in region: ScanRegion,
                       parameters: DetectionParameters = DetectionParameters()) throws -> RegionDetections {
        let raw = try candidates(image, in: region, parameters: parameters)
        let levelWidths = detector.levels(imageWidth: image.width, imageHeight: image.height, parameters: parameters)
            .map { Self.frameSize(detector.cascade.windowWidth, $0.factor) }
        let outer = region.box
        func isInterior(_ member: Box) -> Bool {
            let reach = Int((Self.eps * Double(member.width + member.height) * 0.5).rounded(.down))
            guard member.x - reach >= outer.x, member.y - reach >= outer.y,
                  member.x + member.width + reach <= outer.x + outer.width,
                  member.y + member.height + reach <= outer.y + outer.height else { return false }
            let joinable = (member.width - 2 * reach)...(member.width + 2 * reach)
            return levelWidths.allSatisfy { !joinable.contains($0) || region.windowWidths.contains($0) }
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

    /// Resizes the level rows the origins `ys` need (whole width), integrates them and scans the region.
    private func scan(_ image: GrayImage, level: FaceDetector.Level, window: (width: Int, height: Int),
                      xs: Range<Int>, ys: Range<Int>) -> Int {
        let bandRows = ys.upperBound - 1 + window.height - ys.lowerBound  // level rows first ... last + window - 1
        let stride = image.width + 1
        if band.count < level.width * bandRows { band = [UInt8](repeating: 0, count: level.width * bandRows) }
        if sum.count < stride * (bandRows + 1) {
            sum = [Int32](repeating: 0, count: stride * (bandRows + 1))
            squareSum = [UInt32](repeating: 0, count: stride * (bandRows + 1))
        }
        let rowRange = ys.lowerBound..<(ys.lowerBound + bandRows)
        image.pixels.withUnsafeBufferPointer { source in
            band.withUnsafeMutableBufferPointer { bandBuffer in
                let levelRows: UnsafePointer<UInt8>
                if level.width == image.width && level.height == image.height {
                    levelRows = source.baseAddress! + ys.lowerBound * image.width
                } else {
                    let key = ResizerKey(sourceWidth: image.width, sourceHeight: image.height,
                                         width: level.width, height: level.height)
                    var resizer = resizers[key] ?? ExactBilinearResizer(
                        sourceWidth: image.width, sourceHeight: image.height,
                        destinationWidth: level.width, destinationHeight: level.height)
                    resizer.resize(source: source.baseAddress!, destination: bandBuffer.baseAddress!, rows: rowRange)
                    resizers[key] = resizer
                    levelRows = UnsafePointer(bandBuffer.baseAddress!)
                }
                sum.withUnsafeMutableBufferPointer { sumBuffer in
                    squareSum.withUnsafeMutableBufferPointer { squareBuffer in
                        edge_haar_integral(levelRows, Int32(level.width), Int32(bandRows), Int32(level.width),
                                           sumBuffer.baseAddress, squareBuffer.baseAddress, Int32(stride))
                    }
                }
            }
        }
        let layout = self.layout!
        return sum.withUnsafeBufferPointer { sumBuffer in
            squareSum.withUnsafeBufferPointer { squareBuffer in
                layout.scanRegion(sum: sumBuffer.baseAddress!, squareSum: squareBuffer.baseAddress!, x: xs,
                                  y: 0..<ys.count, step: level.step, hits: &hits)
            }
        }
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
