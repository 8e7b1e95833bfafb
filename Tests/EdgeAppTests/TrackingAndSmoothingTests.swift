import Foundation
import Testing
@testable import EdgeApp

func scores(_ emotion: Emotion, _ value: Double = 0.9) -> EmotionScores {
    var values = [Double](repeating: (1 - value) / 6, count: 7)
    values[emotion.rawValue] = value
    return EmotionScores(values)
}

func detection(_ x: Int, _ y: Int, _ side: Int = 100) -> FaceDetection {
    FaceDetection(box: FaceBox(x: x, y: y, width: side, height: side), neighbors: 5)
}

@Suite struct TrackingTests {
    @Test func idsFollowMovingFaces() {
        var tracker = FaceTracker()
        let first = tracker.update(detections: [detection(0, 0), detection(300, 0)], at: 0)
        #expect(first.map { tracker.tracks[$0].id } == [1, 2])
        // Both move by 20 px and come back in the other order: ids follow the boxes, not the order.
        let second = tracker.update(detections: [detection(320, 10), detection(20, 10)], at: 0.1)
        #expect(second.map { tracker.tracks[$0].id } == [2, 1])
        // A third face appears: a new id.
        let third = tracker.update(detections: [detection(20, 10), detection(600, 300)], at: 0.2)
        #expect(third.map { tracker.tracks[$0].id } == [1, 3])
    }

    @Test func aShortDropoutKeepsTheIdALongOneDoesNot() {
        var tracker = FaceTracker(settings: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: 1.0, noFaceAfterSeconds: 2))
        _ = tracker.update(detections: [detection(0, 0)], at: 0)
        _ = tracker.update(detections: [], at: 0.5)
        let back = tracker.update(detections: [detection(5, 5)], at: 0.9)
        #expect(back.map { tracker.tracks[$0].id } == [1])
        _ = tracker.update(detections: [], at: 1.5)
        _ = tracker.update(detections: [], at: 2.0)
        let later = tracker.update(detections: [detection(5, 5)], at: 2.1)
        #expect(later.map { tracker.tracks[$0].id } == [2])
    }

    @Test func farAwayBoxIsANewFace() {
        var tracker = FaceTracker()
        _ = tracker.update(detections: [detection(0, 0)], at: 0)
        let moved = tracker.update(detections: [detection(80, 0)], at: 0.1)  // IoU 20/180 < 0.3
        #expect(moved.map { tracker.tracks[$0].id } == [2])
    }

    @Test func noFaceAfterTheTimeout() {
        var tracker = FaceTracker(settings: TrackingSettings(noFaceAfterSeconds: 2))
        _ = tracker.update(detections: [detection(0, 0)], at: 10)
        _ = tracker.update(detections: [], at: 11.9)
        #expect(!tracker.noFace)
        _ = tracker.update(detections: [], at: 12.0)
        #expect(tracker.noFace)
        _ = tracker.update(detections: [detection(0, 0)], at: 12.1)
        #expect(!tracker.noFace)
    }

    @Test func noFaceFromTheStartToo() {
        var tracker = FaceTracker(settings: TrackingSettings(noFaceAfterSeconds: 1))
        _ = tracker.update(detections: [], at: 5)
        #expect(!tracker.noFace)
        _ = tracker.update(detections: [], at: 6)
        #expect(tracker.noFace)
    }
}

@Suite struct SmoothingTests {
    @Test func exponentialWeightFollowsElapsedTime() {
        var smoother = EmotionSmoother()
        let settings = SmoothingSettings(timeConstant: 0.5, holdSeconds: 0)
        smoother.add(scores(.happy, 1.0), at: 0, settings: settings)
        smoother.add(scores(.sad, 1.0), at: 0.5, settings: settings)
        let weight = 1 - exp(-1.0)
        #expect(abs(smoother.smoothed![.sad] - weight) < 1e-12)
        #expect(abs(smoother.smoothed![.happy] - (1 - weight)) < 1e-12)
        // Two frames 0.25 s apart move it exactly as much as one frame 0.5 s later.
        var twoSteps = EmotionSmoother()
        twoSteps.add(scores(.happy, 1.0), at: 0, settings: settings)
        twoSteps.add(scores(.sad, 1.0), at: 0.25, settings: settings)
        twoSteps.add(scores(.sad, 1.0), at: 0.5, settings: settings)
        #expect(abs(twoSteps.smoothed![.sad] - weight) < 1e-12)
    }

    @Test func announcedOnlyAfterHolding() {
        var smoother = EmotionSmoother()
        let settings = SmoothingSettings(timeConstant: 0, holdSeconds: 0.6)
        var changes: [(Double, Emotion?)] = []
        for step in 0...20 {
            let time = Double(step) * 0.1
            let emotion: Emotion = step < 10 ? .happy : (step == 12 ? .sad : .surprise)
            if smoother.add(scores(emotion), at: time, settings: settings) { changes.append((time, smoother.announced)) }
        }
        // happy from 0.0, announced at 0.6; a single sad frame at 1.2 is ignored; surprise from 1.0 (restarted at
        // 1.3 after the sad frame) is announced at 1.9.
        #expect(changes.count == 2)
        #expect(abs(changes[0].0 - 0.6) < 1e-9 && changes[0].1 == .happy)
        #expect(abs(changes[1].0 - 1.9) < 1e-9 && changes[1].1 == .surprise)
    }

    @Test func smoothingHidesAOneFrameFlicker() {
        var smoother = EmotionSmoother()
        let settings = SmoothingSettings(timeConstant: 0.4, holdSeconds: 0)
        smoother.add(scores(.happy, 0.9), at: 0, settings: settings)
        smoother.add(scores(.angry, 0.9), at: 0.1, settings: settings)
        #expect(smoother.announced == .happy)
    }
}
