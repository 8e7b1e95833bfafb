import Foundation

/// The JSON line schema (one object per processed frame, keys in this order; numbers are plain JSON numbers):
/// ```
/// {"time": "2026-11-25T19:40:00.123Z",   wall clock, UTC, ISO 8601 with milliseconds
///  "frame": 12,                           frame number from the source (gaps = frames the source skipped)
///  "t": 1.2,                              frame timestamp in seconds (source clock)
///  "source": "astronaut.png",             file or device the frame came from
///  "size": [640, 480],
///  "faces": [{"id": 1,                    track id, stable while the face stays in view
///             "box": [x, y, w, h],        detector box in frame pixels
///             "neighbors": 12,            detector confidence (grouped windows)
///             "emotion": "happy" | null,  announced emotion (held for hold_seconds), null before
///             "score": 0.81,              smoothed score of "emotion" (or of the current top)
///             "frame_emotion": "happy",   top class of this frame alone
///             "scores": {"angry": 0.01, "disgust": 0.0, "fear": 0.02, "happy": 0.81,
///                        "sad": 0.03, "surprise": 0.01, "neutral": 0.12}}],   smoothed, FER2013 order
///  "main_face": 1 | null,                 face the reactions follow
///  "reaction": "happy" | null,            reaction showing on the LEDs
///  "no_face": false,                      true after no_face_seconds without any face
///  "changes": [{"id": 1, "emotion": "happy"}],   announcements made in this frame
///  "timings_ms": {"capture": 1.2, "detect": 40.3, "track": 0.01, "crop": 0.1, "classify": 2.3, "smooth": 0.01},
///  "latency_ms": 45.1,                    capture to output
///  "dropped": 0,                          frames dropped by the queues so far
///  "mqtt": {"state": "connected", "queued": 0, "dropped": 0}}   only with an mqtt config section: connection
///                                         state, events waiting for the broker, events dropped (queue full)
/// ```
/// Report sinks (MQTT) add their members after `dropped` through `extraFields`.
public enum JSONLineEncoder {
    public static func encode(_ report: FrameReport, extraFields: [String] = []) -> String {
        var out = "{"
        out += "\"time\":\(quoted(isoTime(report.wallTime)))"
        out += ",\"frame\":\(report.frame)"
        out += ",\"t\":\(number(report.frameTime, digits: 3))"
        out += ",\"source\":\(quoted(report.origin))"
        out += ",\"size\":[\(report.width),\(report.height)]"
        out += ",\"faces\":[" + report.faces.map(face).joined(separator: ",") + "]"
        out += ",\"main_face\":\(report.mainFaceID.map(String.init) ?? "null")"
        out += ",\"reaction\":\(report.reaction.map { quoted($0.label) } ?? "null")"
        out += ",\"no_face\":\(report.noFace)"
        out += ",\"changes\":[" + report.changes.map { "{\"id\":\($0.id),\"emotion\":\(quoted($0.emotion.label))}" }
            .joined(separator: ",") + "]"
        let timed = PipelineStage.allCases.compactMap { stage in
            report.timings[stage].map { "\(quoted(stage.rawValue)):\(number($0, digits: 3))" }
        }
        out += ",\"timings_ms\":{" + timed.joined(separator: ",") + "}"
        out += ",\"latency_ms\":\(number(report.latencyMilliseconds, digits: 2))"
        out += ",\"dropped\":\(report.dropped)"
        for field in extraFields { out += "," + field }
        return out + "}"
    }

    static func face(_ face: FaceReport) -> String {
        var out = "{\"id\":\(face.id)"
        out += ",\"box\":[\(face.box.x),\(face.box.y),\(face.box.width),\(face.box.height)]"
        out += ",\"neighbors\":\(face.neighbors)"
        out += ",\"emotion\":\(face.emotion.map { quoted($0.label) } ?? "null")"
        out += ",\"score\":\(face.score.map { number($0, digits: 4) } ?? "null")"
        out += ",\"frame_emotion\":\(face.frameEmotion.map { quoted($0.label) } ?? "null")"
        if let scores = face.scores {
            out += ",\"scores\":{" + Emotion.allCases.map { "\(quoted($0.label)):\(number(scores[$0], digits: 4))" }
                .joined(separator: ",") + "}"
        } else {
            out += ",\"scores\":null"
        }
        return out + "}"
    }

    /// A JSON number with at most `digits` decimals; NaN and infinities (never expected) become null.
    public static func number(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "null" }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func isoTime(_ secondsSince1970: Double) -> String {
        var seconds = time_t(secondsSince1970.rounded(.down))
        let millis = Int((secondsSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}
