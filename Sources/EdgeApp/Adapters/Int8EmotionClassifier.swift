import EdgeImage
import EdgeInference
import EdgeModel

/// The int8 emotion model (EdgeModel file, EdgeInference interpreter) as the pipeline's classifier. The model's
/// own preprocessing turns the 0...255 crop into its input; outputs are softmax probabilities in label order.
public final class Int8EmotionClassifier: EmotionClassifying {
    public let path: String
    public let inputSide: Int
    private let interpreter: Interpreter

    /// Refuses a model whose input is not a square one-channel image or whose labels are not the 7 FER2013 ones.
    /// `threads`: intra-op threads of each inference (see `Interpreter`). `batchCapacity`: images run together
    /// through the model's layers (`Interpreter.invoke(batch:count:)`): a face's views and a frame's faces.
    public init(path: String, kernels: KernelTable? = nil, threads: Int = 1, batchCapacity: Int = 1) throws {
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
                                           threads: threads, batchCapacity: batchCapacity)
        self.inputSide = shape.width
    }

    public func classify(crop: [UInt8]) throws -> EmotionScores {
        let scores = try crop.withUnsafeBufferPointer { try interpreter.classify(pixels: $0) }
        return EmotionScores(scores.map(Double.init))
    }

    /// The views' probabilities averaged by the interpreter (`Interpreter.classifyAveraging`), the views run as
    /// batches.
    public func classify(crops: [[UInt8]]) throws -> EmotionScores {
        EmotionScores(try interpreter.classifyAveraging(crops).map(Double.init))
    }

    /// Every face's views of one frame run together as batches of up to `batchCapacity` images, each face's
    /// probabilities averaged (`Interpreter.classifyAveraging(faces:)`): bit for bit the face-by-face result.
    public func classify(faces: [[[UInt8]]]) throws -> [EmotionScores] {
        try interpreter.classifyAveraging(faces: faces).map { EmotionScores($0.map(Double.init)) }
    }

    /// The batch capacity edge-run gives the model for `augmentation`: one face's views, and at least 6
    /// images (e.g. three faces' flip views) so that a frame's faces run together.
    public static func batchCapacity(for augmentation: TestTimeAugmentation) -> Int { max(augmentation.passes, 6) }
}

public struct ClassifierSetupError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): cannot use this model: \(problem)" }
}
