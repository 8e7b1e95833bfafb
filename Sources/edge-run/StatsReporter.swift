import EdgeApp
import Foundation

/// `--stats`: every `interval` seconds, one summary line on standard error; a last one at the end.
final class StatsReporter: @unchecked Sendable {
    private let pipeline: EmotionPipeline
    private let condition = NSCondition()
    private var done = false
    private var thread: Thread?

    init(pipeline: EmotionPipeline, interval: Double, log: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        let thread = Thread { [self] in
            condition.lock()
            while !done {
                _ = condition.wait(until: Date().addingTimeInterval(interval))
                if done { break }
                log(pipeline.statistics.takeSummary(dropped: pipeline.droppedFrames).line)
            }
            condition.unlock()
            log(pipeline.statistics.takeSummary(dropped: pipeline.droppedFrames).line)
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
