import EdgeDetect
import EdgeImage
import Foundation

/// Runs full-frame scans for `TrackingHaarFaceDetector` so that they never stall the frames in between: with
/// `.background` on its own thread (one scan at a time; a request while one runs is refused and simply made again
/// on a later frame), with `.nextFrame` in the caller (benchmarks, tests and files processed frame by frame:
/// deterministic). `scanNow` scans in the caller and returns the result at once (used when no frame can be stalled:
/// nothing is tracked, or `.nextFrame`).
final class FullScanWorker: @unchecked Sendable {
    enum Mode: Sendable { case background, nextFrame }

    struct Scan {
        /// Index of the frame the scan looked at (the result is stale by the frames since then).
        var frameIndex: Int
        var detections: Result<[Detection], Error>
    }

    let mode: Mode
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

    /// Scans `image` in the caller with the worker's detector (and its threads) and returns the result: waits for a
    /// running background scan first, and drops a finished result not taken yet (it describes an older frame).
    func scanNow(_ image: GrayImage, frameIndex: Int) -> Scan {
        condition.lock()
        while busy { condition.wait() }
        busy = true
        finished = nil
        condition.unlock()
        let scan = Scan(frameIndex: frameIndex, detections: Result { try detector.detect(image, parameters: parameters) })
        condition.lock()
        busy = false
        condition.broadcast()
        condition.unlock()
        return scan
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
        condition.broadcast()
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
            condition.broadcast()
            condition.unlock()
        }
    }
}
