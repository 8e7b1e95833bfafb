import EdgeSystem
import Foundation
import Synchronization

/// SIGINT and SIGTERM call `stop` (a second one exits at once with status 130); SIGHUP calls `reload`, once per
/// burst of SIGHUPs.
/// Built on EdgeSystem's TerminationSignals: the signals are blocked in every thread and taken with sigwait by
/// one watcher thread, so handlers may take locks. Create it before any other thread starts (the serial
/// writer, the pipeline), so they all inherit the blocked mask.
final class SignalHandlers: @unchecked Sendable {
    private let signals = TerminationSignals()
    private let finished = Mutex(false)
    private var stop: (@Sendable () -> Void)?
    private var reload: (@Sendable () -> Void)?
    private let lock = NSLock()

    /// Blocks the signals now; `start` attaches the actions once there is something to stop.
    init() {}

    func start(stop: @escaping @Sendable () -> Void, reload: @escaping @Sendable () -> Void,
               log: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            var stopping = false
            var pending: Int32?
            while !finished.withLock({ $0 }) {
                guard let signal = pending ?? signals.wait(seconds: 0.2) else { continue }
                pending = nil
                let name = TerminationSignals.name(signal)
                if signal == SIGHUP {
                    // A burst (a rotator per file, a script in a loop) is one reload: SIGHUPs less than 0.1 s
                    // apart are taken together, for at most a second; a SIGTERM meanwhile is handled next.
                    var taken = 1
                    let burstEnd = MonotonicClock().now() + 1
                    while MonotonicClock().now() < burstEnd, let next = signals.wait(seconds: 0.1) {
                        if next != SIGHUP {
                            pending = next
                            break
                        }
                        taken += 1
                    }
                    log("edge-run: SIGHUP: reopening --json-out and reloading the config"
                        + (taken > 1 ? " (\(taken) SIGHUPs taken as one)" : ""))
                    reload()
                } else if stopping {
                    log("edge-run: \(name) again: exiting now")
                    exit(130)
                } else {
                    stopping = true
                    log("edge-run: \(name): stopping")
                    stop()
                }
            }
        }
        thread.name = "edge-signals"
        thread.start()
    }

    func cancel() {
        finished.withLock { $0 = true }
    }
}
