import EdgeApp
import Foundation

/// `--stats`: every `interval` seconds, one summary line on standard error; a last one at the end.
final class StatsReporter: @unchecked Sendable {
    private let pipeline: EmotionPipeline
    private let condition = NSCondition()
    private var done = false
    private var thread: Thread?

    /// `extra` adds a part to each line (the MQTT state, queued and dropped counts).
    init(pipeline: EmotionPipeline, interval: Double, extra: @escaping @Sendable () -> String? = { nil },
         log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        let line: @Sendable () -> String = {
            let summary = pipeline.statistics.takeSummary(dropped: pipeline.droppedFrames).line
            return extra().map { summary + ", " + $0 } ?? summary
        }
        let thread = Thread { [self] in
            condition.lock()
            while !done {
                _ = condition.wait(until: Date().addingTimeInterval(interval))
                if done { break }
                log(line())
            }
            condition.unlock()
            log(line())
        }
        thread.name = "edge-stats"
        self.thread = thread
        thread.start()
    }

    func finish() {
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
        while thread?.isFinished == false { Thread.sleep(forTimeInterval: 0.005) }
    }
}
