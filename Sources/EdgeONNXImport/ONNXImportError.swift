/// Why an ONNX file could not become a `Graph`. Names the file, and the node and its op type
/// when one node is at fault, and says what to do where there is something to do.
public struct ONNXImportError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// The ONNX node name (or tensor name) at fault, if any.
    public var node: String?
    public var message: String

    public init(file: String, node: String? = nil, message: String) {
        self.file = file
        self.node = node
        self.message = message
    }

    public var description: String {
        if let node { return "\(file): node '\(node)': \(message)" }
        return "\(file): \(message)"
    }
}

/// An error raised while translating, before the file name is attached.
struct TranslationError: Error {
    var node: String?
    var message: String

    init(node: String? = nil, _ message: String) {
        self.node = node
        self.message = message
    }
}
