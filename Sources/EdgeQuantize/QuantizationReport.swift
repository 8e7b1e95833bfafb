import EdgeGraph
import EdgeInference
import EdgeModel
import Foundation

/// How far the int8 model is from the float graph it came from, layer by layer, on a set of
/// images: signal-to-quantization-noise ratio and cosine similarity of every int8 tensor
/// (dequantized) against the float node output it stands for, and top-1 agreement at the end.
public struct QuantizationReport: Sendable {
    public struct Layer: Sendable {
        public var name: String
        public var kind: String
        public var shape: TensorShape
        public var scale: Float
        public var zeroPoint: Int32
        /// What the tensor holds: "int8", "int16", or "int16 +-B (n bits)" when narrowed for the
        /// int32 sums of a wide conv reading it (`QuantizedModel.precision`).
        public var precision: String
        /// 10 log10(sum f^2 / sum (f - q)^2) in dB over all images; infinite when exact.
        public var sqnr: Double
        public var cosine: Double
    }

    public var layers: [Layer]
    public var imageCount: Int
    /// Images on which int8 and float pick the same class.
    public var agreeingImages: Int

    public var agreement: Double { imageCount == 0 ? 0 : Double(agreeingImages) / Double(imageCount) }

    /// Compares `model` (from `graph` with `tensorOfNode`, as `Quantizer` returns them) to the
    /// float executor on `images`.
    public static func measure(
        graph: Graph, model: QuantizedModel, tensorOfNode: [TensorID?], images: [[UInt8]],
        kernels: KernelTable = .reference, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) -> QuantizationReport {
        let executor: FloatExecutor
        let interpreter: Interpreter
        do {
            executor = try FloatExecutor(graph: graph)
        } catch {
            throw QuantizeError("the float graph cannot run: \(error)")
        }
        do {
            interpreter = try Interpreter(model: model, kernels: kernels, reuseMemory: false)
        } catch {
            throw QuantizeError("the int8 model cannot run: \(error)")
        }
        let compared = graph.nodes.indices.filter { $0 > 0 && tensorOfNode[$0] != nil }
        var signal = [Double](repeating: 0, count: graph.nodes.count)
        var noise = signal, dot = signal, quantizedEnergy = signal
        var agreeing = 0
        for (index, pixels) in images.enumerated() {
            let outputs = executor.runAll(executor.preprocess(pixels))
            do {
                try pixels.withUnsafeBufferPointer { (buffer) throws(InterpreterError) in try interpreter.invoke(pixels: buffer) }
            } catch {
                throw QuantizeError("image \(index): \(error)")
            }
            for node in compared {
                let tensorID = tensorOfNode[node]!
                let tensor = model.tensors[tensorID]
                let quantized = interpreter.values(ofTensor: tensorID)
                let float = outputs[node]
                var s = 0.0, n = 0.0, d = 0.0, q2 = 0.0
                for element in float.indices {
                    let f = Double(float[element]), q = Double(tensor.dequantize(quantized[element]))
                    s += f * f
                    n += (f - q) * (f - q)
                    d += f * q
                    q2 += q * q
                }
                signal[node] += s
                noise[node] += n
                dot[node] += d
                quantizedEnergy[node] += q2
            }
            let floatClass = argmax(outputs[graph.output])
            let int8Class = interpreter.logits.map { argmax($0) } ?? argmax(interpreter.output)
            if floatClass == int8Class { agreeing += 1 }
            progress(index + 1, images.count)
        }
        let codes = model.largestCodes()
        let layers = compared.map { node -> Layer in
            let tensor = model.tensors[tensorOfNode[node]!]
            let sqnr = noise[node] == 0 ? Double.infinity : 10 * log10(signal[node] / noise[node])
            let norms = (signal[node] * quantizedEnergy[node]).squareRoot()
            return Layer(name: graph.nodes[node].name, kind: graph.nodes[node].operation.kind, shape: tensor.shape,
                         scale: tensor.scale, zeroPoint: tensor.zeroPoint,
                         precision: QuantizedModel.precision(of: tensor.elementType, largestCode: codes[tensorOfNode[node]!]),
                         sqnr: sqnr,
                         cosine: norms == 0 ? 1 : dot[node] / norms)
        }
        return QuantizationReport(layers: layers, imageCount: images.count, agreeingImages: agreeing)
    }

    /// A fixed-width table, one line per layer, then the agreement line.
    public var lines: [String] {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        let nameWidth = (layers.map(\.name.count).max() ?? 5) + 2
        let precisionWidth = (layers.map(\.precision.count).max() ?? 5) + 2
        var lines = [pad("layer", nameWidth) + pad("op", 20) + pad("shape", 12) + pad("codes", precisionWidth) + pad("scale", 12)
                     + pad("zp", 6) + pad("sqnr dB", 9) + "cosine"]
        for layer in layers {
            lines.append(pad(layer.name, nameWidth) + pad(layer.kind, 20) + pad(layer.shape.description, 12)
                         + pad(layer.precision, precisionWidth)
                         + pad(String(format: "%.6f", layer.scale), 12) + pad("\(layer.zeroPoint)", 6)
                         + pad(layer.sqnr.isFinite ? String(format: "%.1f", layer.sqnr) : "exact", 9)
                         + String(format: "%.5f", layer.cosine))
        }
        lines.append(String(format: "top-1 agreement quantized vs float: %.2f %% (%d of %d images)",
                            agreement * 100, agreeingImages, imageCount))
        return lines
    }
}

func argmax<Values: Collection>(_ values: Values) -> Int where Values.Element: Comparable, Values.Index == Int {
    var best = values.startIndex
    for index in values.indices where values[index] > values[best] {
        best = index
    }
    return best
}
