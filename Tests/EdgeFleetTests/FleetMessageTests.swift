
import EdgeBoardConfig
import Foundation
import Testing
@testable import EdgeFleet
@testable import EdgeApp

private let identity = BoardIdentity(board: "Raspberry Pi 4 Model B", clientID: "pi.kitchen", version: "1.2.3",
                                     model: "emotion.edgemodel", kernels: "neondot")

private func report(changes: [(id: Int, emotion: Emotion)], faces: Int = 1) -> FrameReport {
    let scores = EmotionScores([0.01, 0, 0.02, 0.9, 0.03, 0.01, 0.03])
    let face = FaceReport(id: 1, box: FaceBox(x: 1, y: 2, width: 30, height: 30), neighbors: 5, emotion: .happy,
                          scores: scores, frameEmotion: .happy)
    return FrameReport(frame: 12, frameTime: 1.2, wallTime: 1_700_000_000.5, origin: "a.png", width: 64, height: 48,
                       faces: Array(repeating: face, count: faces), mainFaceID: faces > 0 ? 1 : nil, reaction: nil,
                       noFace: faces == 0, changes: changes, timings: StageTimings(), dropped: 0, latencyMilliseconds: 3)
}

private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct FleetMessageTests {
    @Test func queueDropsTheOldestWhenFull() {
        var queue = BoundedEventQueue<Int>(capacity: 3)
        for value in 1...5 { queue.append(value) }
        #expect(queue.count == 3 && queue.dropped == 2)
        #expect(queue.removeFirst() == 3)
        queue.append(6)
        #expect([queue.removeFirst(), queue.removeFirst(), queue.removeFirst(), queue.removeFirst()] == [4, 5, 6, nil])
        #expect(queue.isEmpty && queue.dropped == 2)
    }

    @Test func eventAndStateAreJSON() throws {
        let event = try object(MQTTPayloads.event(sequence: 7, report: report(changes: [(1, .happy)]), faceID: 1, emotion: .happy))
        #expect(event["seq"] as? Int == 7 && event["frame"] as? Int == 12 && event["id"] as? Int == 1)
        #expect(event["emotion"] as? String == "happy" && event["time"] as? String == "2023-11-14T22:13:20.500Z")
        let state = try object(MQTTPayloads.state(report(changes: []), framesPerSecond: 9.5))
        #expect(state["emotion"] as? String == "happy" && state["faces"] as? Int == 1 && state["no_face"] as? Bool == false)
        #expect((state["scores"] as? [String: Double])?.count == 7)
        let empty = try object(MQTTPayloads.state(report(changes: [], faces: 0), framesPerSecond: 0))
        #expect(empty["emotion"] is NSNull && empty["no_face"] as? Bool == true)
    }

    @Test func discoveryDescribesOneDevice() throws {
        let topics = MQTTTopics(config: MQTTConfig(host: "h"), clientID: identity.clientID)
        #expect(topics.event == "edge-run/pi.kitchen/event")
        let discovery = HomeAssistantDiscovery(discoveryPrefix: "homeassistant", topics: topics, identity: identity)
        let messages = discovery.messages
        #expect(messages.map(\.topic) == ["homeassistant/sensor/pi_kitchen/emotion/config",
                                          "homeassistant/binary_sensor/pi_kitchen/face/config",
                                          "homeassistant/sensor/pi_kitchen/fps/config"])
        var devices = Set<String>()
        for message in messages {
            let config = try object(message.payload)
            #expect(config["state_topic"] as? String == topics.state)
            #expect(config["availability_topic"] as? String == topics.availability)
            let device = try #require(config["device"] as? [String: Any])
            #expect(device["model"] as? String == identity.board)
            devices.insert("\(device["identifiers"] ?? "")")
        }
        #expect(devices.count == 1)
    }

    @Test func frameRateCountsFramesAfterTheWindowOpened() {
        var rate = FrameRateWindow()
        for frame in 0...19 { rate.frameDone(at: Double(frame) * 0.1) }
        #expect(rate.framesPerSecond == 0)  // the window is not 2 s long yet
        rate.frameDone(at: 2.0)
        #expect(abs(rate.framesPerSecond - 10) < 1e-9)
        for frame in 1...10 { rate.frameDone(at: 2.0 + Double(frame) * 0.4) }
        #expect(abs(rate.framesPerSecond - 2.5) < 1e-9)
    }

    @Test func prometheusTextHasCumulativeBuckets() {
        var histogram = LatencyHistogram()
        for seconds in [0.0001, 0.003, 0.003, 7.0] { histogram.add(seconds: seconds) }
        var text = PrometheusTextFormat()
        text.family("x_seconds", type: "histogram", help: "h")
        text.histogram("x_seconds", [("stage", "a\"b")], histogram)
        let lines = text.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("x_seconds_bucket{stage=\"a\\\"b\",le=\"0.0005\"} 1"))
        #expect(lines.contains("x_seconds_bucket{stage=\"a\\\"b\",le=\"0.005\"} 3"))
        #expect(lines.contains("x_seconds_bucket{stage=\"a\\\"b\",le=\"2.5\"} 3"))
        #expect(lines.contains("x_seconds_bucket{stage=\"a\\\"b\",le=\"+Inf\"} 4"))
        #expect(lines.contains("x_seconds_count{stage=\"a\\\"b\"} 4"))
    }
}
