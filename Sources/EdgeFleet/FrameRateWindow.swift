/// Processed frames per second, recomputed every `windowSeconds` (2 s): frames done after the window opened,
/// divided by its length (the frame that opens a window only marks its start).
struct FrameRateWindow {
    static let windowSeconds = 2.0
    private var start: Double?
    private var frames = 0
    private(set) var framesPerSecond = 0.0

    mutating func frameDone(at now: Double) {
        guard let start else {
            self.start = now
            frames = 0
            return
        }
        frames += 1
        if now - start >= Self.windowSeconds {
            framesPerSecond = Double(frames) / (now - start)
            self.start = now
            frames = 0
        }
    }
}
