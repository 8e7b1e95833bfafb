import Foundation
@testable import EdgeApp

/// `count` frames (or endless when nil) of a flat 64x48 picture, timestamps `index / fps`.
final class FakeSource: FrameSource {
    let count: Int?
    let fps: Double
    var delivered = 0
    var closed = false
    let summary = "fake"

    init(count: Int?, fps: Double = 10) {
        self.count = count
        self.fps = fps
    }

    func nextFrame() throws -> GrayFrame? {
        if let count, delivered >= count { return nil }
        if count == nil { Thread.sleep(forTimeInterval: 1 / fps) }
        defer { delivered += 1 }
        return GrayFrame(width: 64, height: 48, pixels: [UInt8](repeating: UInt8(delivered % 256), count: 64 * 48),
                         index: delivered, timestamp: Double(delivered) / fps, origin: "fake-\(delivered)")
    }

    func close() { closed = true }
}

/// Faces given per frame index by a closure.
final class FakeDetector: FaceDetecting {
    let faces: @Sendable (Int) -> [FaceDetection]
    init(_ faces: @escaping @Sendable (Int) -> [FaceDetection]) { self.faces = faces }
    func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] { faces(frame.index) }
}

/// Scores chosen by the crop's first pixel (= the frame index mod 256, see FakeSource).
final class FakeClassifier: EmotionClassifying {
    let inputSide = 64
    let emotion: @Sendable (Int) -> Emotion
    init(_ emotion: @escaping @Sendable (Int) -> Emotion) { self.emotion = emotion }
    func classify(crop: [UInt8]) throws -> EmotionScores { scores(emotion(Int(crop[64 * 32 + 32])), 0.9) }
}

final class MemorySink: LineSink, @unchecked Sendable {
    let name = "memory"
    private let lock = NSLock()
    private var stored: [String] = []
    var closed = false
    var lines: [String] { lock.withLock { stored } }
    func write(line: String) { lock.withLock { stored.append(line) } }
    func close() { closed = true }
}

final class RecordingLEDs: LEDOutput, @unchecked Sendable {
    let lineNames: [String]
    private let lock = NSLock()
    private var events: [(String, Bool)] = []
    var closed = false
    init(_ names: [String]) { lineNames = names }
    var history: [(String, Bool)] { lock.withLock { events } }
    func set(line: String, on: Bool) throws { lock.withLock { events.append((line, on)) } }
    func close() { lock.withLock { closed = true } }
}

func parseJSON(_ line: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
}
