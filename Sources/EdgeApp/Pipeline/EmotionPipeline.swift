import EdgeImage
import EdgeSystem
import Foundation

/// camera/file -> detect -> track, crop, classify, smooth, react -> outputs, on four threads joined by
/// bounded queues, plus a 50 Hz LED ticker. Each stage object is used by exactly one thread:
/// source by "capture", detector by "detect", classifier by "analyze", line sinks, display and snapshots by
/// "output", LEDs by "leds". `run()` blocks until the source ends or `stop()` is called (from any thread or a
/// signal handler's queue); a stop is noticed within one source poll (`FrameSourceTiming.pollBudget`) plus
/// the frame being processed.
public final class EmotionPipeline: @unchecked Sendable {
    public struct RunSummary: Sendable {
        public var framesCaptured: Int
        public var framesDone: Int
        public var dropped: Int
        public var stoppedByRequest: Bool
        public var hook: HookLauncher.Counts
    }

    private struct Captured: Sendable {
        var frame: GrayFrame
        var timings: StageTimings
        var capturedAt: Double
    }

    private struct Detected: Sendable {
        var captured: Captured
        var detections: [FaceDetection]
    }

    private struct Analyzed: Sendable {
        var captured: Captured
        var report: FrameReport
    }

    /// Marks a non-Sendable stage object as handed to exactly one thread.
    private struct OwnedByOneThread<Value>: @unchecked Sendable {
        let value: Value
    }

    public static let ledTickSeconds = 0.02

    private let source: OwnedByOneThread<FrameSource>
    private let detector: OwnedByOneThread<FaceDetecting>
    private let classifier: OwnedByOneThread<EmotionClassifying>
    private let outputs: OwnedByOneThread<PipelineOutputs>
    private let crop: FerFaceCrop
    /// The views of each face the classifier averages (the crop stage makes them, classify runs them all).
    private let views: [AugmentedView]
    private let log: @Sendable (String) -> Void
    public let statistics = PipelineStatistics()
    public let hooks: HookLauncher

    private let captured: StaleDroppingQueue<Captured>
    private let detected: StaleDroppingQueue<Detected>
    private let analyzed: StaleDroppingQueue<Analyzed>

    private let lock = NSLock()
    private var settings: PipelineSettings
    private var settingsGeneration = 0
    private var reactions: ReactionController
    private var stopRequested = false
    private var analysisDone = false
    private var snapshotRequested = false
    /// Threads that hold devices (capture, output, LEDs): `run()` always waits for them.
    private let deviceThreads = DispatchGroup()
    /// Threads that only compute (detect, analyze): after a stop, `run()` does not wait for the frame they are
    /// on (a Haar pass can take longer than the one-second stop budget on a small board); they hold no device
    /// and their results are discarded by the cancelled queues.
    private let computeThreads = DispatchGroup()

    public init(source: FrameSource, detector: FaceDetecting, classifier: EmotionClassifying,
                outputs: PipelineOutputs, settings: PipelineSettings, dropStaleFrames: Bool,
                augmentation: TestTimeAugmentation = .none, log: @escaping @Sendable (String) -> Void) {
        self.source = OwnedByOneThread(value: source)
        self.detector = OwnedByOneThread(value: detector)
        self.classifier = OwnedByOneThread(value: classifier)
        self.outputs = OwnedByOneThread(value: outputs)
        self.crop = FerFaceCrop(side: classifier.inputSide)
        self.views = augmentation.views
        self.settings = settings
        self.reactions = ReactionController(settings: settings.reactions)
        self.hooks = HookLauncher(hook: settings.reactions.hook, log: log)
        self.log = log
        let policy: StaleDroppingQueue<Captured>.Policy = dropStaleFrames ? .dropOldest : .block
        captured = StaleDroppingQueue(capacity: 1, policy: policy)
        detected = StaleDroppingQueue(capacity: 1, policy: dropStaleFrames ? .dropOldest : .block)
        analyzed = StaleDroppingQueue(capacity: 2, policy: dropStaleFrames ? .dropOldest : .block)
    }

    public var droppedFrames: Int { captured.dropped + detected.dropped + analyzed.dropped }

    /// Asks every stage to stop; returns at once. Safe from any thread.
    public func stop() {
        lock.withLock { stopRequested = true }
        captured.cancel()
        detected.cancel()
        analyzed.cancel()
    }

    /// Applies new settings from the next frame on (tracking, smoothing, reactions, hook). Safe from any thread.
    public func reload(_ newSettings: PipelineSettings) {
        lock.withLock {
            settings = newSettings
            settingsGeneration += 1
            reactions.settings = newSettings.reactions
        }
        hooks.update(hook: newSettings.reactions.hook)
    }

    /// Writes a snapshot of the next frame (when snapshots are on). Safe from any thread.
    public func requestSnapshot() {
        lock.withLock { snapshotRequested = true }
    }

    private var isStopping: Bool { lock.withLock { stopRequested } }

    /// Runs until the source ends or `stop()`; then LEDs are off and released, the display restored, the source
    /// closed and the sinks closed. After a stop it returns as soon as the device threads are done (within the
    /// capture poll budget plus one output step), without waiting for a detection or classification in flight.
    public func run() -> RunSummary {
        spawn("edge-capture", in: deviceThreads, captureLoop)
        spawn("edge-detect", in: computeThreads, detectLoop)
        spawn("edge-analyze", in: computeThreads, analyzeLoop)
        spawn("edge-output", in: deviceThreads, outputLoop)
        spawn("edge-leds", in: deviceThreads, ledLoop)
        deviceThreads.wait()
        if !isStopping { computeThreads.wait() }
        let totals = statistics.totals
        return RunSummary(framesCaptured: totals.captured, framesDone: totals.done, dropped: droppedFrames,
                          stoppedByRequest: isStopping, hook: hooks.statistics)
    }

    private func spawn(_ name: String, in group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.start()
    }

    // MARK: Stages

    private func captureLoop() {
        let source = self.source.value
        var consecutiveErrors = 0
        while !isStopping {
            var timings = StageTimings()
            do {
                guard let frame = try timings.measure(.capture, { try source.nextFrame() }) else { break }
                consecutiveErrors = 0
                statistics.frameCaptured()
                if !captured.push(Captured(frame: frame, timings: timings, capturedAt: MonotonicClock().now())) { break }
            } catch FrameSourceError.noFrameYet {
                continue
            } catch {
                consecutiveErrors += 1
                log("capture: \(error)")
                if consecutiveErrors >= 3 { log("capture: giving up after 3 errors in a row"); break }
            }
        }
        captured.finish()
        source.close()
    }

    private func detectLoop() {
        let detector = self.detector.value
        while let item = captured.pop() {
            var item = item
            do {
                let faces = try item.timings.measure(.detect) { try detector.detectFaces(in: item.frame) }
                if !detected.push(Detected(captured: item, detections: faces)) { break }
            } catch {
                log("detect: frame \(item.frame.index): \(error)")
            }
        }
        detected.finish()
    }

    private func analyzeLoop() {
        let classifier = self.classifier.value
        var tracker = FaceTracker()
        var seenGeneration = -1
        var current = PipelineSettings()
        var lastMain: (id: Int?, emotion: Emotion?) = (nil, nil)
        while let item = detected.pop() {
            lock.withLock {
                if seenGeneration != settingsGeneration {
                    current = settings
                    seenGeneration = settingsGeneration
                }
            }
            tracker.settings = current.tracking
            var timings = item.captured.timings
            let frame = item.captured.frame
            let indices = timings.measure(.track) { tracker.update(detections: item.detections, at: frame.timestamp) }
            var faces: [FaceReport] = []
            var changes: [(id: Int, emotion: Emotion)] = []
            // Every face's views first, then one classification of all of them (the frame's batch).
            let crops = indices.map { index in
                timings.measure(.crop) { crop.crops(frame, box: tracker.tracks[index].box, views: views) }
            }
            let cropped = crops.compactMap { $0 }
            var scoresOfCropped: [EmotionScores] = []
            if !cropped.isEmpty {
                do {
                    scoresOfCropped = try timings.measure(.classify) { try classifier.classify(faces: cropped) }
                } catch {
                    log("classify: frame \(frame.index) (\(cropped.count) faces): \(error)")
                }
            }
            var nextScores = scoresOfCropped.makeIterator()
            for (index, faceCrops) in zip(indices, crops) {
                let track = tracker.tracks[index]
                let frameScores = faceCrops == nil ? nil : nextScores.next()
                if let frameScores {
                    let changed = timings.measure(.smooth) {
                        tracker.addScores(frameScores, toTrackAt: index, at: frame.timestamp, settings: current.smoothing)
                    }
                    if changed, let emotion = tracker.tracks[index].smoother.announced { changes.append((track.id, emotion)) }
                }
                let smoother = tracker.tracks[index].smoother
                faces.append(FaceReport(id: track.id, box: track.box, neighbors: track.neighbors,
                                        emotion: smoother.announced, scores: smoother.smoothed,
                                        frameEmotion: frameScores?.top))
            }
            // The main face is the one the detector is surest of (most grouped windows), then the larger: a false
            // positive is rarely confirmed by as many windows as a real face.
            let main = tracker.noFace ? nil : faces.filter { $0.emotion != nil }
                .max { ($0.neighbors, $0.box.area) < ($1.neighbors, $1.box.area) }
            let now = MonotonicClock().now()
            let reaction = timings.measure(.smooth) { () -> Emotion? in
                lock.withLock {
                    reactions.want(main?.emotion, at: now)
                    return reactions.active?.emotion
                }
            }
            if main?.emotion != lastMain.emotion {
                hooks.trigger(HookLauncher.Event(emotion: main?.emotion, previous: lastMain.emotion, faceID: main?.id,
                                                 score: main?.score, frame: frame.index), now: now)
                lastMain = (main?.id, main?.emotion)
            }
            let report = FrameReport(frame: frame.index, frameTime: frame.timestamp,
                                     wallTime: Date().timeIntervalSince1970, origin: frame.origin,
                                     width: frame.width, height: frame.height, faces: faces, mainFaceID: main?.id,
                                     reaction: reaction, noFace: tracker.noFace, changes: changes, timings: timings,
                                     dropped: droppedFrames, latencyMilliseconds: 0)
            var next = item.captured
            next.timings = timings
            if !analyzed.push(Analyzed(captured: next, report: report)) { break }
        }
        analyzed.finish()
        lock.withLock { analysisDone = true }
    }

    private func outputLoop() {
        let outputs = self.outputs.value
        var snapshotSchedule = SnapshotSchedule()
        while let item = analyzed.pop() {
            var report = item.report
            let start = MonotonicClock().now()
            report.latencyMilliseconds = (start - item.captured.capturedAt) * 1000
            report.dropped = droppedFrames
            let line = JSONLineEncoder.encode(report, extraFields: outputs.reportSinks.compactMap { $0.lineField() })
            for sink in outputs.lineSinks { sink.write(line: line) }
            for sink in outputs.reportSinks { sink.observe(report) }
            outputs.display?.show(frame: item.captured.frame, faces: report.faces)
            if let snapshots = outputs.snapshots {
                let (interval, requested) = lock.withLock {
                    defer { snapshotRequested = false }
                    return (settings.snapshotIntervalSeconds, snapshotRequested)
                }
                let now = MonotonicClock().now()
                if snapshotSchedule.isDue(frameTime: report.frameTime, interval: interval,
                                          changed: requested || !report.changes.isEmpty, now: now) {
                    do {
                        let path = try snapshots.writeSnapshot(frame: item.captured.frame, faces: report.faces)
                        snapshotSchedule.succeeded(frameTime: report.frameTime, path: path, log: log)
                    } catch {
                        snapshotSchedule.failed(error, now: now, log: log)
                    }
                }
            }
            var timings = report.timings
            timings[.output] = (MonotonicClock().now() - start) * 1000
            statistics.frameDone(timings, latencyMilliseconds: report.latencyMilliseconds)
        }
        outputs.display?.close()
        for sink in outputs.lineSinks { sink.close() }
    }

    private func ledLoop() {
        guard let leds = outputs.value.leds else { return }
        var shown: [String: Bool] = [:]
        while true {
            let (levels, done) = lock.withLock {
                (reactions.levels(at: MonotonicClock().now()), stopRequested || analysisDone)
            }
            if done { break }
            for (line, on) in levels where shown[line] != on {
                do {
                    try leds.set(line: line, on: on)
                    shown[line] = on
                } catch {
                    log("leds: \(line): \(error)")
                    shown[line] = on
                }
            }
            Thread.sleep(forTimeInterval: Self.ledTickSeconds)
        }
        for line in shown.keys.sorted() { try? leds.set(line: line, on: false) }
        leds.close()
    }
}
