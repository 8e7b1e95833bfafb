/// A failed system call: what was attempted, on which file, the errno, and, when known, what to do about it.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errno: Errno
    /// The call or request that failed, e.g. `open`, `VIDIOC_S_FMT`.
    public var operation: String
    /// The device or file the call was made on, when the caller knows it.
    public var path: String?
    /// A sentence that tells the user what to do (who holds the device, which group to join).
    public var hint: String?

    public init(_ errno: Errno, operation: String, path: String? = nil, hint: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.path = path
        self.hint = hint
    }

    /// The same error, attributed to `path` unless it already names one.
    public func on(_ path: String) -> SystemError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }

    public func withHint(_ hint: String?) -> SystemError {
        var copy = self
        copy.hint = hint
        return copy
    }

    public var description: String {
        var text = path.map { "\($0): \(operation): \(errno)" } ?? "\(operation): \(errno)"
        if let hint { text += ". \(hint)" }
        return text
    }
}
