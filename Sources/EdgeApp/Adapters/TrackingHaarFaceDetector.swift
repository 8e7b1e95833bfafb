import EdgeBoardConfig
import EdgeDetect
import EdgeImage

/// Tracking-driven scanning (board config `detector.fullScanSeconds`, `detector.trackMargin`): the Haar detector of
/// `HaarFaceDetector`, but while faces are tracked each frame scans only a region around each of them, which gives
/// exactly the full scan's detections there (`RegionDetector`: same levels, window grid, skip rule and grouping).
/// - Region of a tracked box of width w: at the level of window size s, the square centred on the box with half-side
///   min(s, 1.1 w) + `trackMargin` * w (`ScanRegion(around:)`), at the levels whose window is within `sizeRange` (0.45 w ... 2.1 w):
///   a face's group spans about 0.65 w ... 1.45 w, and trust needs every size a member could link to (within 1.4x).
/// - Trust: only groups the region proves complete are reported as the full scan's (see `RegionDetector`). When a
///   group overlapping the tracked box touches the region's border (the face moved fast or grew), the region is
///   scanned again with twice the margin and the `wideSizeRange`; a group still untrusted then is reported anyway
///   (best effort) and a full scan is requested.
/// - Full scans (whole frame, the pipeline's `threads` workers) run on `FullScanWorker`, never in the frame path while
///   faces are tracked: every `fullScanSeconds` of frame time and whenever a track is lost (a request while one runs
///   is refused and repeated on the next frame). A frame with no face tracked or found has nothing to stall: its own
///   full scan (`FullScanWorker.scanNow`, after any running one) is its answer, so a face in the first frame or coming
///   into an empty view is reported in that frame. With `.nextFrame` every full scan is of this frame and is its answer. So a new face is reported at most `fullScanSeconds`
///   plus one full-scan duration (plus one frame) after it appears; usually much sooner, because a change of the frame
///   outside the tracked faces (`UncoveredChangeMonitor`) also starts a full scan, at most every `fullScanSeconds / 4`.
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
    public static let seedOverlap = 0.3
    public static let missesBeforeLost = 5

    /// Counters for benchmarks and tests.
    public struct Statistics: Sendable, Equatable {
        public var frames = 0
        public var fullScansStarted = 0
        public var regionScans = 0
        public var widenedRegions = 0
        public var untrustedReported = 0
        /// Full scans started early because the frame changed outside the tracked regions.
        public var changeTriggeredFullScans = 0
    }

    public let parameters: DetectionParameters
    public let fullScanSeconds: Double
    public let trackMargin: Double
    public private(set) var statistics = Statistics()
    private let regions: RegionDetector
    private let worker: FullScanWorker
    private var tracks: [(box: Box, misses: Int)] = []
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
                tracks.append((seed.box, 0))
            }
        }
        var reported: [Detection] = []
        var kept: [(box: Box, misses: Int)] = []
        for track in tracks {
            // Every track is scanned, even one overlapping a face another region reported: two faces may overlap, and
            // the other region need not trust this one's group. Two tracks on one face: the second finds its face
            // taken below, counts misses and is dropped.
            let found = try scanRegion(around: track.box, image: image)
            for detection in found where !reported.contains(detection) { reported.append(detection) }
            let best = found.max { $0.box.intersectionOverUnion(track.box) < $1.box.intersectionOverUnion(track.box) }
            if let best, best.box.intersectionOverUnion(track.box) > 0, !kept.contains(where: { $0.box == best.box }) {
                kept.append((best.box, 0))
            } else if track.misses + 1 < Self.missesBeforeLost {
                kept.append((track.box, track.misses + 1))
            } else {
                fullScanWanted = true  // lost
            }
            // Other faces the region found (a second face next to the tracked one) become tracks too.
            for other in found where !kept.contains(where: { $0.box.intersectionOverUnion(other.box) >= Self.seedOverlap }) {
                kept.append((other.box, 0))
            }
        }
        tracks = kept
        // A change where no region looks (a face coming in) asks for a full scan early, at most every quarter period.
        let changeDue = lastFullScanTime.map { time - $0 >= fullScanSeconds / 4 } ?? true
        // Only faces found in this frame mask their surroundings: a face that left (or a track about to be lost) must
        // not hide a new face coming in at its place.
        let changed = changeDue && !due && !fullScanWanted && !tracks.isEmpty
            && changes.changedOutside(image, tracked: tracks.filter { $0.misses == 0 }.map(\.box))
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
                             tracked: [(box: Box, misses: Int)]) throws -> [Detection] {
        let detections = try worker.scanNow(image, frameIndex: index).detections.get()
        statistics.fullScansStarted += 1
        lastFullScanTime = time
        fullScanWanted = false
        changes.setReference(image)
        tracks = detections.map { ($0.box, 0) }
        for track in tracked where !detections.contains(where: { $0.box.intersectionOverUnion(track.box) >= Self.seedOverlap }) {
            tracks.append(track)
        }
        return detections
    }

    /// The region's trusted detections; widened once when a group overlapping the track touches its border.
    private func scanRegion(around box: Box, image: GrayImage) throws -> [Detection] {
        statistics.regionScans += 1
        var result = try regions.detect(image, in: ScanRegion(around: box, margin: trackMargin, sizeRange: Self.sizeRange),
                                        parameters: parameters)
        let cut = { (result: RegionDetections) in result.untrusted.filter { $0.box.intersectionOverUnion(box) > 0 } }
        if cut(result).isEmpty { return result.trusted }
        statistics.widenedRegions += 1
        result = try regions.detect(image, in: ScanRegion(around: box, margin: 2 * trackMargin, sizeRange: Self.wideSizeRange),
                                    parameters: parameters)
        let stillCut = cut(result)
        if stillCut.isEmpty { return result.trusted }
        statistics.untrustedReported += stillCut.count
        fullScanWanted = true
        return result.trusted + stillCut
    }
}
