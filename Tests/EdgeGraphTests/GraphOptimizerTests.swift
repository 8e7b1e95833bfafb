import EdgeGraph
import EdgeModel
import EdgeTestSupport
import Testing

/// The optimizer must not change outputs (beyond float rounding) and must remove what it folds.
@Suite struct GraphOptimizerTests {
    private var random = SeededGenerator(seed: 42)

    private mutating func values(_ count: Int, _ range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &random) }
    }

    private mutating func norm(_ channels: Int) -> BatchNormalization {
        BatchNormalization(gamma: values(channels, 0.5...1.5), beta: values(channels), mean: values(channels),
                           variance: values(channels, 0.2...2), epsilon: 1e-3)
    }

    private func window(_ k: Int, _ s: Int, _ input: TensorShape) -> Window {
        Window(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s,
               padding: .same(input: input, kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s))
    }

    /// conv -> bn -> relu, depthwise -> bn -> relu6, a conv feeding both a bn and an add (bn must stay),
    /// add -> relu, linear activation, flatten of a vector, dense -> bn, softmax.
    private mutating func makeGraph() throws -> Graph {
        let input = TensorShape(height: 9, width: 8, channels: 3)
        var b = GraphBuilder(inputShape: input)
        let conv = try b.append("conv", .conv2D(Conv2D(window: window(3, 2, input), outputChannels: 4,
            weights: values(4 * 9 * 3), bias: values(4), activation: .none)), inputs: [0])
        let bn1 = try b.append("bn1", .batchNormalization(norm(4)), inputs: [conv])
        let relu = try b.append("relu", .activation(.relu), inputs: [bn1])
        let dw = try b.append("dw", .depthwiseConv2D(DepthwiseConv2D(window: window(3, 1, b.shape(of: relu)),
            depthMultiplier: 2, weights: values(9 * 8), bias: values(8), activation: .none)), inputs: [relu])
        let bn2 = try b.append("bn2", .batchNormalization(norm(8)), inputs: [dw])
        let relu6 = try b.append("relu6", .activation(.relu6), inputs: [bn2])
        let shared = try b.append("shared", .conv2D(Conv2D(window: window(1, 1, b.shape(of: relu6)), outputChannels: 8,
            weights: values(8 * 8), bias: values(8), activation: .none)), inputs: [relu6])
        let bn3 = try b.append("bn3", .batchNormalization(norm(8)), inputs: [shared])
        let add = try b.append("add", .add(.none), inputs: [shared, bn3])
        let addRelu = try b.append("add_relu", .activation(.relu), inputs: [add])
        let linear = try b.append("linear", .activation(.none), inputs: [addRelu])
        let gap = try b.append("gap", .globalAveragePool, inputs: [linear])
        let flat = try b.append("flatten", .flatten, inputs: [gap])
        let dense = try b.append("dense", .dense(Dense(outputCount: 5, weights: values(5 * 8), bias: values(5),
                                                       activation: .none)), inputs: [flat])
        let bn4 = try b.append("bn4", .batchNormalization(norm(5)), inputs: [dense])
        let softmax = try b.append("softmax", .softmax, inputs: [bn4])
        return try b.build(output: softmax, preprocessing: .unit, labels: [], provenance: "test")
    }

    @Test mutating func optimizedGraphComputesTheSame() throws {
        let graph = try makeGraph()
        let optimized = try GraphOptimizer.optimize(graph)
        let kinds = optimized.nodes.map(\.operation.kind)
        #expect(kinds == ["input", "conv2d", "depthwise_conv2d", "conv2d", "batch_normalization", "add",
                          "global_average_pool", "dense", "softmax"])
        let before = try FloatExecutor(graph: graph)
        let after = try FloatExecutor(graph: optimized)
        for _ in 0..<5 {
            let input = values(graph.inputShape.elementCount, -2...2)
            // The add (after fused relu), the dense with folded bn (logits) and the softmax.
            let expected = before.runAll(input)
            let actual = after.runAll(input)
            for (old, new) in [(10, 5), (15, 7), (16, 8)] {
                for (e, a) in zip(expected[old], actual[new]) {
                    #expect(abs(e - a) <= 1e-5 * max(1, abs(e)), "node \(graph.nodes[old].name)")
                }
            }
        }
    }

    @Test mutating func outputProducerIsNotFused() throws {
        let input = TensorShape(height: 2, width: 2, channels: 1)
        var b = GraphBuilder(inputShape: input)
        let conv = try b.append("conv", .conv2D(Conv2D(window: window(1, 1, input), outputChannels: 1,
            weights: [2], bias: [-1], activation: .none)), inputs: [0])
        _ = try b.append("dangling_relu", .activation(.relu), inputs: [conv])
        let graph = try b.build(output: conv, preprocessing: .unit, labels: [], provenance: "test")
        let optimized = try GraphOptimizer.optimize(graph)
        let out = try FloatExecutor(graph: optimized).run([0, 1, 0, 1])
        #expect(out == [-1, 1, -1, 1])
    }
}
