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

/// JSON lines appended to a file (created if missing).
public final class FileLineSink: LineSink {
    public let name: String
    private let handle: FileHandle
    private var failed = false
    private let log: @Sendable (String) -> Void

    public init(path: String, log: @escaping @Sendable (String) -> Void) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw OutputSetupError(path: path, problem: "cannot create the JSON lines file (missing folder or no permission)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw OutputSetupError(path: path, problem: "cannot open the JSON lines file for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        self.name = path
        self.log = log
    }

    public func write(line: String) {
        guard !failed else { return }
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            failed = true
            log("json-out: \(name): \(error.localizedDescription); no more lines will be written there")
        }
    }

    public func close() {
        try? handle.close()
    }
}
