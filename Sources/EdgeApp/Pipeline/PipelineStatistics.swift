import EdgeSystem
import Foundation

/// Running totals for `--stats`: frames in and out, drops per queue, per-stage time. Thread-safe.
public final class PipelineStatistics: @unchecked Sendable {
    public struct Summary: Sendable, Equatable {
        public var seconds: Double
        public var framesCaptured: Int
        public var framesDone: Int
        public var dropped: Int
        public var stageMilliseconds: [PipelineStage: Double]
        public var latencyMilliseconds: Double?

        public var framesPerSecond: Double { seconds > 0 ? Double(framesDone) / seconds : 0 }

        /// One human line: `stats: 9.8 fps (49 frames in 5.0 s), capture 1.2 ms, detect 40.1 ms, ..., dropped 3`.
        public var line: String {
            var parts = [String(format: "stats: %.1f fps (%d frames in %.1f s)", framesPerSecond, framesDone, seconds)]
            for stage in PipelineStage.allCases {
                if let ms = stageMilliseconds[stage] { parts.append(String(format: "%@ %.2f ms", stage.rawValue, ms)) }
            }
            if let latencyMilliseconds { parts.append(String(format: "latency %.1f ms", latencyMilliseconds)) }
            parts.append("dropped \(dropped)")
            return parts.joined(separator: ", ")
        }
    }

    private let lock = NSLock()
    private var windowStart: Double
    private var captured = 0
    private var done = 0
    private var sums: [PipelineStage: Double] = [:]
    private var counts: [PipelineStage: Int] = [:]
    private var latencySum = 0.0
    private var totalCaptured = 0
    private var totalDone = 0

    public init(now: Double = MonotonicClock().now()) {
        windowStart = now
    }

    public func frameCaptured() {
        lock.withLock { captured += 1; totalCaptured += 1 }
    }

    public func frameDone(_ timings: StageTimings, latencyMilliseconds: Double) {
        lock.withLock {
            done += 1
            totalDone += 1
            latencySum += latencyMilliseconds
            for (stage, ms) in timings.milliseconds {
                sums[stage, default: 0] += ms
                counts[stage, default: 0] += 1
            }
        }
    }

    public var totals: (captured: Int, done: Int) { lock.withLock { (totalCaptured, totalDone) } }

    /// Averages since the last call, then starts a new window. `dropped` is the queues' total so far.
    public func takeSummary(now: Double = MonotonicClock().now(), dropped: Int) -> Summary {
        lock.withLock {
            var averages: [PipelineStage: Double] = [:]
            for (stage, sum) in sums { averages[stage] = sum / Double(max(1, counts[stage] ?? 0)) }
            let summary = Summary(seconds: now - windowStart, framesCaptured: captured, framesDone: done,
                                  dropped: dropped, stageMilliseconds: averages,
                                  latencyMilliseconds: done > 0 ? latencySum / Double(done) : nil)
            windowStart = now
            captured = 0
            done = 0
            sums = [:]
            counts = [:]
            latencySum = 0
            return summary
        }
    }
}
