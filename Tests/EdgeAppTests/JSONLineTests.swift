import Foundation
import Testing
@testable import EdgeApp

@Suite struct JSONLineTests {
    func report() -> FrameReport {
        var timings = StageTimings()
        timings[.detect] = 12.3456
        timings[.classify] = 2
        return FrameReport(
            frame: 7, frameTime: 0.7, wallTime: 1_764_000_000.25, origin: "a \"quoted\"\nname.png", width: 640, height: 480,
            faces: [FaceReport(id: 3, box: FaceBox(x: 1, y: 2, width: 30, height: 40), neighbors: 9, emotion: .happy,
                               scores: scores(.happy, 0.8), frameEmotion: .happy),
                    FaceReport(id: 4, box: FaceBox(x: 100, y: 2, width: 30, height: 30), neighbors: 5, emotion: nil,
                               scores: nil, frameEmotion: nil)],
            mainFaceID: 3, reaction: .happy, noFace: false, changes: [(3, .happy)], timings: timings, dropped: 2,
            latencyMilliseconds: 15.5)
    }

    @Test func schema() throws {
        let object = try parseJSON(JSONLineEncoder.encode(report()))
        #expect(Set(object.keys) == ["time", "frame", "t", "source", "size", "faces", "main_face", "reaction", "no_face",
                                     "changes", "timings_ms", "latency_ms", "dropped"])
        #expect(object["time"] as? String == "2025-11-24T16:00:00.250Z")
        #expect(object["frame"] as? Int == 7)
        #expect(object["source"] as? String == "a \"quoted\"\nname.png")
        #expect(object["size"] as? [Int] == [640, 480])
        let faces = try #require(object["faces"] as? [[String: Any]])
        #expect(faces.count == 2)
        #expect(Set(faces[0].keys) == ["id", "box", "neighbors", "emotion", "score", "frame_emotion", "scores"])
        #expect(faces[0]["box"] as? [Int] == [1, 2, 30, 40])
        #expect(faces[0]["emotion"] as? String == "happy")
        #expect(faces[0]["score"] as? Double == 0.8)
        let all = try #require(faces[0]["scores"] as? [String: Double])
        #expect(Set(all.keys) == Set(Emotion.labels))
        #expect(abs(all.values.reduce(0, +) - 1) < 1e-3)
        #expect(faces[1]["emotion"] is NSNull && faces[1]["scores"] is NSNull && faces[1]["score"] is NSNull)
        #expect(object["timings_ms"] as? [String: Double] == ["detect": 12.346, "classify": 2])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.count == 1 && changes[0]["id"] as? Int == 3 && changes[0]["emotion"] as? String == "happy")
        #expect(object["main_face"] as? Int == 3)
    }

    @Test func numbersArePlainJSON() {
        #expect(JSONLineEncoder.number(0.30000000000000004, digits: 4) == "0.3")
        #expect(JSONLineEncoder.number(-0.00001, digits: 3) == "0")
        #expect(JSONLineEncoder.number(.nan, digits: 3) == "null")
        #expect(JSONLineEncoder.number(12, digits: 3) == "12")
    }
}
