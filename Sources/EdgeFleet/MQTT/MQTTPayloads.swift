import EdgeApp

/// The JSON bodies of `<prefix>/state` and `<prefix>/event` (schema: README, "MQTT and Home Assistant").
enum MQTTPayloads {
    /// What `state` reports about the main face; publishing again is needed when this changes.
    struct StateKey: Equatable {
        var emotion: Emotion?
        var faces: Int
        var noFace: Bool
    }

    static func stateKey(_ report: FrameReport) -> StateKey {
        StateKey(emotion: mainFace(report)?.emotion, faces: report.faces.count, noFace: report.noFace)
    }

    static func mainFace(_ report: FrameReport) -> FaceReport? {
        report.mainFaceID.flatMap { id in report.faces.first { $0.id == id } }
    }

    /// `{"emotion":"happy"|null,"score":0.81|null,"faces":1,"no_face":false,"fps":9.8,"frame":12,
    ///   "time":"...","scores":{seven labels}|null}`
    static func state(_ report: FrameReport, framesPerSecond: Double) -> String {
        let main = mainFace(report)
        var out = "{\"emotion\":\(main?.emotion.map { JSONLineEncoder.quoted($0.label) } ?? "null")"
        out += ",\"score\":\(main?.score.map { JSONLineEncoder.number($0, digits: 4) } ?? "null")"
        out += ",\"faces\":\(report.faces.count)"
        out += ",\"no_face\":\(report.noFace)"
        out += ",\"fps\":\(JSONLineEncoder.number(framesPerSecond, digits: 2))"
        out += ",\"frame\":\(report.frame)"
        out += ",\"time\":\(JSONLineEncoder.quoted(JSONLineEncoder.isoTime(report.wallTime)))"
        if let scores = main?.scores {
            out += ",\"scores\":{" + Emotion.allCases.map {
                "\(JSONLineEncoder.quoted($0.label)):\(JSONLineEncoder.number(scores[$0], digits: 4))"
            }.joined(separator: ",") + "}"
        } else {
            out += ",\"scores\":null"
        }
        return out + "}"
    }

    /// One announcement: `{"seq":3,"frame":12,"time":"...","t":1.2,"id":1,"emotion":"happy"}`; `seq` counts this
    /// run's events from 1, so a subscriber sees order and gaps.
    static func event(sequence: Int, report: FrameReport, faceID: Int, emotion: Emotion) -> String {
        "{\"seq\":\(sequence),\"frame\":\(report.frame)"
            + ",\"time\":\(JSONLineEncoder.quoted(JSONLineEncoder.isoTime(report.wallTime)))"
            + ",\"t\":\(JSONLineEncoder.number(report.frameTime, digits: 3))"
            + ",\"id\":\(faceID),\"emotion\":\(JSONLineEncoder.quoted(emotion.label))}"
    }
}
