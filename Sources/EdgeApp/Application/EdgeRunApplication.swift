import EdgeBoardConfig
import EdgeImage
import Foundation

/// Opens what a `RunConfiguration` names (source, detector, model, outputs), runs the pipeline, and tears it all
/// down. `stop()` and `reload(_:)` may be called from any thread (signal handlers).
public final class EdgeRunApplication: @unchecked Sendable {
    public let configuration: RunConfiguration
    public let pipeline: EmotionPipeline
    public let sourceSummary: String
    private let log: @Sendable (String) -> Void

    /// Opens everything; throws a message naming the file or device and what to do when something is missing.
    public init(configuration: RunConfiguration, log: @escaping @Sendable (String) -> Void) throws {
        self.configuration = configuration
        self.log = log
        let classifier = try Int8EmotionClassifier(path: configuration.modelPath, threads: configuration.board.model.threads)
        // The board's `threads` cores: all but one for the detector (the heaviest stage), one left for the model.
        let detector = try HaarFaceDetector(cascadePath: configuration.cascadePath, config: configuration.board.detector,
                                            threads: max(1, configuration.board.threads - 1))
        var source = try Self.openSource(configuration, log: log)
        if let limit = configuration.maximumFrames { source = FrameLimitSource(source, limit: limit) }
        sourceSummary = source.summary

        var sinks: [LineSink] = []
        if configuration.writeStandardOutput { sinks.append(StandardOutputSink()) }
        if let path = configuration.jsonOutputPath { sinks.append(try FileLineSink(path: path, log: log)) }
        var outputs = PipelineOutputs(lineSinks: sinks)
        if let folder = configuration.snapshotFolder { outputs.snapshots = try SnapshotWriter(folder: folder) }
        let devices = BoardDeviceOutputs(configuration: configuration, log: log)
        outputs.lineSinks += devices.serial.map { [$0] } ?? []
        outputs.leds = devices.leds
        outputs.display = devices.display
        pipeline = EmotionPipeline(source: source, detector: detector, classifier: classifier, outputs: outputs,
                                   settings: configuration.settings, dropStaleFrames: configuration.dropsStaleFrames,
                                   augmentation: TestTimeAugmentation(rawValue: configuration.board.model.augment) ?? .none,
                                   log: log)
    }

    static func openSource(_ configuration: RunConfiguration, log: @escaping @Sendable (String) -> Void) throws -> FrameSource {
        var source: FrameSource
        switch configuration.source {
        case .camera:
            source = CameraFrameSource.reconnecting(config: configuration.board.camera, log: log)
        case let .folder(path, framesPerImage):
            source = try ImageFolderSource(folder: path, extensions: ImageFileDecoding.extensions,
                                           decode: ImageFileDecoding.decodeGray, framesPerImage: framesPerImage,
                                           framesPerSecond: configuration.replayFramesPerSecond,
                                           loop: configuration.loop, log: log)
        case let .video(path):
            source = try Y4MFileSource(path: path)
        }
        if configuration.realtime, configuration.source != .camera { source = RealtimePacedSource(source) }
        return source
    }

    public func run() -> EmotionPipeline.RunSummary {
        log("edge-run: \(sourceSummary)")
        return pipeline.run()
    }

    public func stop() { pipeline.stop() }

    public func reload(_ settings: PipelineSettings) { pipeline.reload(settings) }
}
