import EdgeBoardConfig
import EdgeSystem
import Foundation
import Synchronization
import Testing
@testable import EdgeApp

@Suite struct PipelineTests {
    /// 30 frames at 10 fps: one face (frames 0-19) smiling, then sad; no face from frame 25.
    func makePipeline(sink: MemorySink, leds: RecordingLEDs?, source: FrameSource, drop: Bool = false,
                      settings: PipelineSettings? = nil) -> EmotionPipeline {
        let detector = FakeDetector { index in index < 25 ? [detection(10 + index % 3, 5)] : [] }
        let classifier = FakeClassifier { index in index < 12 ? .happy : .sad }
        let reactions = ReactionsConfig(leds: ["happy": .init(line: .name("LED_HAPPY"), pattern: .on),
                                               "sad": .init(line: .name("LED_SAD"), pattern: .blink(hertz: 2))],
                                        holdSeconds: 0, cooldownSeconds: 0)
        let chosen = settings ?? PipelineSettings(
            tracking: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: 1, noFaceAfterSeconds: 0.3),
            smoothing: SmoothingSettings(timeConstant: 0, holdSeconds: 0.3), reactions: reactions)
        return EmotionPipeline(source: source, detector: detector, classifier: classifier,
                               outputs: PipelineOutputs(lineSinks: [sink], leds: leds), settings: chosen,
                               dropStaleFrames: drop, log: { _ in })
    }

    @Test func everyFrameReportedWithStableIdsAndHeldAnnouncements() throws {
        let sink = MemorySink()
        let source = FakeSource(count: 30)
        let summary = makePipeline(sink: sink, leds: nil, source: source).run()
        #expect(summary.framesDone == 30 && summary.dropped == 0)
        #expect(source.closed && sink.closed)
        let lines = try sink.lines.map(parseJSON)
        #expect(lines.map { $0["frame"] as? Int } == Array(0..<30))
        let ids = Set(lines.flatMap { ($0["faces"] as! [[String: Any]]).map { $0["id"] as! Int } })
        #expect(ids == [1])
        let changes = lines.flatMap { line in (line["changes"] as! [[String: Any]]).map { (line["frame"] as! Int, $0["emotion"] as! String) } }
        // happy from frame 0 held 0.3 s -> frame 3; sad from frame 12 -> frame 15.
        #expect(changes.map(\.0) == [3, 15])
        #expect(changes.map(\.1) == ["happy", "sad"])
        #expect((lines[2]["faces"] as! [[String: Any]])[0]["emotion"] is NSNull)
        #expect(lines.map { $0["no_face"] as! Bool }.firstIndex(of: true) == 27)  // last face at 2.4 s, no_face_seconds 0.3
        #expect(lines[29]["reaction"] is NSNull)
        #expect(lines[20]["reaction"] as? String == "sad")
    }

    @Test func stopEndsAnEndlessRunWithinASecondAndTurnsLEDsOff() async throws {
        let sink = MemorySink()
        let leds = RecordingLEDs(["LED_HAPPY", "LED_SAD"])
        let source = FakeSource(count: nil, fps: 30)
        let pipeline = makePipeline(sink: sink, leds: leds, source: source, drop: true)
        let finished = Mutex(false)
        let stoppedAt = Mutex(0.0)
        let thread = Thread {
            _ = pipeline.run()
            stoppedAt.withLock { $0 = MonotonicClock().now() }
            finished.withLock { $0 = true }
        }
        thread.start()
        try await Task.sleep(for: .milliseconds(500))
        #expect(leds.history.contains { $0 == ("LED_HAPPY", true) })
        let stopRequested = MonotonicClock().now()
        pipeline.stop()
        for _ in 0..<200 where !finished.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.withLock { $0 })
        #expect(stoppedAt.withLock { $0 } - stopRequested < 1.0)
        #expect(source.closed && leds.closed && sink.closed)
        let lastLevels = Dictionary(leds.history.map { ($0.0, $0.1) }, uniquingKeysWith: { _, last in last })
        #expect(lastLevels == ["LED_HAPPY": false, "LED_SAD": false])
    }

    @Test func slowStagesDropStaleFramesInLiveMode() {
        final class SlowDetector: FaceDetecting {
            func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] {
                Thread.sleep(forTimeInterval: 0.03)
                return []
            }
        }
        let sink = MemorySink()
        // The source delivers 40 frames as fast as it can; detection takes 30 ms: most must be dropped,
        // and the newest frames must be among those reported.
        let pipeline = EmotionPipeline(source: FakeSource(count: 40), detector: SlowDetector(),
                                       classifier: FakeClassifier { _ in .happy }, outputs: PipelineOutputs(lineSinks: [sink]),
                                       settings: PipelineSettings(), dropStaleFrames: true, log: { _ in })
        let summary = pipeline.run()
        #expect(summary.framesCaptured == 40)
        #expect(summary.dropped > 20)
        #expect(summary.framesDone + summary.dropped == 40)
        #expect(sink.lines.count == summary.framesDone)
        let frames = sink.lines.compactMap { try? parseJSON($0)["frame"] as? Int }
        #expect(frames == frames.sorted())
        #expect(frames.last == 39)
    }

    @Test func reloadChangesReactionsWhileRunning() throws {
        let sink = MemorySink()
        let source = FakeSource(count: 30)
        let pipeline = makePipeline(sink: sink, leds: nil, source: source)
        pipeline.reload(PipelineSettings(
            tracking: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: 1, noFaceAfterSeconds: 0.3),
            smoothing: SmoothingSettings(timeConstant: 0, holdSeconds: 0.3), reactions: ReactionsConfig()))
        _ = pipeline.run()
        let reactions = try sink.lines.map { try parseJSON($0)["reaction"] }
        #expect(reactions.allSatisfy { $0 is NSNull })
    }

    @Test func mainFaceIsTheOneTheDetectorIsSurestOf() throws {
        let sink = MemorySink()
        let detector = FakeDetector { _ in
            [FaceDetection(box: FaceBox(x: 0, y: 0, width: 20, height: 20), neighbors: 3),
             FaceDetection(box: FaceBox(x: 30, y: 0, width: 12, height: 12), neighbors: 20)]
        }
        let pipeline = EmotionPipeline(
            source: FakeSource(count: 10), detector: detector, classifier: FakeClassifier { _ in .happy },
            outputs: PipelineOutputs(lineSinks: [sink]),
            settings: PipelineSettings(smoothing: SmoothingSettings(timeConstant: 0, holdSeconds: 0)),
            dropStaleFrames: false, log: { _ in })
        _ = pipeline.run()
        let mains = try sink.lines.map { try parseJSON($0)["main_face"] as? Int }
        #expect(mains == [Int?](repeating: 2, count: 10))
    }
}

/// A frame's faces reach the classifier in one `classify(faces:)` call (the int8 model runs them as one
/// batch), each face with all its views, and each face gets its own scores back.
@Suite struct FrameBatchTests {
    /// Records each `classify(faces:)` call's view counts; face i of a call scores `emotions[i]`.
    final class RecordingClassifier: EmotionClassifying, @unchecked Sendable {
        let inputSide = 64
        let emotions: [Emotion] = [.happy, .sad, .surprise]
        private let lock = NSLock()
        private var recorded: [[Int]] = []
        var calls: [[Int]] { lock.withLock { recorded } }
        func classify(crop: [UInt8]) throws -> EmotionScores { scores(.neutral) }
        func classify(faces: [[[UInt8]]]) throws -> [EmotionScores] {
            lock.withLock { recorded.append(faces.map(\.count)) }
            return faces.indices.map { scores(emotions[$0 % emotions.count]) }
        }
    }

    @Test func aFramesFacesAreClassifiedInOneCallEachWithItsViews() throws {
        let sink = MemorySink()
        // Three faces inside the 64x48 frame and one entirely outside it (no crop, so not classified).
        let detector = FakeDetector { _ in [detection(2, 10, 14), detection(24, 10, 14), detection(46, 10, 14), detection(5000, 10, 14)] }
        let classifier = RecordingClassifier()
        let settings = PipelineSettings(
            tracking: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: 1, noFaceAfterSeconds: 0.3),
            smoothing: SmoothingSettings(timeConstant: 0, holdSeconds: 0.3),
            reactions: ReactionsConfig(leds: [:], holdSeconds: 0, cooldownSeconds: 0))
        let pipeline = EmotionPipeline(source: FakeSource(count: 4), detector: detector, classifier: classifier,
                                       outputs: PipelineOutputs(lineSinks: [sink]), settings: settings,
                                       dropStaleFrames: false, augmentation: .flip, log: { _ in })
        #expect(pipeline.run().framesDone == 4)
        #expect(classifier.calls == Array(repeating: [2, 2, 2], count: 4))
        for line in try sink.lines.map(parseJSON) {
            let faces = line["faces"] as! [[String: Any]]
            #expect(faces.count == 4)
            // The cropped faces get the batch's scores in report order; the face outside the frame gets none.
            let outside = faces.filter { ($0["box"] as! [Int])[0] == 5000 }
            #expect(outside.count == 1 && outside[0]["frame_emotion"] is NSNull)
            #expect(faces.compactMap { $0["frame_emotion"] as? String } == ["happy", "sad", "surprise"])
        }
    }
}
