import EdgeGraph
import EdgeInference
import EdgeModel
import Foundation
import Synchronization

/// End-to-end choice of the activation ranges. A per-tensor criterion (MSE, percentile) cannot
/// see how a tensor's rounding and clipping error reaches the class scores: some tensors feed
/// the decision through a residual add or a wide 1x1 conv and want a finer step, others tolerate
/// more clipping. Starting from the calibration method's ranges, each tuned tensor in execution
/// order tries its range scaled by each of `factors` (both bounds) and keeps the one that lowers
/// the int8 model's decision error (`marginError`, against the float logits) on the refinement
/// images, all other ranges fixed; then the next tensor. One pass: 4 candidates per tensor.
///
/// A change is kept only when it lowers the error by more than `requiredGain` (relative): a
/// decision then needs a real effect, and two imports of one network whose float weights differ
/// in their last bits (Keras, tf2onnx) make the same decisions. The error is summed per image
/// in image order, so it does not depend on the thread count.
public enum RangeRefinement {
    public static let factors: [Float] = [0.8, 0.9, 1.1, 1.25]
    public static let requiredGain = 0.002
    /// Refinement images, spread evenly over the calibration set (all of issue 2's 1000).
    public static let maximumImages = 1000

    public struct Outcome: Sendable {
        public var ranges: [ClosedRange<Float>]
        /// Mean `marginError` with the starting and the chosen ranges.
        public var errorBefore: Double
        public var errorAfter: Double
        /// Tensors whose range changed.
        public var changedNodes: [NodeID]
    }

    /// The nodes whose range `Quantizer` uses: conv, depthwise, dense and add outputs, except
    /// the logits of a dense + softmax classifier (their scores come from the accumulators).
    public static func tunedNodes(_ graph: Graph) -> [NodeID] {
        let output = graph.nodes[graph.output]
        let floatLogits = output.operation == .softmax ? output.inputs.first : nil
        return graph.nodes.indices.filter { id in
            guard id != floatLogits || !isDense(graph.nodes[id].operation) else { return false }
            switch graph.nodes[id].operation {
            case .conv2D, .depthwiseConv2D, .dense, .add: return true
            default: return false
            }
        }
    }

    private static func isDense(_ operation: EdgeGraph.Operation) -> Bool {
        if case .dense = operation { return true } else { return false }
    }

    /// `reference`: the float graph (its logits are the target); `build`: the int8 model for a
    /// set of ranges; `images`: calibration pixels (at most `maximumImages` of them are used).
    public static func refine(
        reference: Graph, ranges: [ClosedRange<Float>], images: [[UInt8]],
        kernels: KernelTable, threads: Int = 2,
        build: ([ClosedRange<Float>]) throws(QuantizeError) -> QuantizedModel,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) -> Outcome {
        let stride = max(1, (images.count + maximumImages - 1) / maximumImages)
        let images = Swift.stride(from: 0, to: images.count, by: stride).map { images[$0] }
        let targets = try floatLogits(reference, images: images)
        var ranges = ranges
        let start = try logitError(build(ranges), images: images, targets: targets, kernels: kernels, threads: threads)
        var best = start
        var changed: [NodeID] = []
        let nodes = tunedNodes(reference)
        for (position, node) in nodes.enumerated() {
            let base = ranges[node]
            var chosen = base
            for factor in factors {
                var candidate = ranges
                candidate[node] = (base.lowerBound * factor)...(base.upperBound * factor)
                let error = try logitError(build(candidate), images: images, targets: targets, kernels: kernels, threads: threads)
                if error < best * (1 - requiredGain) {
                    best = error
                    chosen = candidate[node]
                }
            }
            if chosen != base {
                ranges[node] = chosen
                changed.append(node)
            }
            progress(position + 1, nodes.count)
        }
        return Outcome(ranges: ranges, errorBefore: start, errorAfter: best, changedNodes: changed)
    }

    /// Width of the margin weighting (logit units): an image whose float top-two margin is m
    /// weighs e^(-m / marginScale).
    public static let marginScale = 0.5

    /// One image's error: the int8 model's error on the float winner's margin over the float
    /// runner-up, squared, weighted by e^(-float margin / `marginScale`). Top-1 flips only
    /// where that margin error exceeds the float margin, so errors on the other classes and
    /// errors common to all logits do not count, and images far from a tie count little.
    static func marginError(_ values: [Float], target: [Float]) -> Double {
        var winner = 0
        for c in target.indices where target[c] > target[winner] { winner = c }
        var runnerUp = winner == 0 ? 1 : 0
        for c in target.indices where c != winner && target[c] > target[runnerUp] { runnerUp = c }
        guard target.count > 1 else { return 0 }
        let floatMargin = Double(target[winner] - target[runnerUp])
        let error = Double(values[winner] - values[runnerUp]) - floatMargin
        return error * error * exp(-floatMargin / marginScale)
    }

    /// The float logits of `graph` per image: the input of a final softmax, else the output.
    static func floatLogits(_ graph: Graph, images: [[UInt8]]) throws(QuantizeError) -> [[Float]] {
        let executor: FloatExecutor
        do {
            executor = try FloatExecutor(graph: graph)
        } catch {
            throw QuantizeError("the float graph cannot run: \(error)")
        }
        let output = graph.nodes[graph.output]
        let logits = output.operation == .softmax ? output.inputs[0] : graph.output
        return images.map { executor.runAll(executor.preprocess($0))[logits] }
    }

    /// Mean over `images` of `marginError` of the int8 model's logits (its float logits, or its
    /// dequantized output) against `targets`.
    static func logitError(
        _ model: QuantizedModel, images: [[UInt8]], targets: [[Float]], kernels: KernelTable, threads: Int
    ) throws(QuantizeError) -> Double {
        let workers = max(1, min(threads, images.count))
        let errors = Mutex<(perImage: [Double], failure: QuantizeError?)>(([Double](repeating: 0, count: images.count), nil))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do throws(QuantizeError) {
                let interpreter: Interpreter
                do {
                    interpreter = try Interpreter(model: model, kernels: kernels)
                } catch {
                    throw QuantizeError("the int8 model cannot run: \(error)")
                }
                let outputTensor = model.tensors[model.outputTensor]
                for index in Swift.stride(from: worker, to: images.count, by: workers) {
                    do {
                        try images[index].withUnsafeBufferPointer { (buffer) throws(InterpreterError) in
                            try interpreter.invoke(pixels: buffer)
                        }
                    } catch {
                        throw QuantizeError("calibration image \(index): \(error)")
                    }
                    let target = targets[index]
                    var values = [Float](repeating: 0, count: target.count)
                    if let logits = interpreter.logits {
                        for c in target.indices { values[c] = logits[c] }
                    } else {
                        let output = interpreter.output
                        for c in target.indices { values[c] = outputTensor.dequantize(output[c]) }
                    }
                    let error = marginError(values, target: target)
                    errors.withLock { $0.perImage[index] = error }
                }
            } catch {
                errors.withLock { state in
                    if state.failure == nil { state.failure = error }
                }
            }
        }
        let (perImage, failure) = errors.withLock { $0 }
        if let failure { throw failure }
        return perImage.reduce(0, +) / Double(max(images.count, 1))
    }
}
