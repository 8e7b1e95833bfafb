import EdgeBoardConfig

/// Everything about the pipeline's behaviour that a config reload (SIGHUP) may change.
public struct PipelineSettings: Sendable, Equatable {
    public var tracking: TrackingSettings
    public var smoothing: SmoothingSettings
    public var reactions: ReactionsConfig
    /// Write an annotated snapshot at most this often (frame time, seconds) and on every announcement.
    /// nil: only on announcements.
    public var snapshotIntervalSeconds: Double?

    public init(tracking: TrackingSettings = TrackingSettings(), smoothing: SmoothingSettings = SmoothingSettings(),
                reactions: ReactionsConfig = ReactionsConfig(), snapshotIntervalSeconds: Double? = 1.0) {
        self.tracking = tracking
        self.smoothing = smoothing
        self.reactions = reactions
        self.snapshotIntervalSeconds = snapshotIntervalSeconds
    }
}

/// Where results go. Every member is optional except that JSON lines go to every sink listed.
public struct PipelineOutputs {
    public var lineSinks: [LineSink]
    public var leds: LEDOutput?
    public var display: FrameDisplay?
    public var snapshots: SnapshotWriting?
    public var reportSinks: [ReportSink] = []

    public init(lineSinks: [LineSink] = [], leds: LEDOutput? = nil, display: FrameDisplay? = nil,
                snapshots: SnapshotWriting? = nil) {
        self.lineSinks = lineSinks
        self.leds = leds
        self.display = display
        self.snapshots = snapshots
    }
}
