import ArgumentParser
import EdgeApp
import EdgeBoardConfig
import EdgeSystem
import Foundation

@main
struct EdgeRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-run",
        abstract: "See faces through the camera and react to their emotions.",
        discussion: """
            With no options it uses the camera of the board config; when there is no camera it replays the \
            sample photos in models/samples and writes annotated snapshots and JSON lines to out/demo/.
            One JSON line per frame goes to standard output (schema: README, "edge-run JSON lines"); logs go \
            to standard error. SIGINT/SIGTERM stop cleanly, SIGHUP reopens --json-out (log rotation) and reloads the \
            board config's reactions. A board config with an "mqtt" section also publishes events, state and Home Assistant discovery to that \
            broker; a "metrics" section writes Prometheus metrics for node_exporter (README, "Many boards").
            """)

    /// Blocks SIGINT, SIGTERM and SIGHUP before anything else runs, so that every thread (including helper
    /// threads the runtime starts before `run()`) inherits the mask and only the signal watcher takes them.
    static func main() {
        _ = TerminationSignals()
        main(nil)
    }

    enum SourceKind: String, ExpressibleByArgument, CaseIterable {
        case auto, camera, folder, file
    }

    @Option(name: .long, help: "Board config (JSON).")
    var config: String = "board-configs/generic-pc-usb-webcam.json"

    @Option(name: .long, help: "auto (camera if present, else the samples), camera, folder or file (YUV4MPEG2 .y4m).")
    var source: SourceKind = .auto

    @Option(name: .long, help: "Folder of PNG/JPEG/PGM images or a .y4m file for --source folder/file.")
    var input: String?

    @Option(name: .long, help: "Folder for annotated PNG snapshots (on each announced emotion, and every --snapshot-every seconds).")
    var snapshots: String?

    @Option(name: .long, help: "Seconds of frame time between periodic snapshots.")
    var snapshotEvery: Double = 1.0

    @Option(name: .long, help: "Also append the JSON lines to this file.")
    var jsonOut: String?

    @Flag(name: .long, help: "Print a summary (fps, per-stage ms, drops) to standard error periodically.")
    var stats = false

    @Option(name: .long, help: "Seconds between --stats summaries.")
    var statsEvery: Double = 5

    @Flag(name: .long, help: "Do not write JSON lines to standard output.")
    var quiet = false

    @Option(name: .long, help: "Int8 emotion model file (default: the board config's model.path).")
    var model: String?

    @Option(name: .long, help: "Test-time augmentation of each face: none, flip or flip-shift (1, 2 or 10 CNN passes; default: the board config's model.augment).")
    var augment: String?

    @Option(name: .long, help: "Face cascade, Haar or LBP (default: the board config's detector.cascade).")
    var cascade: String?

    @Option(name: .long, help: "Frames each image is shown for when replaying a folder.")
    var framesPerImage: Int = 10

    @Option(name: .long, help: "Frame rate of replayed folders (frame timestamps).")
    var fps: Double = 10

    @Flag(name: .long, help: "Replay files at their frame rate on the wall clock, dropping stale frames like a camera.")
    var realtime = false

    @Flag(name: .long, help: "Replay the folder or file again and again.")
    var loop = false

    @Option(name: .long, help: "Stop after this many frames.")
    var maxFrames: Int?

    @Option(name: .long, help: "Smoothing time constant of the emotion scores, seconds (0 = none).")
    var smoothingSeconds: Double = 0.4

    @Option(name: .long, help: "Seconds an emotion must stay on top before it is announced (hysteresis).")
    var announceAfter: Double = 0.6

    @Option(name: .long, help: "Seconds without any face before \"no face\" is announced and reactions stop.")
    var noFaceAfter: Double = 1.5

    @Option(name: .long, help: "Seconds a lost face keeps its id.")
    var forgetAfter: Double = 1

    @Flag(name: .long, help: "Do not use the display even if the config enables it.")
    var noDisplay = false

    @Flag(name: .long, help: "Do not drive the LEDs.")
    var noLeds = false

    @Flag(name: .long, help: "Do not write JSON lines to the serial port even if the config enables it.")
    var noSerial = false

    func validate() throws {
        if let augment, !ModelConfig.augmentChoices.contains(augment) {
            throw ValidationError("--augment must be one of \(ModelConfig.augmentChoices.joined(separator: ", ")), not '\(augment)'")
        }
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("board config \(config) does not exist: give one of board-configs/*.json with --config (run from the project folder or give a full path)")
        }
        if source == .folder || source == .file, input == nil {
            throw ValidationError("--source \(source.rawValue) needs --input: a folder of PNG/JPEG/PGM images or a .y4m video file")
        }
        if let input {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw ValidationError("--input \(input) does not exist")
            }
            if source == .folder && !isDirectory.boolValue {
                throw ValidationError("--input \(input) is a file; --source folder needs a folder of images (use --source file for a .y4m video)")
            }
            if source == .file && isDirectory.boolValue {
                throw ValidationError("--input \(input) is a folder; --source file needs a .y4m video (use --source folder for images)")
            }
        }
        for (name, value, range) in [("--snapshot-every", snapshotEvery, 0.0...3600), ("--stats-every", statsEvery, 0.1...3600),
                                     ("--fps", fps, 0.1...1000), ("--smoothing-seconds", smoothingSeconds, 0...60),
                                     ("--announce-after", announceAfter, 0...60), ("--no-face-after", noFaceAfter, 0...3600),
                                     ("--forget-after", forgetAfter, 0...3600)] where !range.contains(value) {
            throw ValidationError("\(name) \(value) is out of range: allowed \(range.lowerBound) to \(range.upperBound)")
        }
        guard (1...1000).contains(framesPerImage) else {
            throw ValidationError("--frames-per-image \(framesPerImage) is out of range: allowed 1 to 1000")
        }
        if let maxFrames, maxFrames < 1 { throw ValidationError("--max-frames must be at least 1") }
    }

    func run() throws {
        let signals = SignalHandlers()  // first: every thread started later inherits the blocked signals
        let log = StandardErrorLog.write
        var board: BoardConfig
        do {
            board = try BoardConfig.load(path: config)
        } catch {
            throw ValidationError("\(error)")
        }
        if let augment { board.model.augment = augment }
        let runConfiguration = try resolve(board: board, log: log)
        let application: EdgeRunApplication
        let fleet: FleetOutputs
        do {
            fleet = try FleetOutputs(board: board, modelPath: runConfiguration.modelPath, log: log)
        } catch {
            log("edge-run: \(error)")
            throw ExitCode.failure
        }
        if board.model.augment != ModelConfig.defaultAugment {
            log("edge-run: test-time augmentation \(board.model.augment): the classify time includes every CNN pass of a face")
        }
        do {
            application = try EdgeRunApplication(configuration: runConfiguration, reportSinks: fleet.sinks, log: log)
        } catch {
            log("edge-run: \(error)")
            fleet.close()
            throw ExitCode.failure
        }
        let refusals = RepeatedMessageFilter()
        fleet.attach(application: application,
                     reload: { reload(application: application, refusals: refusals, log: log) })
        signals.start(stop: { application.stop() },
                      reload: { reload(application: application, refusals: refusals, log: log) }, log: log)
        let mqtt = fleet.mqtt
        let statsReporter = stats ? StatsReporter(pipeline: application.pipeline, interval: statsEvery,
                                                  extra: { mqtt?.status.summary }, log: log) : nil
        let summary = application.run()
        fleet.close()
        statsReporter?.finish()
        signals.cancel()
        log("edge-run: \(summary.framesDone) frames processed (\(summary.framesCaptured) captured, \(summary.dropped) dropped)"
            + (summary.hook.started > 0 ? ", \(summary.hook.started) hook runs" : "")
            + (summary.stoppedByRequest ? ", stopped by signal" : ""))
        if let folder = runConfiguration.snapshotFolder { log("edge-run: snapshots in \(folder)") }
        if let file = runConfiguration.jsonOutputPath { log("edge-run: JSON lines in \(file)") }
    }

    /// Applies the command line to the board config; picks the source for `--source auto`.
    func resolve(board: BoardConfig, log: @Sendable (String) -> Void) throws -> RunConfiguration {
        var sourceChoice: RunConfiguration.Source
        var snapshotFolder = snapshots
        var jsonOutput = jsonOut
        switch source {
        case .camera:
            sourceChoice = .camera
        case .folder:
            sourceChoice = .folder(path: input!, framesPerImage: framesPerImage)
        case .file:
            sourceChoice = .video(path: input!)
        case .auto:
            if let input {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory)
                sourceChoice = isDirectory.boolValue ? .folder(path: input, framesPerImage: framesPerImage) : .video(path: input)
            } else if CameraFrameSource.isPresent(board.camera) {
                sourceChoice = .camera
            } else {
                let samples = "models/samples"
                guard FileManager.default.fileExists(atPath: samples) else {
                    throw ValidationError("no camera (\(CameraFrameSource.describe(board.camera))) and no \(samples) folder to replay: run from the project folder, plug in a camera, or give --input")
                }
                log("edge-run: no camera (\(CameraFrameSource.describe(board.camera))): replaying \(samples) (demo); --source camera waits for one")
                sourceChoice = .folder(path: samples, framesPerImage: framesPerImage)
                snapshotFolder = snapshotFolder ?? DemoOutput.snapshotFolder
                jsonOutput = jsonOutput ?? DemoOutput.jsonLinesFile
                if jsonOut == nil || snapshots == nil {
                    DemoOutput.startFresh(snapshots: snapshots == nil, jsonLines: jsonOut == nil, log: log)
                }
            }
        }
        return RunConfiguration(
            board: board, boardConfigPath: config, source: sourceChoice, replayFramesPerSecond: fps, loop: loop,
            realtime: realtime, modelPath: model ?? board.model.path, cascadePath: cascade ?? board.detector.cascade,
            snapshotFolder: snapshotFolder, jsonOutputPath: jsonOutput, writeStandardOutput: !quiet,
            useDisplay: !noDisplay && board.display.enabled, useLEDs: !noLeds, useSerial: !noSerial && board.serial.enabled,
            maximumFrames: maxFrames, settings: pipelineSettings(board: board))
    }

    func pipelineSettings(board: BoardConfig) -> PipelineSettings {
        PipelineSettings(
            tracking: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: forgetAfter, noFaceAfterSeconds: noFaceAfter),
            smoothing: SmoothingSettings(timeConstant: smoothingSeconds, holdSeconds: announceAfter),
            reactions: board.reactions,
            snapshotIntervalSeconds: snapshotEvery > 0 ? snapshotEvery : nil)
    }

    /// SIGHUP: opens --json-out again (logrotate's convention), then re-reads the board config; on an error the
    /// running settings stay and the refusal is logged once (again only if the error changes).
    func reload(application: EdgeRunApplication, refusals: RepeatedMessageFilter, log: @Sendable (String) -> Void) {
        application.reopenFiles()
        do {
            let board = try BoardConfig.load(path: config)
            application.reload(pipelineSettings(board: board))
            refusals.reset()
            log("edge-run: reloaded \(config) (\(board.reactions.leds.count) LED reactions, hold \(board.reactions.holdSeconds) s, cooldown \(board.reactions.cooldownSeconds) s)")
        } catch {
            let message = "edge-run: reload refused, keeping the running settings: \(error)"
            if refusals.isNew(message) { log(message) }
        }
    }
}
