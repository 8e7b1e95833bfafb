import Foundation

/// Progress of a long loop on standard error: at most about twenty lines per loop, plus the last.
struct ProgressLine {
    let label: String

    func callAsFunction(_ done: Int, _ total: Int, detail: String = "") {
        let step = max(total / 20, 1)
        guard done == total || done % step == 0 else { return }
        let percent = total == 0 ? 100 : done * 100 / total
        FileHandle.standardError.write(Data("\(label): \(done)/\(total) (\(percent) %)\(detail.isEmpty ? "" : " " + detail)\n".utf8))
    }
}

/// A failure the command reports as one line and a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ error: any Error) {
        description = "\(error)"
    }

    init(_ message: String) {
        description = message
    }
}
