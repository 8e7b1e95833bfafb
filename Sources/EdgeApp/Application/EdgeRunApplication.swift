import EdgeBoardConfig
import EdgeImage
import Foundation

/// Opens what a `RunConfiguration` names (source, detector, model, outputs), runs the pipeline, and tears it all
/// down. `stop()` and `reload(_:)` may be called from any thread (signal handlers).
public final class EdgeRunApplication: @unchecked Sendable {
    public let configuration: RunConfiguration
    public let pipeline: EmotionPipeline
    public let sourceSummary: String
    /// The camera's reconnecting wrapper (nil for file sources).
    private let camera: ReconnectingSource?
    /// Camera open or read failures, each followed by a reconnection attempt (0 for file sources). Any thread.
    public var cameraReconnects: Int { camera?.failures ?? 0 }
    private let log: @Sendable (String) -> Void
    private var jsonFile: FileLineSink?

    /// Opens everything; throws a message naming the file or device and what to do when something is missing.
    ///
    /// `reportSinks` (MQTT, metrics) see every frame's report on the output thread.
    public init(configuration: RunConfiguration, reportSinks: [ReportSink] = [],
                log: @escaping @Sendable (String) -> Void) throws {
        self.configuration = configuration
        self.log = log
        let augmentation = TestTimeAugmentation(rawValue: configuration.board.model.augment) ?? .none
        let classifier = try Int8EmotionClassifier(path: configuration.modelPath, threads: configuration.board.model.threads,
                                                   batchCapacity: Int8EmotionClassifier.batchCapacity(for: augmentation))
        // The board's `threads` cores: all but one for the detector (the heaviest stage), one left for the model.
        // `detector.fullScanSeconds` 0 turns tracking-driven scanning off (a full scan on every frame). Cameras (and
        // --realtime) run the full scans on their own worker; files processed frame by frame run them in the detect
        // stage, merged at the next frame, so their output does not depend on the machine's speed.
        let detectorConfig = configuration.board.detector
        let detectorThreads = max(1, configuration.board.threads - 1)
        // Region scans exist for Haar cascades only: an LBP cascade is scanned whole on every frame.
        let cascade = try HaarFaceDetector.loadCascade(configuration.cascadePath)
        let detector: FaceDetecting
        if detectorConfig.fullScanSeconds > 0, case .haar(let haar) = cascade {
            detector = TrackingHaarFaceDetector(
                cascade: haar, parameters: HaarFaceDetector.parameters(detectorConfig),
                fullScanSeconds: detectorConfig.fullScanSeconds, trackMargin: detectorConfig.trackMargin,
                threads: detectorThreads, fullScans: configuration.dropsStaleFrames ? .background : .nextFrame)
        } else {
            if detectorConfig.fullScanSeconds > 0 {
                log("edge-run: \(configuration.cascadePath) is an LBP cascade: tracking-driven scanning is Haar-only, "
                    + "scanning every frame whole (detector.fullScanSeconds ignored)")
            }
            detector = HaarFaceDetector(cascade: cascade, config: detectorConfig, threads: detectorThreads)
        }
        var source = try Self.openSource(configuration, log: log)
        camera = source as? ReconnectingSource
        if let limit = configuration.maximumFrames { source = FrameLimitSource(source, limit: limit) }
        sourceSummary = source.summary

        var sinks: [LineSink] = []
        if configuration.writeStandardOutput { sinks.append(StandardOutputSink()) }
        if let path = configuration.jsonOutputPath {
            let file = try FileLineSink(path: path, log: log)
            jsonFile = file
            sinks.append(file)
        }
        var outputs = PipelineOutputs(lineSinks: sinks)
        if let folder = configuration.snapshotFolder { outputs.snapshots = try SnapshotWriter(folder: folder) }
        let devices = BoardDeviceOutputs(configuration: configuration, log: log)
        outputs.lineSinks += devices.serial.map { [$0] } ?? []
        outputs.leds = devices.leds
        outputs.display = devices.display
        outputs.reportSinks = reportSinks
        pipeline = EmotionPipeline(source: source, detector: detector, classifier: classifier, outputs: outputs,
                                   settings: configuration.settings, dropStaleFrames: configuration.dropsStaleFrames,
                                   augmentation: augmentation,
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

    /// Opens the `--json-out` file again at its path (after a log rotator moved it away; SIGHUP).
    public func reopenFiles() { jsonFile?.reopen() }
}
