import EdgeSystem
import Foundation

/// Delivers a file source's frames at their timestamps on the wall clock (a replay that behaves like a camera,
/// so the pipeline's stale-frame dropping applies). Sleeps in slices of at most the poll budget, throwing
/// `noFrameYet` in between so a stop request is noticed.
public final class RealtimePacedSource: FrameSource {
    private let inner: FrameSource
    private var start: Double?
    private var pending: GrayFrame?

    public init(_ inner: FrameSource) {
        self.inner = inner
    }

    public var summary: String { inner.summary + ", paced in real time" }

    public func nextFrame() throws -> GrayFrame? {
        if pending == nil {
            guard let frame = try inner.nextFrame() else { return nil }
            pending = frame
        }
        let now = MonotonicClock().now()
        if start == nil { start = now - pending!.timestamp }
        let due = start! + pending!.timestamp
        if due > now {
            Thread.sleep(forTimeInterval: min(due - now, FrameSourceTiming.pollBudget))
            if MonotonicClock().now() < due { throw FrameSourceError.noFrameYet }
        }
        defer { pending = nil }
        return pending
    }

    public func close() {
        inner.close()
    }
}
