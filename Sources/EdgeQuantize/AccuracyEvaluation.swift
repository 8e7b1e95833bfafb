import EdgeGraph
import EdgeImage
import EdgeInference
import EdgeModel
import Foundation
import Synchronization

/// Top-1 accuracy of the quantized model and of the float graph on a class-folder dataset, how
/// often the two pick the same class, and both models' confusion matrices. Class subfolders are
/// matched to the model's labels by name, or through a `ClassFolderMapping`. With test-time
/// augmentation both models average the probabilities of the same views of each image.
public struct AccuracyEvaluation: Sendable, Equatable {
    public var imageCount = 0
    public var int8Correct = 0
    public var floatCorrect = 0
    public var agreeing = 0
    /// Per image of the dataset (its entry order): the quantized model's and the float graph's top-1
    /// class index; nil for images not evaluated (skipped folders).
    public var predictions: [(int8: Int, float: Int)?] = []
    /// With augmentation: the same counts for the plain view alone (the first of every set), from the
    /// passes already made, so one run checks both; zero without augmentation.
    public var plainInt8Correct = 0
    public var plainFloatCorrect = 0
    public var plainAgreeing = 0
    /// `[true class][predicted class]` image counts of the quantized model and of the float graph.
    public var int8Confusion: [[Int]] = []
    public var floatConfusion: [[Int]] = []

    public init(classCount: Int = 0) {
        int8Confusion = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        floatConfusion = int8Confusion
    }

    public static func == (a: AccuracyEvaluation, b: AccuracyEvaluation) -> Bool {
        a.imageCount == b.imageCount && a.int8Correct == b.int8Correct && a.floatCorrect == b.floatCorrect
            && a.agreeing == b.agreeing && a.predictions.count == b.predictions.count
            && zip(a.predictions, b.predictions).allSatisfy { $0?.int8 == $1?.int8 && $0?.float == $1?.float }
            && a.int8Confusion == b.int8Confusion && a.floatConfusion == b.floatConfusion
            && a.plainInt8Correct == b.plainInt8Correct && a.plainFloatCorrect == b.plainFloatCorrect
            && a.plainAgreeing == b.plainAgreeing
    }

    public var int8Accuracy: Double { fraction(int8Correct) }
    public var floatAccuracy: Double { fraction(floatCorrect) }
    public var agreement: Double { fraction(agreeing) }

    private func fraction(_ count: Int) -> Double { imageCount == 0 ? 0 : Double(count) / Double(imageCount) }

    /// `accuracy=<int8 top-1> float=<float top-1> agreement=<agreement> n=<images>`, the three
    /// rates as fractions with four decimals (0.6523 is 65.23 %).
    public var summaryLine: String {
        String(format: "accuracy=%.4f float=%.4f agreement=%.4f n=%d", int8Accuracy, floatAccuracy, agreement, imageCount)
    }

    /// `plain view only: accuracy=... float=... agreement=... n=...` (the plain view's classes are
    /// the argmax of its probabilities); for runs with augmentation.
    public var plainSummaryLine: String {
        String(format: "plain view only: accuracy=%.4f float=%.4f agreement=%.4f n=%d",
               fraction(plainInt8Correct), fraction(plainFloatCorrect), fraction(plainAgreeing), imageCount)
    }

    /// `augmentation`: the views of each image both models classify (probabilities averaged); with
    /// `.none` the classes are the argmax of the quantized logits and of the float output, as before
    /// augmentation existed. `mapping`: class folder -> label (identity by default).
    public static func run(
        graph: Graph, model: QuantizedModel, dataset: ImageFolder, kernels: KernelTable = .reference,
        threads: Int = 1, augmentation: TestTimeAugmentation = .none, mapping: ClassFolderMapping = .identity,
        progress: @escaping @Sendable (Int, Int, AccuracyEvaluation) -> Void = { _, _, _ in }
    ) throws(QuantizeError) -> AccuracyEvaluation {
        guard !dataset.classNames.isEmpty else {
            throw QuantizeError("\(dataset.path): evaluation needs one subfolder per class (named like the model's labels)")
        }
        let labels = model.labels
        let truthOfFolder = try mapping.labelIndices(of: dataset, labels: labels)
        let evaluated = dataset.entries.indices.filter { truthOfFolder[dataset.entries[$0].className!]! != nil }
        guard !evaluated.isEmpty else { throw QuantizeError("\(dataset.path): every class folder is skipped") }
        let input = model.inputShape
        guard input.channels == 1 else {
            throw QuantizeError("the model takes \(input.channels) input channels; evaluation images are gray, so only 1-channel models are supported")
        }
        guard graph.inputShape.height == input.height, graph.inputShape.width == input.width,
              graph.inputShape.channels == input.channels, graph.labels == labels
        else {
            throw QuantizeError("the float model (input \(graph.inputShape), \(graph.labels.count) labels) and the int8 model (input \(input), \(labels.count) labels) do not match")
        }
        // Each worker has its own float executor and interpreter; counts are sums, so the
        // result does not depend on how images are split.
        let workers = max(1, min(threads, evaluated.count))
        let views = augmentation.views
        var initial = AccuracyEvaluation(classCount: labels.count)
        initial.predictions = Array(repeating: nil, count: dataset.entries.count)
        let shared = Mutex<(result: AccuracyEvaluation, failure: QuantizeError?)>((initial, nil))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do throws(QuantizeError) {
                let executor: FloatExecutor
                let interpreter: Interpreter
                do {
                    executor = try FloatExecutor(graph: graph)
                } catch {
                    throw QuantizeError("the float graph cannot run: \(error)")
                }
                do {
                    // One image's views run as one batch (bit for bit the one-at-a-time scores).
                    interpreter = try Interpreter(model: model, kernels: kernels, batchCapacity: views.count)
                } catch {
                    throw QuantizeError("the int8 model cannot run: \(error)")
                }
                for index in stride(from: worker, to: evaluated.count, by: workers).map({ evaluated[$0] }) {
                    if shared.withLock({ $0.failure != nil }) { return }
                    let entry = dataset.entries[index]
                    let inputs = try ImageFolder.loadViews(entry.path, width: input.width, height: input.height, views: views)
                    let truth = truthOfFolder[entry.className!]!!
                    let floatClass: Int, int8Class: Int
                    var plain: (int8: Int, float: Int)?
                    do {
                        if inputs.count == 1 {
                            floatClass = argmax(executor.run(pixels: inputs[0]))
                            try inputs[0].withUnsafeBufferPointer { (buffer) throws(InterpreterError) in try interpreter.invoke(pixels: buffer) }
                            int8Class = interpreter.logits.map { argmax($0) } ?? argmax(interpreter.output)
                        } else {
                            let floatScores = inputs.map { executor.run(pixels: $0) }
                            let int8Scores = try interpreter.classifyEach(inputs)
                            floatClass = argmax(Interpreter.average(floatScores))
                            int8Class = argmax(Interpreter.average(int8Scores))
                            plain = (argmax(int8Scores[0]), argmax(floatScores[0]))
                        }
                    } catch {
                        throw QuantizeError("\(entry.path): \(error)")
                    }
                    shared.withLock { state in
                        state.result.imageCount += 1
                        state.result.predictions[index] = (int8Class, floatClass)
                        state.result.int8Confusion[truth][int8Class] += 1
                        state.result.floatConfusion[truth][floatClass] += 1
                        if floatClass == truth { state.result.floatCorrect += 1 }
                        if int8Class == truth { state.result.int8Correct += 1 }
                        if floatClass == int8Class { state.result.agreeing += 1 }
                        if let plain {
                            if plain.float == truth { state.result.plainFloatCorrect += 1 }
                            if plain.int8 == truth { state.result.plainInt8Correct += 1 }
                            if plain.float == plain.int8 { state.result.plainAgreeing += 1 }
                        }
                        progress(state.result.imageCount, evaluated.count, state.result)
                    }
                }
            } catch {
                shared.withLock { state in
                    if state.failure == nil { state.failure = error }
                }
            }
        }
        let (result, failure) = shared.withLock { $0 }
        if let failure { throw failure }
        return result
    }
}
