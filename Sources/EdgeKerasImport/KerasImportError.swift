/// Why a Keras model could not be imported: names the file and, where it applies, the layer.
public struct KerasImportError: Error, Equatable, CustomStringConvertible {
    /// The model file as given to `KerasImporter.load`.
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// A problem found inside the model (config or weights); `KerasImporter` adds the file path.
struct KerasModelProblem: Error {
    var message: String

    init(_ message: String) { self.message = message }

    /// A problem with one layer: "layer 'name' (Type): message".
    init(layer: KerasLayer, _ message: String) {
        self.message = "layer '\(layer.name)' (\(layer.className)): \(message)"
    }
}
