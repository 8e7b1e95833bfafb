import EdgeGraph
import EdgeInference
import EdgeModel

/// Empirical bias correction, one layer at a time in execution order, for the layers without a
/// fused ReLU (depthwise convs, convs before an add, the classifier): quantization shifts the
/// mean of a layer's output (rounded weights have a non-zero mean error, and so do the inputs
/// that arrive through earlier int8 layers). For each conv, depthwise and dense layer, the int8
/// model runs up to that layer on the calibration images (with all earlier layers already
/// corrected) and the mean per-channel difference float - int8, over outputs that do not
/// saturate, is added to the bias in accumulator units
/// (difference / (output scale * real multiplier)). Correcting layers one after another, not all
/// at once, keeps a downstream layer from compensating an error an upstream correction removes.
public enum BiasCorrection {
    /// Images used, spread evenly over the calibration set (class folders come sorted, so a
    /// prefix would be one class): enough for stable channel means, and their float outputs
    /// (about 1 MB per image for mini-Xception) stay in memory.
    public static let maximumImages = 250

    public static func apply(
        to model: QuantizedModel, graph: Graph, tensorOfNode: [TensorID?], images: [[UInt8]],
        kernels: KernelTable = .reference, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) -> QuantizedModel {
        let executor: FloatExecutor
        do {
            executor = try FloatExecutor(graph: graph)
        } catch {
            throw QuantizeError("the float graph cannot run: \(error)")
        }
        var nodeOfTensor = [NodeID?](repeating: nil, count: model.tensors.count)
        for (node, tensor) in tensorOfNode.enumerated() {
            if let tensor { nodeOfTensor[tensor] = node }
        }
        var model = model
        // Only layers without a fused ReLU: behind a clamp the int8 output hides the
        // pre-activation error, and averaging only unclamped outputs biases the estimate.
        let weightedOps = model.operations.indices.filter {
            model.operations[$0].weighted.map { nodeOfTensor[$0.output] != nil && $0.requantization.activationMin == -128 } ?? false
        }
        let stride = max(1, (images.count + maximumImages - 1) / maximumImages)
        let images = Swift.stride(from: 0, to: images.count, by: stride).map { images[$0] }
        // Float outputs of the corrected layers only, per image.
        let floatOutputs: [[[Float]]] = images.map { pixels in
            let outputs = executor.runAll(executor.preprocess(pixels))
            return weightedOps.map { outputs[nodeOfTensor[model.operations[$0].output]!] }
        }
        for (position, index) in weightedOps.enumerated() {
            let interpreter: Interpreter
            do {
                interpreter = try Interpreter(model: model, kernels: kernels, reuseMemory: false)
            } catch {
                throw QuantizeError("the int8 model cannot run: \(error)")
            }
            var op = model.operations[index].weighted!
            let tensor = model.tensors[op.output]
            let channels = tensor.shape.channels
            let low = op.requantization.activationMin, high = op.requantization.activationMax
            var sums = [Double](repeating: 0, count: channels)
            var counts = [Double](repeating: 0, count: channels)
            for (imageIndex, pixels) in images.enumerated() {
                do {
                    try pixels.withUnsafeBufferPointer { (buffer) throws(InterpreterError) in
                        try interpreter.invoke(pixels: buffer, throughOperation: index)
                    }
                } catch {
                    throw QuantizeError("calibration image \(imageIndex): \(error)")
                }
                let quantized = interpreter.values(ofTensor: op.output)
                let float = floatOutputs[imageIndex][position]
                for element in float.indices {
                    let q = quantized[element]
                    guard q > low, q < high else { continue }
                    sums[element % channels] += Double(float[element] - tensor.dequantize(q))
                    counts[element % channels] += 1
                }
            }
            let limit = Double(model.largestBias(op, taps: model.operations[index].taps))
            for channel in 0..<channels where counts[channel] > 0 {
                let rq = op.requantization
                let multiplier = FixedPointMultiplier(multiplier: rq.multipliers[channel], shift: rq.shifts[channel]).real
                guard multiplier > 0 else { continue }
                // A multiple of the quantizer's bias step, so the bias stays on its grid.
                let step = Double(Quantizer.biasStep(multiplier: multiplier))
                let correction = (sums[channel] / counts[channel] / (Double(tensor.scale) * multiplier) / step).rounded() * step
                op.bias[channel] = Int32(max(-limit, min(limit, Double(op.bias[channel]) + correction)))
            }
            model.operations[index] = model.operations[index].replacingWeighted(op)
            progress(position + 1, weightedOps.count)
        }
        return model
    }
}

extension BiasCorrection {
    /// `graph` with the corrections `corrected` made to `original` (both quantized from `graph`
    /// with the same tensors) moved into its float biases: a bias step of k accumulator units on
    /// channel c is k * accumulator scale = k * real multiplier[c] * output scale. Quantizing the
    /// result with other activation ranges keeps the corrections (as real values), which is what
    /// `RangeRefinement` needs.
    public static func graph(
        _ graph: Graph, carrying corrected: QuantizedModel, from original: QuantizedModel, tensorOfNode: [TensorID?]
    ) -> Graph {
        var graph = graph
        var operationWriting = [Int?](repeating: nil, count: original.tensors.count)
        for (index, operation) in original.operations.enumerated() {
            if let op = operation.weighted { operationWriting[op.output] = index }
        }
        for id in graph.nodes.indices {
            guard let tensor = tensorOfNode[id], let index = operationWriting[tensor],
                  let before = original.operations[index].weighted, let after = corrected.operations[index].weighted
            else { continue }
            let outputScale = Double(original.tensors[before.output].scale)
            let offsets = before.bias.indices.map { channel -> Float in
                let rq = before.requantization
                let multiplier = FixedPointMultiplier(multiplier: rq.multipliers[channel], shift: rq.shifts[channel]).real
                return Float(Double(after.bias[channel] - before.bias[channel]) * multiplier * outputScale)
            }
            guard offsets.contains(where: { $0 != 0 }) else { continue }
            switch graph.nodes[id].operation {
            case .conv2D(var conv):
                for channel in conv.bias.indices { conv.bias[channel] += offsets[channel] }
                graph.nodes[id].operation = .conv2D(conv)
            case .depthwiseConv2D(var conv):
                for channel in conv.bias.indices { conv.bias[channel] += offsets[channel] }
                graph.nodes[id].operation = .depthwiseConv2D(conv)
            case .dense(var dense):
                for channel in dense.bias.indices { dense.bias[channel] += offsets[channel] }
                graph.nodes[id].operation = .dense(dense)
            default:
                continue
            }
        }
        return graph
    }
}
