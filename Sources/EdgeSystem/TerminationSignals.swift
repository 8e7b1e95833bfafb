#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP turned into a value the main loop waits for, so that devices are released
/// (LEDs off, CRTC restored, stream stopped) on `kill` and Ctrl-C instead of the process dying with them.
/// Create it on the main thread before starting other threads: they inherit the blocked mask.
public struct TerminationSignals: Sendable {
    private let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    public init() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits up to `seconds` (nil: forever) for one of the signals; returns it, or nil on timeout.
    public func wait(seconds: Double?) -> Int32? {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        guard let seconds else {
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            return received
        }
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        while true {
            let result = sigtimedwait(&set, nil, &timeout)
            if result > 0 { return result }
            if errno != EINTR { return nil }
        }
    }

    /// A signal already pending, without waiting.
    public func poll() -> Int32? { wait(seconds: 0) }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
