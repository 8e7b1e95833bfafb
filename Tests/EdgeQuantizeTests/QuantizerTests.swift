import EdgeGraph
import EdgeInference
import EdgeKerasImport
import EdgeModel
@testable import EdgeQuantize
import Foundation
import Testing
import EdgeTestSupport

@Suite struct QuantizerTests {
    /// Every op of the runtime, int8 against float layer by layer.
    @Test(arguments: CalibrationMethod.allCases)
    func int8FollowsFloatOnEveryOperation(method: CalibrationMethod) throws {
        let graph = try SmallGraphs.everyOperation()
        let images = SmallGraphs.images(count: 64)
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test")
        let (model, tensorOfNode) = try quantization.model(method: method, biasCorrection: false)
        let kinds = Set(model.operations.map(\.kind))
        #expect(kinds == ["conv2d", "depthwise_conv2d", "max_pool", "add", "average_pool", "flatten", "fully_connected"])
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensorOfNode,
                                                    images: SmallGraphs.images(count: 32, seed: 9))
        #expect(report.layers.count == model.tensors.count - 1)
        for layer in report.layers {
            #expect(layer.cosine > 0.995, "\(layer.name) (\(layer.kind)): cosine \(layer.cosine)")
            #expect(layer.sqnr > 20, "\(layer.name) (\(layer.kind)): SQNR \(layer.sqnr) dB")
        }
        #expect(report.agreement >= 0.9)
    }

    @Test func foldsThePreprocessingOffsetIntoTheFirstConvolution() throws {
        let graph = try SmallGraphs.everyOperation()
        let quantization = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 16), calibrationSource: "test")
        let model = try quantization.model(method: .minMax, biasCorrection: false).model
        #expect(model.inputEncoding == .offsetFoldedIntoBias)
        #expect(model.tensors[0].zeroPoint == -128)
        #expect(model.tensors[0].scale == Preprocessing.symmetricUnit.scale)
    }

    /// The logits before the softmax keep only the range that can decide the class.
    @Test func logitsRangeStartsBelowTheLowestWinningLogit() throws {
        let graph = try SmallGraphs.everyOperation()
        let quantization = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 64), calibrationSource: "test")
        let logits = quantization.graph.nodes[quantization.graph.output].inputs[0]
        let histogram = quantization.statistics.histograms[logits]
        let floor = quantization.statistics.smallestMaximum[logits]
        let range = quantization.ranges(.mse)[logits]
        #expect(range.lowerBound == max(histogram.minimum, min(floor - PostTrainingQuantization.logitMargin, 0)))
        #expect(range.upperBound == max(histogram.maximum, 0))
        let (model, tensors) = try quantization.model(method: .mse)
        let tensor = model.tensors[tensors[logits]!]
        #expect(tensor.scale * Float(-128 - tensor.zeroPoint) <= range.lowerBound + tensor.scale)
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensors,
                                                    images: SmallGraphs.images(count: 32, seed: 9))
        #expect(report.agreement >= 0.9)
    }

    @Test func biasCorrectionDoesNotHurt() throws {
        let graph = try SmallGraphs.everyOperation(seed: 3)
        let images = SmallGraphs.images(count: 64, seed: 4)
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test")
        let test = SmallGraphs.images(count: 48, seed: 5)
        func outputSQNR(_ corrected: Bool) throws -> Double {
            let (model, tensors) = try quantization.model(method: .mse, biasCorrection: corrected)
            return try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensors, images: test)
                .layers.last!.sqnr
        }
        #expect(try outputSQNR(true) > outputSQNR(false) - 1)
    }

    @Test func writtenModelRunsLikeTheQuantizedOne() throws {
        let graph = try SmallGraphs.everyOperation()
        let quantization = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 16), calibrationSource: "test")
        let model = try quantization.model(method: .percentile).model
        let decoded = try ModelFile.decode(try ModelFile.encode(model), file: "memory")
        #expect(decoded == model)
        let a = try Interpreter(model: model), b = try Interpreter(model: decoded)
        for pixels in SmallGraphs.images(count: 8, seed: 11) {
            let x = try pixels.withUnsafeBufferPointer { try a.classify(pixels: $0) }
            let y = try pixels.withUnsafeBufferPointer { try b.classify(pixels: $0) }
            #expect(x == y)
        }
    }

    @Test func poolingFoldingKeepsTheFunction() throws {
        let graph = try SmallGraphs.everyOperation()
        let folded = PoolingFolding.fold(graph)
        #expect(!folded.nodes.contains { $0.operation == .globalAveragePool })
        let original = try FloatExecutor(graph: graph), rewritten = try FloatExecutor(graph: folded)
        for pixels in SmallGraphs.images(count: 8) {
            let x = original.run(pixels: pixels), y = rewritten.run(pixels: pixels)
            for (a, b) in zip(x, y) { #expect(abs(a - b) < 1e-5) }
        }
    }

    @Test func channelEqualizationKeepsTheFunctionAndEvensChannelRanges() throws {
        let graph = try SmallGraphs.everyOperation(seed: 5)
        let images = SmallGraphs.images(count: 32)
        let executor = try FloatExecutor(graph: graph)
        let before = CalibrationStatistics.channelMaxima(executor: executor, images: images)
        let equalized = ChannelEqualization.equalize(graph, channelRanges: before)
        let rewritten = try FloatExecutor(graph: equalized)
        let after = CalibrationStatistics.channelMaxima(executor: rewritten, images: images)
        for pixels in images.prefix(8) {
            for (a, b) in zip(executor.run(pixels: pixels), rewritten.run(pixels: pixels)) { #expect(abs(a - b) < 1e-4) }
        }
        // conv1 feeds a depthwise and a conv (square-root rule), the depthwise feeds only a conv.
        func spread(_ ranges: [Float]) -> Float { ranges.max()! / max(ranges.min()!, 1e-6) }
        let depthwise = graph.nodes.firstIndex { $0.name == "depthwise" }!
        #expect(spread(after[depthwise]) < spread(before[depthwise]))
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test", equalizeChannels: true)
        let (model, tensors) = try quantization.model(method: .mse, biasCorrection: true)
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensors, images: images)
        #expect(report.layers.last!.cosine > 0.995)
    }

    /// The int16 variant balances the reading convs' input columns instead: same function, and
    /// every column of the pointwise conv (which reads only the depthwise) reaches the widest one.
    @Test func weightColumnEqualizationKeepsTheFunctionAndEvensColumns() throws {
        let graph = try SmallGraphs.everyOperation(seed: 5)
        let equalized = ChannelEqualization.equalizeWeightColumns(graph)
        let executor = try FloatExecutor(graph: graph), rewritten = try FloatExecutor(graph: equalized)
        for pixels in SmallGraphs.images(count: 8) {
            for (a, b) in zip(executor.run(pixels: pixels), rewritten.run(pixels: pixels)) { #expect(abs(a - b) < 1e-4) }
        }
        func columns(_ graph: Graph) throws -> [Float] {
            guard case .conv2D(let conv) = try #require(graph.nodes.first { $0.name == "pointwise" }).operation else { return [] }
            let inputs = conv.weights.count / conv.outputChannels
            return (0..<inputs).map { c in stride(from: c, to: conv.weights.count, by: inputs).map { abs(conv.weights[$0]) }.max()! }
        }
        let before = try columns(graph), after = try columns(equalized)
        #expect(before.max()! / before.min()! > 1.2)
        let widest = before.max()!
        for (c, column) in after.enumerated() where before[c] * ChannelEqualization.maximumFactor >= widest {
            #expect(abs(column - widest) <= 1e-5 * widest, "column \(c): \(before[c]) -> \(column), widest \(widest)")
        }
    }

    @Test func fixedPointMultipliersMatchTheirRealValue() throws {
        var random = SeededGenerator(seed: 21)
        for _ in 0..<1000 {
            let real = pow(2, Double.random(in: -30...8, using: &random))
            let fixed = try FixedPointMultiplier(real)
            #expect(fixed.multiplier >= 1 << 30)
            #expect((-31...31).contains(fixed.shift))
            #expect(abs(fixed.real - real) <= real * 1e-9)
        }
        #expect(try FixedPointMultiplier(0) == FixedPointMultiplier(multiplier: 0, shift: 0))
        #expect(try FixedPointMultiplier(1e-12) == FixedPointMultiplier(multiplier: 0, shift: 0))
        #expect(throws: QuantizeError.self) { try FixedPointMultiplier(-1) }
    }

    @Test func histogramGrowsWithoutLosingCounts() {
        var histogram = ActivationHistogram()
        var random = SeededGenerator(seed: 8)
        var values: [Float] = []
        for scale in [Float(0.01), 1, 50, 3] {
            let batch = (0..<1000).map { _ in Float.random(in: -scale...scale, using: &random) } + [0, 0]
            histogram.add(batch)
            values += batch
        }
        #expect(histogram.count == Double(values.count))
        #expect(histogram.bins.reduce(0, +) + histogram.zeroCount == histogram.count)
        #expect(histogram.zeroCount == 8)
        #expect(histogram.minimum == values.min()!)
        #expect(histogram.maximum == values.max()!)
        #expect(histogram.halfRange > 50)
        let minMax = CalibrationMethod.minMax.range(of: histogram)
        for method in [CalibrationMethod.percentile, .mse] {
            let range = method.range(of: histogram)
            #expect(range.lowerBound >= minMax.lowerBound && range.upperBound <= minMax.upperBound)
            #expect(range.lowerBound < 0 && range.upperBound > 0)
        }
    }

    /// A long-tailed (exponential) distribution: the squared error is lowest with the rare
    /// largest values clipped.
    @Test func mseClipsALongTail() {
        var histogram = ActivationHistogram()
        var random = SeededGenerator(seed: 12)
        histogram.add((0..<200_000).map { _ in -log(Float.random(in: Float.leastNormalMagnitude...1, using: &random)) })
        let range = CalibrationMethod.mse.range(of: histogram)
        #expect(range.lowerBound == 0)
        #expect(range.upperBound > 3 && range.upperBound < 0.9 * histogram.maximum)
    }

    @Test func zeroPointMapsZeroExactly() {
        for range in [Float(-1)...3, 0...6, -5...0, -0.3...0.2] {
            let (scale, zeroPoint) = Quantizer.quantization(of: range)
            #expect((-128...127).contains(zeroPoint))
            #expect(scale * Float(-128 - zeroPoint) <= range.lowerBound + scale)
            #expect(scale * Float(127 - zeroPoint) >= range.upperBound - scale)
        }
    }
}

/// int16 activations: the same ops with 256 times finer steps, weights still int8.
@Suite struct Int16ActivationTests {
    private func report(_ activationType: ActivationType, method: CalibrationMethod) throws -> QuantizationReport {
        let quantization = try PostTrainingQuantization(graph: try SmallGraphs.everyOperation(),
                                                        images: SmallGraphs.images(count: 64), calibrationSource: "test",
                                                        activationType: activationType)
        let (model, tensorOfNode) = try quantization.model(method: method)
        #expect(model.tensors.allSatisfy { $0.elementType == activationType })
        return try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensorOfNode,
                                              images: SmallGraphs.images(count: 32, seed: 9))
    }

    /// With activation rounding gone, only the int8 weights' error (about 40-45 dB per layer here)
    /// is left; int8 activations lose several dB more on every layer after the first.
    @Test func followsFloatCloserThanInt8() throws {
        let int16 = try report(.int16, method: .minMax), int8 = try report(.int8, method: .mse)
        #expect(int16.layers.map(\.name) == int8.layers.map(\.name))
        for (wide, narrow) in zip(int16.layers, int8.layers) {
            #expect(wide.zeroPoint == 0)
            // The logits (the last layer) are small differences of large sums: lower SQNR for both.
            #expect(wide.sqnr > (wide.name == int16.layers.last?.name ? 28 : 38), "\(wide.name): int16 SQNR \(wide.sqnr) dB")
            #expect(wide.sqnr > narrow.sqnr - 1, "\(wide.name): int16 \(wide.sqnr) dB, int8 \(narrow.sqnr) dB")
        }
        let mean = { (layers: [QuantizationReport.Layer]) in layers.map(\.sqnr).reduce(0, +) / Double(layers.count) }
        #expect(mean(int16.layers) > mean(int8.layers) + 3, "int16 \(mean(int16.layers)) dB, int8 \(mean(int8.layers)) dB")
        #expect(int16.agreement >= int8.agreement)
    }

    /// MobileNetV3's pattern (hard swish, a squeeze-and-excitation gate through a hard sigmoid,
    /// a sigmoid, a same-shape multiply) quantized with either activation type: every layer follows
    /// float, and every lookup table entry is its function at the input code, rounded to the nearest
    /// output code (int16: at the table's knots).
    @Test(arguments: ActivationType.allCases) func lookupsAndMultipliesFollowFloat(activations: ActivationType) throws {
        var random = SeededGenerator(seed: 31)
        func values(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { _ in Float.random(in: -scale...scale, using: &random) } }
        var builder = GraphBuilder(inputShape: TensorShape(height: 8, width: 8, channels: 1))
        let conv = try builder.append("conv", .conv2D(Conv2D(
            window: Window(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .valid),
            outputChannels: 6, weights: values(54, 1.5), bias: values(6, 0.5), activation: .none)), inputs: [0])
        let swish = try builder.append("swish", .pointwise(.hardSwish), inputs: [conv])
        let pool = try builder.append("pool", .globalAveragePool, inputs: [swish])
        let squeeze = try builder.append("squeeze", .conv2D(Conv2D(
            window: Window(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            outputChannels: 6, weights: values(36, 2), bias: values(6, 1), activation: .none)), inputs: [pool])
        let gate = try builder.append("gate", .pointwise(.hardSigmoid(alpha: 1.0 / 6, beta: 0.5)), inputs: [squeeze])
        let gated = try builder.append("gated", .multiply, inputs: [swish, gate])
        let sigmoid = try builder.append("sigmoid", .pointwise(.sigmoid), inputs: [gated])
        let square = try builder.append("square", .multiply, inputs: [sigmoid, gated])
        let flat = try builder.append("flatten", .flatten, inputs: [square])
        let dense = try builder.append("dense", .dense(Dense(outputCount: 3, weights: values(3 * 216, 0.3), bias: values(3, 0.1),
                                                              activation: .none)), inputs: [flat])
        let graph = try builder.build(output: dense, preprocessing: .symmetricUnit, labels: [], provenance: "test")
        let quantization = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 64, height: 8, width: 8),
                                                        calibrationSource: "test", activationType: activations)
        let (model, tensorOfNode) = try quantization.model(method: .minMax, biasCorrection: false)
        #expect(Set(model.operations.map(\.kind)).isSuperset(of: ["hard_swish", "hard_sigmoid", "sigmoid", "multiply"]))
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensorOfNode,
                                                    images: SmallGraphs.images(count: 32, height: 8, width: 8, seed: 9))
        for layer in report.layers {
            #expect(layer.cosine > 0.995, "\(layer.name) (\(layer.kind)): cosine \(layer.cosine)")
            #expect(layer.sqnr > (activations == .int8 ? 20 : 30), "\(layer.name) (\(layer.kind)): SQNR \(layer.sqnr) dB")
        }
        let functions: [String: PointwiseFunction] = ["hard_swish": .hardSwish, "sigmoid": .sigmoid,
                                                      "hard_sigmoid": .hardSigmoid(alpha: 1.0 / 6, beta: 0.5)]
        var checked = 0
        for case .lookup(let op) in model.operations {
            let function = try #require(functions[op.function])
            let x = model.tensors[op.input], y = model.tensors[op.output]
            for (index, entry) in op.table.enumerated() {
                let code = activations == .int8 ? Int32(index) - 128 : Int32(index * 128 - 32768)
                let exact = function.apply(Double(x.scale) * Double(code - x.zeroPoint)) / Double(y.scale) + Double(y.zeroPoint)
                let clamped = min(max(exact, Double(activations.minimum)), Double(activations.maximum))
                #expect(abs(Double(entry) - clamped) <= 0.5 + 1e-6, "\(op.function) entry \(index): \(entry) for \(clamped)")
            }
            checked += 1
        }
        #expect(checked == 3)
    }

    /// A lookup and a multiply read by 576-term sums write narrowed codes like a conv: the table's
    /// entries and the multiply's clamp stay within +-B, so the validator proves the sums fit.
    @Test func lookupAndMultiplyReadByLongSumsStayWithinTheirNarrowedCodes() throws {
        var builder = GraphBuilder(inputShape: TensorShape(height: 7, width: 7, channels: 1))
        var rng = SeededGenerator(seed: 577)
        func values(_ count: Int, _ scale: Float) -> [Float] { (0..<count).map { _ in Float.random(in: -scale...scale, using: &rng) } }
        func long(_ name: String, _ input: NodeID) throws -> NodeID {
            try builder.append(name, .conv2D(Conv2D(
                window: Window(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .valid),
                outputChannels: 4, weights: values(4 * 9 * 64, 0.1), bias: values(4, 0.1), activation: .none)), inputs: [input])
        }
        let wide = try builder.append("wide", .conv2D(Conv2D(
            window: Window(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            outputChannels: 64, weights: values(64, 3), bias: values(64, 0.5), activation: .none)), inputs: [0])
        let swish = try builder.append("swish", .pointwise(.hardSwish), inputs: [wide])
        let square = try builder.append("square", .multiply, inputs: [swish, swish])
        let sum = try builder.append("sum", .add(.none), inputs: [try long("long_a", swish), try long("long_b", square)])
        let graph = try builder.build(output: sum, preprocessing: .symmetricUnit, labels: [], provenance: "test")
        let quantization = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 16, height: 7, width: 7),
                                                        calibrationSource: "test", activationType: .int16)
        let (model, tensorOfNode) = try quantization.model(method: .minMax, biasCorrection: false, refineRanges: false)
        try model.validate()
        let codes = model.largestCodes()
        let lookups = model.operations.compactMap { if case .lookup(let op) = $0 { return op } else { return nil } }
        let multiplies = model.operations.compactMap { if case .multiply(let op) = $0 { return op } else { return nil } }
        let lookup = try #require(lookups.first), multiply = try #require(multiplies.first)
        #expect(lookup.output == tensorOfNode[swish] && multiply.output == tensorOfNode[square])
        for tensor in [lookup.output, multiply.output] {
            #expect(codes[tensor] < 29_400, "tensor \(tensor): codes within \(codes[tensor]), not narrowed")
            #expect(576 * codes[tensor] * 127 < Int64(Int32.max), "tensor \(tensor): B = \(codes[tensor])")
        }
        #expect(lookup.table.allSatisfy { Int64(abs(Int32($0))) <= codes[lookup.output] })
        #expect(multiply.activationMax == -multiply.activationMin && Int64(multiply.activationMax) == codes[multiply.output])
    }

    /// 3x3 over 64 channels is 576 terms per sum: with full int16 codes int32 could overflow, so
    /// the tensor it reads (through a max pool) is narrowed to B codes with 576 x B x 127 + bias
    /// < 2^31; the other tensors keep full codes, the report says which got what, and the result
    /// still follows float far closer than int8 activations.
    @Test func narrowsTheInputOfSumsTooLongForFullInt16Codes() throws {
        var builder = GraphBuilder(inputShape: TensorShape(height: 7, width: 7, channels: 1))
        var rng = SeededGenerator(seed: 576)
        let wide = try builder.append("wide", .conv2D(Conv2D(
            window: Window(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            outputChannels: 64, weights: (0..<64).map { _ in Float.random(in: -1...1, using: &rng) },
            bias: (0..<64).map { _ in Float.random(in: -0.2...0.2, using: &rng) }, activation: .relu)), inputs: [0])
        let pool = try builder.append("pool", .maxPool(Window(kernelHeight: 2, kernelWidth: 2, strideHeight: 1, strideWidth: 1,
                                                             padding: .valid)), inputs: [wide])
        let long = try builder.append("long_sum", .conv2D(Conv2D(
            window: Window(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .valid),
            outputChannels: 4, weights: (0..<(4 * 9 * 64)).map { _ in Float.random(in: -0.1...0.1, using: &rng) },
            bias: [0.1, -0.2, 0.3, 0], activation: .none)), inputs: [pool])
        let graph = try builder.build(output: long, preprocessing: .symmetricUnit, labels: [], provenance: "test")
        let images = SmallGraphs.images(count: 16, height: 7, width: 7)
        func report(_ type: ActivationType) throws -> (QuantizedModel, QuantizationReport) {
            let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test",
                                                            activationType: type)
            let (model, tensorOfNode) = try quantization.model(method: .minMax, biasCorrection: false, refineRanges: false)
            return (model, try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensorOfNode,
                                                          images: images))
        }
        let (model, int16) = try report(.int16)
        let (_, int8) = try report(.int8)
        try model.validate()
        guard case .conv2D(let wideOp) = model.operations[0], case .conv2D(let longOp) = model.operations[2] else {
            Issue.record("expected conv, pool, conv: \(model.operations.map(\.kind))"); return
        }
        let bound = Int64(wideOp.requantization.activationMax)
        let largestBias = Int64(longOp.bias.map(\.magnitude).max() ?? 0)
        #expect(576 * bound * 127 + largestBias < Int64(Int32.max), "B = \(bound), bias \(largestBias)")
        #expect(bound > 29_000 && bound < 29_360, "B = \(bound): as wide as the biases leave room for")
        #expect(wideOp.requantization.activationMin == 0, "ReLU keeps its lower clamp")
        #expect(model.largestCodes()[longOp.input] == bound, "the pool's codes are the conv's")
        #expect(longOp.requantization.activationMin == -32768, "the last layer keeps full int16 codes")
        let precision = "int16 +-\(bound) (15.8 bits)"
        #expect(int16.layers.map(\.precision) == [precision, precision, "int16"])
        #expect(int16.lines.contains { $0.hasPrefix("wide") && $0.contains(precision) }, "\(int16.lines)")
        for (narrowed, int8Layer) in zip(int16.layers, int8.layers) {
            #expect(narrowed.sqnr > int8Layer.sqnr + 3, "\(narrowed.name): int16 \(narrowed.sqnr) dB, int8 \(int8Layer.sqnr) dB")
        }
    }
}
