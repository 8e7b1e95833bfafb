/// A model file that cannot be used: names the file and says what is wrong and, where it helps,
/// what to do.
public struct ModelFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

/// A model whose contents break the format or the kernel contract (a quantizer bug when writing,
/// corruption when reading).
public struct ModelValidationError: Error, Equatable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}
