/// One face in one frame, as reported on every output.
public struct FaceReport: Sendable, Equatable {
    public var id: Int
    public var box: FaceBox
    public var neighbors: Int
    /// The announced (held, smoothed) emotion; nil until one has held for the hysteresis time.
    public var emotion: Emotion?
    /// Smoothed scores in FER2013 order.
    public var scores: EmotionScores?
    /// Top class of this frame's own, unsmoothed scores.
    public var frameEmotion: Emotion?

    public init(id: Int, box: FaceBox, neighbors: Int, emotion: Emotion?, scores: EmotionScores?, frameEmotion: Emotion?) {
        self.id = id
        self.box = box
        self.neighbors = neighbors
        self.emotion = emotion
        self.scores = scores
        self.frameEmotion = frameEmotion
    }

    /// Smoothed score of the announced emotion, or of the smoothed top emotion before one is announced.
    public var score: Double? {
        guard let scores else { return nil }
        return scores[emotion ?? scores.top]
    }
}

/// Everything the pipeline knows about one processed frame.
public struct FrameReport: Sendable {
    public var frame: Int
    /// Frame timestamp, seconds on the source's clock.
    public var frameTime: Double
    /// Wall-clock time when the report was made, seconds since 1970.
    public var wallTime: Double
    public var origin: String
    public var width: Int
    public var height: Int
    public var faces: [FaceReport]
    /// The face the reactions follow: among faces with an announced emotion, most detector neighbours, then largest.
    public var mainFaceID: Int?
    public var reaction: Emotion?
    public var noFace: Bool
    /// Announced-emotion changes in this frame: (face id, new emotion).
    public var changes: [(id: Int, emotion: Emotion)]
    public var timings: StageTimings
    /// Frames dropped by the queues so far.
    public var dropped: Int
    public var latencyMilliseconds: Double
}
