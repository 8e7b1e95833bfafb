import Foundation

/// JSON lines to standard output (flushed per line so a pipe reader sees each frame at once).
public final class StandardOutputSink: LineSink {
    public let name = "stdout"
    public init() {}

    public func write(line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func close() {}
}

/// JSON lines appended to a file (created if missing). `reopen()` (edge-run calls it on SIGHUP, logrotate's
/// convention) closes the file and opens the path again, so a rotator that moved the file away gets a new
/// one at the old path; a line goes wholly to the old or the new file, none is lost between them.
public final class FileLineSink: LineSink, @unchecked Sendable {
    public let name: String
    private let lock = NSLock()
    private var handle: FileHandle?
    private var failed = false
    private let log: @Sendable (String) -> Void

    public init(path: String, log: @escaping @Sendable (String) -> Void) throws {
        self.name = path
        self.log = log
        handle = try Self.open(path)
    }

    private static func open(_ path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw OutputSetupError(path: path, problem: "cannot create the JSON lines file (missing folder or no permission)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw OutputSetupError(path: path, problem: "cannot open the JSON lines file for writing")
        }
        handle.seekToEndOfFile()
        return handle
    }

    public func write(line: String) {
        lock.withLock {
            guard !failed, let handle else { return }
            do {
                try handle.write(contentsOf: Data((line + "\n").utf8))
            } catch {
                failed = true
                log("json-out: \(name): \(error.localizedDescription); no more lines until it is reopened (SIGHUP)")
            }
        }
    }

    /// Closes the file and opens `name` again (creating it if it was moved away). On an error the sink stays
    /// closed until the next `reopen()`, and says so once.
    public func reopen() {
        lock.withLock {
            try? handle?.close()
            handle = nil
            do {
                handle = try Self.open(name)
                failed = false
            } catch {
                failed = true
                log("json-out: \(error); no more lines until the next SIGHUP")
            }
        }
    }

    public func close() {
        lock.withLock {
            try? handle?.close()
            handle = nil
        }
    }
}
