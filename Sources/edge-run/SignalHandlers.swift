import Dispatch
import Foundation

/// SIGINT and SIGTERM call `stop` (a second one exits at once with status 130); SIGHUP calls `reload`.
/// The signals are blocked from default handling and delivered through Dispatch, so the handlers may take locks.
final class SignalHandlers: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var stopping = false

    init(stop: @escaping @Sendable () -> Void, reload: @escaping @Sendable () -> Void, log: @escaping @Sendable (String) -> Void) {
        let queue = DispatchQueue(label: "edge-run.signals")
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                let again = lock.withLock { () -> Bool in
                    defer { stopping = true }
                    return stopping
                }
                if again {
                    log("edge-run: \(name) again: exiting now")
                    exit(130)
                }
                log("edge-run: \(name): stopping")
                stop()
            }
            source.resume()
            sources.append(source)
        }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler {
            log("edge-run: SIGHUP: reloading the config")
            reload()
        }
        hangup.resume()
        sources.append(hangup)
    }

    func cancel() {
        sources.forEach { $0.cancel() }
    }
}
