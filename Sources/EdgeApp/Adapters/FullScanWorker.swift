import EdgeDetect
import EdgeImage
import Foundation

/// Runs full-frame scans for `TrackingHaarFaceDetector` so that they never stall the frames in between: with
/// `.background` on its own thread (one scan at a time; a request while one runs is refused and simply made again
/// on a later frame), with `.nextFrame` in the caller (benchmarks and tests: deterministic, and the result is still
/// handed over only at the next `take()`, i.e. merged one frame late, like a background scan that takes one frame).
final class FullScanWorker: @unchecked Sendable {
    enum Mode: Sendable { case background, nextFrame }

    struct Scan {
        /// Index of the frame the scan looked at (the result is stale by the frames since then).
        var frameIndex: Int
        var detections: Result<[Detection], Error>
    }

    private let mode: Mode
    private let detector: FaceDetector
    private let parameters: DetectionParameters
    private let condition = NSCondition()
    private var pending: (image: GrayImage, frameIndex: Int)?
    private var finished: Scan?
    private var busy = false
    private var closed = false

    init(detector: FaceDetector, parameters: DetectionParameters, mode: Mode) {
        self.detector = detector
        self.parameters = parameters
        self.mode = mode
        if mode == .background {
            let thread = Thread { [self] in loop() }
            thread.name = "edge-full-scan"
            thread.start()
        }
    }

    /// Starts a full scan of `image` unless one is running or its result was not taken yet; true when started.
    func submit(_ image: GrayImage, frameIndex: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !busy, finished == nil, !closed else { return false }
        busy = true
        if mode == .nextFrame {
            finished = Scan(frameIndex: frameIndex, detections: Result { try detector.detect(image, parameters: parameters) })
            busy = false
        } else {
            pending = (image, frameIndex)
            condition.signal()
        }
        return true
    }

    /// The finished scan's result, once.
    func take() -> Scan? {
        condition.lock()
        defer { condition.unlock() }
        let result = finished
        finished = nil
        return result
    }

    /// Ends the background thread after its current scan.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending == nil && !closed { condition.wait() }
            guard !closed, let job = pending else { condition.unlock(); return }
            pending = nil
            condition.unlock()
            let detections = Result { try detector.detect(job.image, parameters: parameters) }
            condition.lock()
            finished = Scan(frameIndex: job.frameIndex, detections: detections)
            busy = false
            condition.unlock()
        }
    }
}
