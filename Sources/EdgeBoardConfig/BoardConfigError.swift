/// A config file that cannot be used: which file, which key (dotted path, e.g. `reactions.happy.pattern`)
/// and what is allowed there.
public struct BoardConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// Dotted key path; empty for whole-file problems (unreadable, not JSON).
    public var key: String
    public var message: String

    public init(file: String, key: String, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}
