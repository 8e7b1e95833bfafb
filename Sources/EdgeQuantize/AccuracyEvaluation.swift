import EdgeGraph
import EdgeInference
import EdgeModel
import Foundation

/// Top-1 accuracy of the int8 model and of the float graph on a class-folder dataset, and how
/// often the two pick the same class. Class subfolders are matched to the model's labels by name.
public struct AccuracyEvaluation: Sendable, Equatable {
    public var imageCount = 0
    public var int8Correct = 0
    public var floatCorrect = 0
    public var agreeing = 0

    public init() {}

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
        progress: (Int, Int, AccuracyEvaluation) -> Void = { _, _, _ in }
    ) throws(QuantizeError) -> AccuracyEvaluation {
        guard !dataset.classNames.isEmpty else {
            throw QuantizeError("\(dataset.path): evaluation needs one subfolder per class (named like the model's labels)")
        }
        let labels = model.labels
        for name in dataset.classNames where !labels.contains(name) {
            throw QuantizeError("\(dataset.path): class folder '\(name)' is not one of the model's labels (\(labels.joined(separator: ", ")))")
        }
        let input = model.inputShape
        guard graph.inputShape.height == input.height, graph.inputShape.width == input.width,
              graph.inputShape.channels == input.channels, graph.labels == labels
        else {
            throw QuantizeError("the float model (input \(graph.inputShape), \(graph.labels.count) labels) and the int8 model (input \(input), \(labels.count) labels) do not match")
        }
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
        var result = AccuracyEvaluation()
        for (index, entry) in dataset.entries.enumerated() {
            let pixels = try ImageFolder.loadPixels(entry.path, width: input.width, height: input.height)
            let truth = labels.firstIndex(of: entry.className!)!
            let floatClass = argmax(executor.run(pixels: pixels))
            do {
                try pixels.withUnsafeBufferPointer { (buffer) throws(InterpreterError) in try interpreter.invoke(pixels: buffer) }
            } catch {
                throw QuantizeError("\(entry.path): \(error)")
            }
            let int8Class = argmax(interpreter.output)
            result.imageCount += 1
            if floatClass == truth { result.floatCorrect += 1 }
            if int8Class == truth { result.int8Correct += 1 }
            if floatClass == int8Class { result.agreeing += 1 }
            progress(index + 1, dataset.entries.count, result)
        }
        return result
    }
}
