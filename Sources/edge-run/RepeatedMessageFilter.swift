import Synchronization

/// Lets a message through once: the same reload refusal on every SIGHUP is logged the first time only.
/// `reset()` (after a successful reload) lets it through again.
final class RepeatedMessageFilter: Sendable {
    private let last = Mutex<String?>(nil)

    func isNew(_ message: String) -> Bool {
        last.withLock { last in
            if last == message { return false }
            last = message
            return true
        }
    }

    func reset() { last.withLock { $0 = nil } }
}
