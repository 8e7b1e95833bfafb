import EdgeSystem
import Foundation
import Synchronization

/// SIGINT and SIGTERM call `stop` (a second one exits at once with status 130); SIGHUP calls `reload`.
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
            while !finished.withLock({ $0 }) {
                guard let signal = signals.wait(seconds: 0.2) else { continue }
                let name = TerminationSignals.name(signal)
                if signal == SIGHUP {
                    log("edge-run: SIGHUP: reloading the config")
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
