import EdgeGraph
import EdgeModel
import Foundation
import Testing

/// Hand-computed cases for each kernel; the Keras goldens in EdgeKerasImportTests cover whole models.
@Suite struct FloatExecutorTests {
    private func graph(_ input: TensorShape, _ build: (inout GraphBuilder) throws -> NodeID) throws -> Graph {
        var builder = GraphBuilder(inputShape: input)
        let output = try build(&builder)
        return try builder.build(output: output, preprocessing: .unit, labels: [], provenance: "test")
    }

    private func window(_ k: Int, _ s: Int, _ padding: Padding) -> Window {
        Window(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padding: padding)
    }

    @Test func maxPoolIgnoresSamePadding() throws {
        let shape = TensorShape(height: 3, width: 3, channels: 1)
        let pad = Padding.same(input: shape, kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
        let g = try graph(shape) { try $0.append("pool", .maxPool(window(2, 2, pad)), inputs: [0]) }
        // All negative: a zero-padded pool would return 0 on the padded border.
        let out = try FloatExecutor(graph: g).run([-9, -8, -7, -6, -5, -4, -3, -2, -1])
        #expect(out == [-5, -4, -2, -1])
    }

    @Test func averagePoolDividesByValidCount() throws {
        let shape = TensorShape(height: 3, width: 3, channels: 1)
        let pad = Padding.same(input: shape, kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
        let g = try graph(shape) { try $0.append("pool", .averagePool(window(2, 2, pad)), inputs: [0]) }
        let out = try FloatExecutor(graph: g).run([1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(out == [3, 4.5, 7.5, 9])
    }

    @Test func convolutionWithSamePaddingAndTwoOutputs() throws {
        let shape = TensorShape(height: 2, width: 2, channels: 1)
        let pad = Padding.same(input: shape, kernelHeight: 2, kernelWidth: 2, strideHeight: 1, strideWidth: 1)
        #expect(pad == Padding(top: 0, left: 0, bottom: 1, right: 1))
        // OHWI: output 0 sums the 2x2 window, output 1 takes the top-left tap times -1, bias 10.
        let conv = Conv2D(window: window(2, 1, pad), outputChannels: 2,
                          weights: [1, 1, 1, 1, -1, 0, 0, 0], bias: [0, 10], activation: .none)
        let g = try graph(shape) { try $0.append("conv", .conv2D(conv), inputs: [0]) }
        let out = try FloatExecutor(graph: g).run([1, 2, 3, 4])
        #expect(out == [10, 9, 6, 8, 7, 7, 4, 6])
    }

    @Test func depthwiseMultiplierReadsItsInputChannel() throws {
        let shape = TensorShape(height: 1, width: 2, channels: 2)
        // 1x2 kernel, valid, multiplier 2: HWC weights [kx][c * 2 + m].
        let w = Window(kernelHeight: 1, kernelWidth: 2, strideHeight: 1, strideWidth: 1, padding: .valid)
        let conv = DepthwiseConv2D(window: w, depthMultiplier: 2,
                                   weights: [1, 2, 3, 4, 5, 6, 7, 8], bias: [0, 0, 0, 100], activation: .relu)
        let g = try graph(shape) { try $0.append("dw", .depthwiseConv2D(conv), inputs: [0]) }
        // pixels (a0, b0) = (1, -1), (a1, b1) = (2, -2)
        let out = try FloatExecutor(graph: g).run([1, -1, 2, -2])
        // ch0 = 1*1 + 2*5 = 11, ch1 = 1*2 + 2*6 = 14, ch2 = -3 - 14 -> relu 0, ch3 = -4 - 16 + 100 = 80
        #expect(out == [11, 14, 0, 80])
    }

    @Test func batchNormDenseSoftmaxAndRunAll() throws {
        let shape = TensorShape(height: 1, width: 2, channels: 1)
        let g = try graph(shape) { b in
            let norm = try b.append("bn", .batchNormalization(BatchNormalization(
                gamma: [2], beta: [1], mean: [3], variance: [3.99], epsilon: 0.01)), inputs: [0])
            let flat = try b.append("flat", .flatten, inputs: [norm])
            let dense = try b.append("dense", .dense(Dense(outputCount: 2, weights: [1, 0, 0, 1], bias: [0, 0],
                                                           activation: .relu6)), inputs: [flat])
            return try b.append("softmax", .softmax, inputs: [dense])
        }
        let all = try FloatExecutor(graph: g).runAll([5, 13])
        #expect(all.count == 4 + 1)
        #expect(all[1] == [3, 11]) // (x - 3) / 2 * 2 + 1
        #expect(all[3] == [3, 6])
        let e: Float = 6 - 3
        #expect(abs(all[4][1] - 1 / (1 + Foundation.exp(-e))) < 1e-6)
        #expect(abs(all[4].reduce(0, +) - 1) < 1e-6)
    }

    @Test func addFusesActivationAndPixelsArePreprocessed() throws {
        let shape = TensorShape(height: 1, width: 1, channels: 3)
        var g = try graph(shape) { b in
            let relu = try b.append("relu", .activation(.relu), inputs: [0])
            return try b.append("add", .add(.relu6), inputs: [0, relu])
        }
        g.preprocessing = .symmetricUnit
        let out = try FloatExecutor(graph: g).run(pixels: [0, 255, 204])
        #expect(abs(out[0] - 0) < 1e-6)       // -1 + 0 -> relu6 0
        #expect(abs(out[1] - 2) < 1e-6)       // 1 + 1
        #expect(abs(out[2] - 1.2) < 1e-5)     // 0.6 + 0.6
    }

    @Test func rejectsInconsistentGraphs() throws {
        let shape = TensorShape(height: 2, width: 2, channels: 1)
        var g = try graph(shape) { try $0.append("gap", .globalAveragePool, inputs: [0]) }
        g.nodes[1].outputShape = .vector(4)
        #expect(throws: GraphError.self) { try FloatExecutor(graph: g) }
        g.nodes[1].outputShape = .vector(1)
        g.nodes[1].inputs = [1]
        #expect(throws: GraphError.self) { try FloatExecutor(graph: g) }
    }
}
