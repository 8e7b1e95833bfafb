import EdgeSystem
import Foundation
import Synchronization

/// Wraps a device source that may be missing at start or unplugged later: opens it on first use, and after an
/// open or read failure closes it and retries with a growing delay (0.5 s doubling up to `maximumDelay`),
/// logging why each time. Waits in slices of the poll budget, throwing `noFrameYet`, so stop stays prompt.
public final class ReconnectingSource: FrameSource {
    private let describe: String
    private let open: () throws -> FrameSource
    private let log: @Sendable (String) -> Void
    private let maximumDelay: Double
    private var current: FrameSource?
    private var retryAt = 0.0
    private var delay = 0.5
    private let failureCount = Atomic<Int>(0)
    /// Open or read failures so far (each one is followed by a reconnection attempt). Readable from any thread.
    public var failures: Int { failureCount.load(ordering: .relaxed) }

    public init(describe: String, maximumDelay: Double = 8, log: @escaping @Sendable (String) -> Void,
                open: @escaping () throws -> FrameSource) {
        self.describe = describe
        self.open = open
        self.log = log
        self.maximumDelay = maximumDelay
    }

    public var summary: String { current?.summary ?? describe }

    public func nextFrame() throws -> GrayFrame? {
        if current == nil {
            let now = MonotonicClock().now()
            if now < retryAt {
                Thread.sleep(forTimeInterval: min(retryAt - now, FrameSourceTiming.pollBudget))
                throw FrameSourceError.noFrameYet
            }
            do {
                current = try open()
                if failures > 0 { log("camera: \(current!.summary) is back") }
                delay = 0.5
            } catch {
                fail(error)
                throw FrameSourceError.noFrameYet
            }
        }
        do {
            guard let frame = try current!.nextFrame() else {
                fail("the stream ended")
                throw FrameSourceError.noFrameYet
            }
            return frame
        } catch FrameSourceError.noFrameYet {
            throw FrameSourceError.noFrameYet
        } catch {
            fail(error)
            throw FrameSourceError.noFrameYet
        }
    }

    private func fail(_ reason: Any) {
        failureCount.add(1, ordering: .relaxed)
        current?.close()
        current = nil
        log("camera: not available (\(reason)); retrying in \(String(format: "%.1f", delay)) s")
        retryAt = MonotonicClock().now() + delay
        delay = min(maximumDelay, delay * 2)
    }

    public func close() {
        current?.close()
        current = nil
    }
}
