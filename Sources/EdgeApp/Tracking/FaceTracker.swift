/// How detections are linked into tracks across frames.
public struct TrackingSettings: Sendable, Equatable {
    /// A detection continues a track when their boxes overlap at least this much (intersection over union).
    public var minimumOverlap: Double
    /// A track that found no detection for this long is forgotten; its id is never reused.
    public var forgetAfterSeconds: Double
    /// With no face at all for this long, the pipeline announces "no face" (reactions stop).
    public var noFaceAfterSeconds: Double

    public init(minimumOverlap: Double = 0.3, forgetAfterSeconds: Double = 1.0, noFaceAfterSeconds: Double = 2.0) {
        self.minimumOverlap = minimumOverlap
        self.forgetAfterSeconds = forgetAfterSeconds
        self.noFaceAfterSeconds = noFaceAfterSeconds
    }
}

/// A face followed across frames.
public struct FaceTrack: Sendable {
    public let id: Int
    public var box: FaceBox
    public var neighbors: Int
    public var firstSeen: Double
    public var lastSeen: Double
    public var smoother = EmotionSmoother()
}

/// Keeps face ids stable across frames by greedy IoU matching (best overlapping pair first), and says when
/// nobody has been seen for a while. Single-threaded: owned by the pipeline's analysis stage.
public struct FaceTracker: Sendable {
    public var settings: TrackingSettings
    public private(set) var tracks: [FaceTrack] = []
    private var nextID = 1
    private var lastFaceTime: Double?
    private var startTime: Double?
    public private(set) var noFace = false

    public init(settings: TrackingSettings = TrackingSettings()) {
        self.settings = settings
    }

    /// Links this frame's detections to tracks; returns the indices into `tracks` of the faces seen in this frame,
    /// in detection order. Unmatched detections start new tracks; tracks unseen for `forgetAfterSeconds` go.
    public mutating func update(detections: [FaceDetection], at time: Double) -> [Int] {
        if startTime == nil { startTime = time }
        var pairs: [(overlap: Double, track: Int, detection: Int)] = []
        for (t, track) in tracks.enumerated() {
            for (d, detection) in detections.enumerated() {
                let overlap = track.box.intersectionOverUnion(detection.box)
                if overlap >= settings.minimumOverlap { pairs.append((overlap, t, d)) }
            }
        }
        pairs.sort { $0.overlap != $1.overlap ? $0.overlap > $1.overlap : ($0.track, $0.detection) < ($1.track, $1.detection) }
        var trackOfDetection = [Int?](repeating: nil, count: detections.count)
        var usedTracks = Set<Int>()
        for pair in pairs where trackOfDetection[pair.detection] == nil && !usedTracks.contains(pair.track) {
            trackOfDetection[pair.detection] = pair.track
            usedTracks.insert(pair.track)
        }
        for (d, detection) in detections.enumerated() {
            if let t = trackOfDetection[d] {
                tracks[t].box = detection.box
                tracks[t].neighbors = detection.neighbors
                tracks[t].lastSeen = time
            } else {
                tracks.append(FaceTrack(id: nextID, box: detection.box, neighbors: detection.neighbors,
                                        firstSeen: time, lastSeen: time))
                trackOfDetection[d] = tracks.count - 1
                nextID += 1
            }
        }
        let seenIDs = trackOfDetection.map { tracks[$0!].id }
        tracks.removeAll { time - $0.lastSeen > settings.forgetAfterSeconds }
        if !detections.isEmpty { lastFaceTime = time }
        noFace = time - (lastFaceTime ?? startTime!) >= settings.noFaceAfterSeconds
        return seenIDs.map { id in tracks.firstIndex { $0.id == id }! }
    }

    /// Folds a face's scores into its smoother; returns true when its announced emotion changed.
    public mutating func addScores(_ scores: EmotionScores, toTrackAt index: Int, at time: Double,
                                   settings: SmoothingSettings) -> Bool {
        tracks[index].smoother.add(scores, at: time, settings: settings)
    }
}
