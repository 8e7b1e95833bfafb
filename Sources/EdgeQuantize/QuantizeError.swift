/// Why a model could not be quantized or evaluated: one sentence a person can act on.
public struct QuantizeError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    static func unsupported(_ node: String, _ kind: String, _ why: String) -> QuantizeError {
        QuantizeError("layer '\(node)' (\(kind)) cannot be quantized: \(why)")
    }
}
