import EdgeApp
import EdgeBoardConfig
import EdgeSystem
import Foundation

/// Prometheus metrics of one `edge-run`, written for node_exporter's textfile collector: every `intervalSeconds`
/// the whole file is written beside the target (`.<name>.tmp`) and renamed over it, so a scrape never reads a
/// half-written file. Counting happens on the output thread (a few additions per frame under a lock); formatting
/// and writing on a thread of its own. README, "Prometheus metrics", lists the metrics and why a textfile.
public final class TextfileMetrics: ReportSink, @unchecked Sendable {
    /// Numbers the metrics read from elsewhere at each write.
    public struct Probes: Sendable {
        public var framesCaptured: @Sendable () -> Int
        public var cameraReconnects: @Sendable () -> Int
        public var mqtt: (@Sendable () -> MQTTPublisher.Status)?

        public init(framesCaptured: @escaping @Sendable () -> Int, cameraReconnects: @escaping @Sendable () -> Int,
                    mqtt: (@Sendable () -> MQTTPublisher.Status)?) {
            self.framesCaptured = framesCaptured
            self.cameraReconnects = cameraReconnects
            self.mqtt = mqtt
        }
    }

    private let path: String
    private let temporaryPath: String
    private let interval: Double
    private let identity: BoardIdentity
    private let log: @Sendable (String) -> Void
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var probes: Probes?
    private var frames = 0
    private var dropped = 0
    private var facesSeen = 0
    private var highestFaceID = 0
    private var facesInView = 0
    private var announcements: [Emotion: Int] = [:]
    private var stages: [PipelineStage: LatencyHistogram] = [:]
    private var latency = LatencyHistogram()
    private var rate = FrameRateWindow()
    private var done = false
    private var failedWrites = 0
    private let finished = DispatchSemaphore(value: 0)

    /// Checks that the folder exists and is writable, then starts the writer thread.
    public init(config: MetricsConfig, identity: BoardIdentity, log: @escaping @Sendable (String) -> Void) throws {
        path = config.textfile
        let folder = (config.textfile as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw FleetSetupError("metrics.textfile \(config.textfile): the folder \(directory) does not exist or is not writable: create it (node_exporter's --collector.textfile.directory) or change the key")
        }
        temporaryPath = (directory as NSString).appendingPathComponent("." + (config.textfile as NSString).lastPathComponent + ".tmp")
        interval = config.intervalSeconds
        self.identity = identity
        self.log = log
        let thread = Thread { [self] in
            writerLoop()
            finished.signal()
        }
        thread.name = "edge-metrics"
        thread.start()
    }

    /// Attaches the counters kept elsewhere (the pipeline exists only after the sinks are made).
    public func attach(_ probes: Probes) {
        condition.withLock { self.probes = probes }
    }

    public func lineField() -> String? { nil }

    public func observe(_ report: FrameReport) {
        let now = MonotonicClock().now()
        condition.withLock {
            frames += 1
            dropped = report.dropped
            facesInView = report.faces.count
            for face in report.faces where face.id > highestFaceID {
                highestFaceID = face.id
                facesSeen += 1
            }
            for change in report.changes { announcements[change.emotion, default: 0] += 1 }
            for (stage, milliseconds) in report.timings.milliseconds {
                stages[stage, default: LatencyHistogram()].add(seconds: milliseconds / 1000)
            }
            latency.add(seconds: report.latencyMilliseconds / 1000)
            rate.frameDone(at: now)
        }
    }

    /// Writes the file a last time (with the final counts) and stops the writer.
    public func close() {
        condition.withLock {
            done = true
            condition.broadcast()
        }
        finished.wait()
    }

    private func writerLoop() {
        condition.lock()
        while !done {
            _ = condition.wait(until: Date().addingTimeInterval(interval))
            condition.unlock()
            write()
            condition.lock()
        }
        condition.unlock()
        write()
    }

    private func write() {
        let text = render()
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporaryPath))
            guard rename(temporaryPath, path) == 0 else {
                throw FleetSetupError("rename to \(path) failed: \(String(cString: strerror(errno)))")
            }
        } catch {
            failedWrites += 1
            if failedWrites == 1 || failedWrites % 100 == 0 {
                log("metrics: cannot write \(path) (\(error)); \(failedWrites) writes failed so far, the board keeps running")
            }
        }
    }

    func render() -> String {
        let counts = condition.withLock {
            (probes: probes, frames: frames, dropped: dropped, facesSeen: facesSeen, facesInView: facesInView,
             announcements: announcements, stages: stages, latency: latency, fps: rate.framesPerSecond)
        }
        var out = PrometheusTextFormat()
        out.family("edge_run_info", type: "gauge", help: "Version, board, model and CNN kernels of this edge-run (value 1).")
        out.sample("edge_run_info", 1, labels: [("version", identity.version), ("board", identity.board),
                                        ("client_id", identity.clientID), ("model", identity.model),
                                        ("kernels", identity.kernels)])
        out.metric("edge_run_frames_total", type: "counter", help: "Frames processed (one JSON line each).",
                   Double(counts.frames))
        if let probes = counts.probes {
            out.metric("edge_run_frames_captured_total", type: "counter", help: "Frames taken from the camera or file.",
                       Double(probes.framesCaptured()))
            out.metric("edge_run_camera_reconnects_total", type: "counter", help: "Camera open or read failures followed by a reconnection attempt.",
                       Double(probes.cameraReconnects()))
        }
        out.metric("edge_run_frames_per_second", type: "gauge", help: "Processed frames per second over the last 2 s or more.",
                   counts.fps)
        out.metric("edge_run_frames_dropped_total", type: "counter", help: "Frames dropped by the pipeline's queues (stale camera frames).",
                   Double(counts.dropped))
        out.metric("edge_run_faces_seen_total", type: "counter", help: "Distinct faces (track ids) seen.",
                   Double(counts.facesSeen))
        out.metric("edge_run_faces_in_view", type: "gauge", help: "Faces in the last processed frame.",
                   Double(counts.facesInView))
        out.family("edge_run_announcements_total", type: "counter", help: "Announced emotion changes, per emotion.")
        for emotion in Emotion.allCases {
            out.sample("edge_run_announcements_total", Double(counts.announcements[emotion] ?? 0), labels: [("emotion", emotion.label)])
        }
        out.family("edge_run_stage_seconds", type: "histogram", help: "Time per frame in each pipeline stage.")
        for stage in PipelineStage.allCases {
            if let histogram = counts.stages[stage] { out.histogram("edge_run_stage_seconds", [("stage", stage.rawValue)], histogram) }
        }
        out.family("edge_run_latency_seconds", type: "histogram", help: "Capture to output, per frame.")
        out.histogram("edge_run_latency_seconds", [], counts.latency)
        if let status = counts.probes?.mqtt?() {
            out.metric("edge_run_mqtt_connected", type: "gauge", help: "1 while connected to the MQTT broker.",
                       status.state == .connected ? 1 : 0)
            out.metric("edge_run_mqtt_queued", type: "gauge", help: "Events waiting for the broker or its acknowledgement.",
                       Double(status.queued))
            out.metric("edge_run_mqtt_dropped_total", type: "counter", help: "Events dropped because the queue was full.",
                       Double(status.dropped))
            out.metric("edge_run_mqtt_sent_total", type: "counter", help: "Events acknowledged by the broker.",
                       Double(status.sent))
            out.metric("edge_run_mqtt_reconnects_total", type: "counter", help: "Reconnections to the broker after an outage.",
                       Double(status.reconnects))
        }
        return out.text
    }
}
