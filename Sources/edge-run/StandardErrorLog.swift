import Foundation

/// Log lines on standard error, one write per line so lines from different threads never interleave.
enum StandardErrorLog {
    static let write: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
