import EdgeBoardConfig
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts the reactions' hook command on an emotion change without ever waiting for it: the child is spawned
/// with `posix_spawn` and reaped by a background thread. At most one hook runs at a time and at most one
/// starts per `minimumIntervalSeconds`; changes that arrive otherwise are skipped and counted.
public final class HookLauncher: @unchecked Sendable {
    public struct Event: Sendable, Equatable {
        public var emotion: Emotion?
        public var previous: Emotion?
        public var faceID: Int?
        public var score: Double?
        public var frame: Int
    }

    public struct Counts: Sendable, Equatable {
        public var started = 0
        public var skippedRateLimit = 0
        public var skippedStillRunning = 0
        public var failedToStart = 0
    }

    private let lock = NSLock()
    private var hook: HookConfig?
    private var lastStart: Double?
    private var running = false
    private var counts = Counts()
    private let log: @Sendable (String) -> Void

    public init(hook: HookConfig?, log: @escaping @Sendable (String) -> Void) {
        self.hook = hook
        self.log = log
    }

    public func update(hook: HookConfig?) {
        lock.withLock { self.hook = hook }
    }

    public var statistics: Counts { lock.withLock { counts } }

    /// Returns at once. `now` is the monotonic time in seconds used for the rate limit.
    public func trigger(_ event: Event, now: Double) {
        let command: String? = lock.withLock {
            guard let hook else { return nil }
            if running { counts.skippedStillRunning += 1; return nil }
            if let lastStart, now - lastStart < hook.minimumIntervalSeconds { counts.skippedRateLimit += 1; return nil }
            lastStart = now
            running = true
            return hook.command
        }
        guard let command else { return }
        let environment = [
            "EDGE_EMOTION=\(event.emotion?.label ?? "none")",
            "EDGE_PREVIOUS_EMOTION=\(event.previous?.label ?? "none")",
            "EDGE_FACE_ID=\(event.faceID.map(String.init) ?? "")",
            "EDGE_SCORE=\(event.score.map { String(format: "%.3f", $0) } ?? "")",
            "EDGE_FRAME=\(event.frame)",
        ] + ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EDGE_") }.map { "\($0.key)=\($0.value)" }
        switch spawnShell(command: command, environment: environment) {
        case let .success(pid):
            lock.withLock { counts.started += 1 }
            let thread = Thread { [self] in
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
                if exitCode != 0 { log("hook: `\(command)` exited with status \(exitCode)") }
                lock.withLock { running = false }
            }
            thread.name = "edge-hook-reaper"
            thread.start()
        case let .failure(error):
            lock.withLock { counts.failedToStart += 1; running = false }
            log("hook: cannot start `\(command)`: \(error)")
        }
    }

    /// Waits up to `timeout` seconds for a running hook to finish (used at shutdown and by tests).
    public func waitUntilIdle(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !lock.withLock({ running }) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return !lock.withLock { running }
    }

    private struct SpawnError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    private func spawnShell(command: String, environment: [String]) -> Result<pid_t, SpawnError> {
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, &envp)
        return result == 0 ? .success(pid) : .failure(SpawnError(code: result))
    }
}
