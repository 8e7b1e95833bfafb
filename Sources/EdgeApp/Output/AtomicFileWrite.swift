#if canImport(Glibc)
import Glibc
#endif

/// Writes a whole file so that its final name only ever holds complete contents: the bytes go to a hidden
/// temporary name in the same folder (`.<name>.partial`), which is renamed over the final name once
/// complete. On any error (a full disk, a removed folder) the temporary file is removed and nothing appears
/// under the final name. Not durable across a power cut (no fsync: snapshots are not worth an SD card's
/// flush per frame), but never half-written.
enum AtomicFileWrite {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
    }

    static func temporaryPath(for path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return ".\(path).partial" }
        return "\(path[...slash]).\(path[path.index(after: slash)...]).partial"
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "creating \(temporary)", code: errno) }
        var offset = 0
        var failure: Failure?
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(path: path, operation: "writing", code: errno)
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0, failure == nil { failure = Failure(path: path, operation: "closing", code: errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = Failure(path: path, operation: "renaming", code: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}
