import EdgeGraph
import EdgeInference
import EdgeModel
import Foundation
import Synchronization

/// Top-1 accuracy of the int8 model and of the float graph on a class-folder dataset, and how
/// often the two pick the same class. Class subfolders are matched to the model's labels by name.
public struct AccuracyEvaluation: Sendable, Equatable {
    public var imageCount = 0
    public var int8Correct = 0
    public var floatCorrect = 0
    public var agreeing = 0
    /// Per image of the dataset (its entry order): the int8 model's and the float graph's top-1
    /// class index; nil for images not evaluated.
    public var predictions: [(int8: Int, float: Int)?] = []

    public init() {}

    public static func == (a: AccuracyEvaluation, b: AccuracyEvaluation) -> Bool {
        a.imageCount == b.imageCount && a.int8Correct == b.int8Correct && a.floatCorrect == b.floatCorrect
            && a.agreeing == b.agreeing && a.predictions.count == b.predictions.count
            && zip(a.predictions, b.predictions).allSatisfy { $0?.int8 == $1?.int8 && $0?.float == $1?.float }
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

    public static func run(
        graph: Graph, model: QuantizedModel, dataset: ImageFolder, kernels: KernelTable = .reference,
        threads: Int = 1, progress: @escaping @Sendable (Int, Int, AccuracyEvaluation) -> Void = { _, _, _ in }
    ) throws(QuantizeError) -> AccuracyEvaluation {
        guard !dataset.classNames.isEmpty else {
            throw QuantizeError("\(dataset.path): evaluation needs one subfolder per class (named like the model's labels)")
        }
        let labels = model.labels
        for name in dataset.classNames where !labels.contains(name) {
            throw QuantizeError("\(dataset.path): class folder '\(name)' is not one of the model's labels (\(labels.joined(separator: ", ")))")
        }
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
        let workers = max(1, min(threads, dataset.entries.count))
        var initial = AccuracyEvaluation()
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
                    interpreter = try Interpreter(model: model, kernels: kernels)
                } catch {
                    throw QuantizeError("the int8 model cannot run: \(error)")
                }
                for index in stride(from: worker, to: dataset.entries.count, by: workers) {
                    if shared.withLock({ $0.failure != nil }) { return }
                    let entry = dataset.entries[index]
                    let pixels = try ImageFolder.loadPixels(entry.path, width: input.width, height: input.height)
                    let truth = labels.firstIndex(of: entry.className!)!
                    let floatClass = argmax(executor.run(pixels: pixels))
                    do {
                        try pixels.withUnsafeBufferPointer { (buffer) throws(InterpreterError) in try interpreter.invoke(pixels: buffer) }
                    } catch {
                        throw QuantizeError("\(entry.path): \(error)")
                    }
                    let int8Class = interpreter.logits.map { argmax($0) } ?? argmax(interpreter.output)
                    shared.withLock { state in
                        state.result.imageCount += 1
                        state.result.predictions[index] = (int8Class, floatClass)
                        if floatClass == truth { state.result.floatCorrect += 1 }
                        if int8Class == truth { state.result.int8Correct += 1 }
                        if floatClass == int8Class { state.result.agreeing += 1 }
                        progress(state.result.imageCount, dataset.entries.count, state.result)
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
