import EdgeInference
import EdgeModel

/// The int8 emotion model (EdgeModel file, EdgeInference interpreter) as the pipeline's classifier. The model's
/// own preprocessing turns the 0...255 crop into its input; outputs are softmax probabilities in label order.
public final class Int8EmotionClassifier: EmotionClassifying {
    public let path: String
    public let inputSide: Int
    private let interpreter: Interpreter

    /// Refuses a model whose input is not a square one-channel image or whose labels are not the 7 FER2013 ones.
    /// `threads`: intra-op threads of each inference (see `Interpreter`).
    public init(path: String, kernels: KernelTable? = nil, threads: Int = 1) throws {
        let model = try ModelFile.load(path: path)
        let shape = model.inputShape
        guard shape.channels == 1, shape.width == shape.height, shape.width > 0 else {
            throw ClassifierSetupError(path: path, problem: "its input \(shape) is not a square one-channel image")
        }
        guard model.labels.map({ $0.lowercased() }) == Emotion.labels else {
            throw ClassifierSetupError(path: path, problem: "its labels are \(model.labels), not the FER2013 classes \(Emotion.labels)")
        }
        self.path = path
        self.interpreter = try Interpreter(model: model, kernels: try kernels ?? KernelTable.fromEnvironment(),
                                           threads: threads)
        self.inputSide = shape.width
    }

    public func classify(crop: [UInt8]) throws -> EmotionScores {
        let scores = try crop.withUnsafeBufferPointer { try interpreter.classify(pixels: $0) }
        return EmotionScores(scores.map(Double.init))
    }

    /// The views' probabilities averaged by the interpreter (`Interpreter.classifyAveraging`).
    public func classify(crops: [[UInt8]]) throws -> EmotionScores {
        EmotionScores(try interpreter.classifyAveraging(crops).map(Double.init))
    }
}

public struct ClassifierSetupError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): cannot use this model: \(problem)" }
}
