import EdgeBoardConfig

/// Everything `edge-run` decided from its command line and the board config, before anything is opened.
public struct RunConfiguration: Sendable {
    public enum Source: Sendable, Equatable {
        /// The board config's camera; missing or unplugged cameras are waited for.
        case camera
        /// PNG/JPEG/PGM files of a folder in name order, each held for `framesPerImage` frames.
        case folder(path: String, framesPerImage: Int)
        /// A YUV4MPEG2 video file.
        case video(path: String)
    }

    public var board: BoardConfig
    public var boardConfigPath: String?
    public var source: Source
    /// Replay frames per second (timestamps of folder frames; pacing with `realtime`).
    public var replayFramesPerSecond: Double
    public var loop: Bool
    /// Deliver file frames at their timestamps and drop stale ones, like a camera.
    public var realtime: Bool
    public var modelPath: String
    public var cascadePath: String
    public var snapshotFolder: String?
    public var jsonOutputPath: String?
    public var writeStandardOutput: Bool
    public var useDisplay: Bool
    public var useLEDs: Bool
    public var useSerial: Bool
    public var maximumFrames: Int?
    public var settings: PipelineSettings

    public init(board: BoardConfig, boardConfigPath: String?, source: Source, replayFramesPerSecond: Double = 10,
                loop: Bool = false, realtime: Bool = false, modelPath: String, cascadePath: String,
                snapshotFolder: String? = nil, jsonOutputPath: String? = nil, writeStandardOutput: Bool = true,
                useDisplay: Bool = true, useLEDs: Bool = true, useSerial: Bool = true, maximumFrames: Int? = nil,
                settings: PipelineSettings) {
        self.board = board
        self.boardConfigPath = boardConfigPath
        self.source = source
        self.replayFramesPerSecond = replayFramesPerSecond
        self.loop = loop
        self.realtime = realtime
        self.modelPath = modelPath
        self.cascadePath = cascadePath
        self.snapshotFolder = snapshotFolder
        self.jsonOutputPath = jsonOutputPath
        self.writeStandardOutput = writeStandardOutput
        self.useDisplay = useDisplay
        self.useLEDs = useLEDs
        self.useSerial = useSerial
        self.maximumFrames = maximumFrames
        self.settings = settings
    }

    /// A live camera drops stale frames; files are processed frame by frame unless paced in real time.
    public var dropsStaleFrames: Bool {
        if case .camera = source { return true }
        return realtime
    }
}
