import EdgeBoardConfig
import EdgeDetect
import EdgeImage

/// Tracking-driven scanning (board config `detector.fullScanSeconds`, `detector.trackMargin`): the Haar detector of
/// `HaarFaceDetector`, but while faces are tracked each frame scans only a region around each of them, which gives
/// exactly the full scan's detections there (`RegionDetector`: same levels, window grid, skip rule and grouping).
/// - Region of a tracked box of width w (at its predicted place): at the level of window size s, the square centred on the box with half-side
///   min(s, 1.1 w) + `trackMargin` * w (`ScanRegion(around:)`), at the levels whose window is within `sizeRange` (0.45 w ... 2.1 w):
///   a face's group spans about 0.65 w ... 1.45 w, and trust needs every size a member could link to (within 1.4x).
///   Of those levels only the ones the hits ask for are scanned: first the levels within `coreSizeRange` (0.8 w ... 1.25 w),
///   then, round by round, every level a hit found so far could link to (`RegionDetector.detect(growingFrom:)`).
/// - Trust: only groups the region proves complete are reported as the full scan's (see `RegionDetector`). When a
///   group overlapping the tracked box touches the region's border (the face moved fast or grew), the region is
///   scanned again with twice the margin and the `wideSizeRange`; a group still untrusted then is reported anyway
///   (best effort) and a full scan is requested.
/// - Full scans (whole frame, the pipeline's `threads` workers) run on `FullScanWorker`, never in the frame path while
///   faces are tracked: every `fullScanSeconds` of frame time and whenever a track is lost (a request while one runs
///   is refused and repeated on the next frame). A frame with no face tracked or found has nothing to stall: its own
///   full scan (`FullScanWorker.scanNow`, after any running one) is its answer, so a face in the first frame or coming
///   into an empty view is reported in that frame. With `.nextFrame` every full scan is of this frame and is its answer. So a new face is reported at most `fullScanSeconds`
///   plus one full-scan duration (plus one frame) after it appears; usually in the frame it appears, see next.
/// - Changes: where the frame changed outside the faces found in it (`UncoveredChangeMonitor`: a face coming in, or out
///   from behind a moving one), the changed area is scanned at once with a small region (`scanChange`: the windows
///   overlapping it by at least a quarter of their side) and what it finds is scanned with a track's region, so it is
///   reported exactly in this frame; only when more than
///   1 / `fullScanChangeShare` of the frame changed a full scan is started instead (at most every `fullScanSeconds / 4`).
/// - Motion: each track keeps a velocity and its region is centred on the predicted box (`Track`).
/// - Stale results: a full scan's result describes an older frame. It is merged when it arrives, only as seeds:
///   each of its faces that overlaps no current track (IoU < `seedOverlap`) starts a track, and that track's region
///   is scanned in the current frame, so what is reported always comes from the current frame. Faces the old result
///   misses (tracks it does not confirm) stay tracked as long as their regions find them.
/// - Lost: a track whose region finds nothing for `missesBeforeLost` frames in a row is dropped (the region scan is
///   exact, so a face the detector misses in one frame, as the full scan would, is kept meanwhile).
/// Used by one thread at a time (the pipeline's detect stage); the full-scan worker has its own detector.
public final class TrackingHaarFaceDetector: FaceDetecting {
    public static let sizeRange = 0.45...2.1
    public static let wideSizeRange = 0.3...3.0
    /// A region's levels are scanned outwards from the window widths within this times the tracked width, only as far
    /// as the hits found ask for (`RegionDetector.detect(growingFrom:)`), within `sizeRange` (or `wideSizeRange`).
    public static let coreSizeRange = 0.8...1.25
    public static let seedOverlap = 0.3
    public static let missesBeforeLost = 5
    /// A changed area is scanned at window sizes up to this times the largest face found in the frame.
    public static let changeSizeLimit = 1.3
    /// A changed area is scanned with the windows overlapping it by at least this share of their side.
    public static let changeOverlap = 0.25
    /// More than 1 / this of the frame's blocks changed (outside the faces): a full scan instead of change-area scans.
    public static let fullScanChangeShare = 5

    /// Counters for benchmarks and tests.
    public struct Statistics: Sendable, Equatable {
        public var frames = 0
        public var fullScansStarted = 0
        public var regionScans = 0
        public var widenedRegions = 0
        public var untrustedReported = 0
        /// Full scans started early because much of the frame changed outside the faces.
        public var changeTriggeredFullScans = 0
        /// Region scans of small changed areas outside the faces.
        public var changeRegionScans = 0
    }

    public let parameters: DetectionParameters
    public let fullScanSeconds: Double
    public let trackMargin: Double
    public private(set) var statistics = Statistics()
    private let regions: RegionDetector
    private let worker: FullScanWorker
    private var tracks: [Track] = []
    private var lastFullScanTime: Double?
    private var fullScanWanted = true
    private var changes = UncoveredChangeMonitor()

    /// `threads` workers share the full scan's pyramid levels; region scans run in the caller.
    public convenience init(cascadePath: String, config: DetectorConfig, threads: Int = 1,
                            fullScans: FullScanMode = .background) throws {
        guard case .haar(let cascade) = try HaarFaceDetector.loadCascade(cascadePath) else {
            throw DetectionError.invalidParameters(
                "\(cascadePath): tracking-driven scanning needs a Haar cascade; set detector.fullScanSeconds to 0 for LBP")
        }
        self.init(cascade: cascade, parameters: HaarFaceDetector.parameters(config),
                      fullScanSeconds: config.fullScanSeconds, trackMargin: config.trackMargin, threads: threads,
                      fullScans: fullScans)
    }

    public enum FullScanMode: Sendable {
        /// On the worker's own thread (edge-run).
        case background
        /// In the caller, merged at the next frame (deterministic: benchmarks and tests).
        case nextFrame
    }

    public init(cascade: HaarCascade, parameters: DetectionParameters, fullScanSeconds: Double, trackMargin: Double,
                threads: Int = 1, fullScans: FullScanMode = .background) {
        self.parameters = parameters
        self.fullScanSeconds = fullScanSeconds
        self.trackMargin = trackMargin
        regions = RegionDetector(detector: FaceDetector(cascade: cascade))
        worker = FullScanWorker(detector: FaceDetector(cascade: cascade, threads: max(1, threads)), parameters: parameters,
                                mode: fullScans == .background ? .background : .nextFrame)
    }

    deinit {
        worker.close()
    }

    public func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] {
        try detect(GrayImage(width: frame.width, height: frame.height, pixels: frame.pixels), index: frame.index,
                   time: frame.timestamp).map { HaarFaceDetector.faceDetection($0) }
    }

    /// This frame's detections (grouped, clipped, in `FaceDetector.detect`'s order).
    public func detect(_ image: GrayImage, index: Int, time: Double) throws -> [Detection] {
        statistics.frames += 1
        // Nothing tracked: no frame to stall, so this frame's full scan is this frame's answer (a face in the first
        // frame, or coming into an empty view, is reported in that frame).
        if tracks.isEmpty { return try fullScanNow(image, index: index, time: time, tracked: []) }
        let due = lastFullScanTime.map { time - $0 >= fullScanSeconds } ?? true
        // Frame by frame, a full scan due anyway makes this frame's region scans redundant.
        if worker.mode == .nextFrame && (due || fullScanWanted) {
            return try fullScanNow(image, index: index, time: time, tracked: tracks)
        }
        if let scan = worker.take() {
            for seed in try scan.detections.get()
            where !tracks.contains(where: { $0.box.intersectionOverUnion(seed.box) >= Self.seedOverlap }) {
                tracks.append(Track(box: seed.box))
            }
        }
        var reported: [Detection] = []
        var kept: [Track] = []
        for track in tracks {
            let predicted = track.predicted
            // Every track is scanned, even one overlapping a face another region reported: two faces may overlap, and
            // the other region need not trust this one's group. Two tracks on one face: the second finds its face
            // taken below, counts misses and is dropped.
            let found = try scanRegion(around: predicted, image: image)
            for detection in found where !reported.contains(detection) { reported.append(detection) }
            let best = found.max { $0.box.intersectionOverUnion(predicted) < $1.box.intersectionOverUnion(predicted) }
            if let best, best.box.intersectionOverUnion(predicted) > 0, !kept.contains(where: { $0.box == best.box }) {
                kept.append(track.found(best.box))
            } else if track.misses + 1 < Self.missesBeforeLost {
                var missed = track
                missed.misses += 1
                kept.append(missed)
            } else {
                fullScanWanted = true  // lost
            }
            // Other faces the region found (a second face next to the tracked one) become tracks too.
            for other in found where !kept.contains(where: { $0.box.intersectionOverUnion(other.box) >= Self.seedOverlap }) {
                kept.append(Track(box: other.box))
            }
        }
        tracks = kept
        // Where the frame changed outside the faces found in it (a face coming in, or out from behind another one): a
        // small region scan there, or a full scan (at most every quarter period) when much of the frame changed.
        var changed = false
        if !due && !fullScanWanted && !reported.isEmpty {
            let faces = tracks.filter { $0.misses == 0 }.map(\.box)
            if let areas = changes.changedAreas(image, faces: faces) {
                let blocks = areas.reduce(0) { $0 + $1.blocks }
                if blocks * Self.fullScanChangeShare > changes.columns * changes.rows {
                    changed = lastFullScanTime.map { time - $0 >= fullScanSeconds / 4 } ?? true
                } else if !areas.isEmpty {
                    let largest = faces.map(\.width).max() ?? 0
                    for area in areas { try scanChange(area.box, largestFace: largest, image: image, reported: &reported) }
                    changes.looked(at: areas.map(\.box))
                }
            } else {
                changed = true
            }
        }
        if reported.isEmpty || fullScanWanted || due || changed {
            if changed { statistics.changeTriggeredFullScans += 1 }
            // Frame by frame (`.nextFrame`) or with no face found in this frame (nothing to stall): the full scan of
            // this frame, merged now.
            if worker.mode == .nextFrame || reported.isEmpty {
                return try fullScanNow(image, index: index, time: time, tracked: tracks)
            }
            if worker.submit(image, frameIndex: index) {
                statistics.fullScansStarted += 1
                lastFullScanTime = time
                fullScanWanted = false
                changes.setReference(image)
            }
        }
        return reported.sorted { ($0.box.x, $0.box.y, $0.box.width) < ($1.box.x, $1.box.y, $1.box.width) }
    }

    /// Scans the whole frame now and reports its detections (exactly the full scan's); they become the tracks, with
    /// the `tracked` boxes they do not cover (a face the detector misses in this frame stays tracked meanwhile).
    private func fullScanNow(_ image: GrayImage, index: Int, time: Double,
                             tracked: [Track]) throws -> [Detection] {
        let detections = try worker.scanNow(image, frameIndex: index).detections.get()
        statistics.fullScansStarted += 1
        lastFullScanTime = time
        fullScanWanted = false
        changes.setReference(image)
        // A face the full scan finds keeps the velocity of the track it continues.
        tracks = detections.map { detection in
            tracked.first { $0.predicted.intersectionOverUnion(detection.box) >= Self.seedOverlap }?.found(detection.box)
                ?? Track(box: detection.box)
        }
        for track in tracked where !detections.contains(where: { $0.box.intersectionOverUnion(track.box) >= Self.seedOverlap }) {
            tracks.append(track)
        }
        return detections
    }

    /// A tracked face: its last box, the frames since its region last found it, and its velocity (box centre, pixels per
    /// frame, smoothed), so that its region is centred where it will be (`predicted`) and a fast face stays inside it.
    struct Track {
        var box: Box
        var misses = 0
        var dx = 0.0, dy = 0.0

        /// The box moved by the velocity for every frame since it was found.
        var predicted: Box {
            let frames = Double(misses + 1)
            return Box(x: box.x + Int((dx * frames).rounded()), y: box.y + Int((dy * frames).rounded()),
                       width: box.width, height: box.height)
        }

        /// This track found again at `next`: the velocity moves half way to the displacement since the last find.
        func found(_ next: Box) -> Track {
            let frames = Double(misses + 1)
            let moveX = (Double(2 * next.x + next.width) - Double(2 * box.x + box.width)) / 2 / frames
            let moveY = (Double(2 * next.y + next.height) - Double(2 * box.y + box.height)) / 2 / frames
            return Track(box: next, misses: 0, dx: (dx + moveX) / 2, dy: (dy + moveY) / 2)
        }
    }

    /// Scans a changed area for faces no track covers: at the levels whose window is at most `changeSizeLimit` times the
    /// largest face found in this frame (at least the smallest level), every window overlapping the area by at least
    /// `changeOverlap` of its side (a window whose change is all in its outer rim is left to the next full scan; measured
    /// on the unseen bench-track clip: the same faces kept as with any overlap, for about 5 % less tracked time). Its groups
    /// (trusted or cut by the area's border) that overlap no track are each scanned with a track's region
    /// (`scanRegion(around:)`), and what that reports becomes a track and is reported: exactly the full scan's.
    private func scanChange(_ area: Box, largestFace: Int, image: GrayImage, reported: inout [Detection]) throws {
        statistics.changeRegionScans += 1
        let largest = max(Int((Double(largestFace) * Self.changeSizeLimit).rounded(.up)), parameters.minSize.width)
        let region = ScanRegion(box: area, grow: 0, growPerWindow: 1 - Self.changeOverlap, windowWidths: 0...largest)
        let result = try regions.detect(image, in: region, parameters: parameters)
        for group in result.trusted + result.untrusted
        where !tracks.contains(where: { $0.box.intersectionOverUnion(group.box) >= Self.seedOverlap }) {
            for detection in try scanRegion(around: group.box, image: image) {
                if !reported.contains(detection) { reported.append(detection) }
                if !tracks.contains(where: { $0.box.intersectionOverUnion(detection.box) >= Self.seedOverlap }) {
                    tracks.append(Track(box: detection.box))
                }
            }
        }
    }

    /// The window widths a tracked box's region scan starts from (`coreSizeRange`).
    public static func coreWidths(around box: Box) -> ClosedRange<Int> {
        let width = Double(box.width)
        return Int((width * coreSizeRange.lowerBound).rounded(.down))...Int((width * coreSizeRange.upperBound).rounded(.up))
    }

    /// The region's trusted detections; widened once when a group overlapping the track touches its border.
    private func scanRegion(around box: Box, image: GrayImage) throws -> [Detection] {
        statistics.regionScans += 1
        let core = Self.coreWidths(around: box)
        var result = try regions.detect(image, in: ScanRegion(around: box, margin: trackMargin, sizeRange: Self.sizeRange),
                                        parameters: parameters, growingFrom: core)
        let cut = { (result: RegionDetections) in result.untrusted.filter { $0.box.intersectionOverUnion(box) > 0 } }
        if cut(result).isEmpty { return result.trusted }
        statistics.widenedRegions += 1
        result = try regions.detect(image, in: ScanRegion(around: box, margin: 2 * trackMargin, sizeRange: Self.wideSizeRange),
                                    parameters: parameters, growingFrom: core)
        let stillCut = cut(result)
        if stillCut.isEmpty { return result.trusted }
        statistics.untrustedReported += stillCut.count
        fullScanWanted = true
        return result.trusted + stillCut
    }
}
