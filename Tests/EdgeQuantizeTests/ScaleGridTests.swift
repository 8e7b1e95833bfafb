import EdgeGraph
import EdgeModel
@testable import EdgeQuantize
import EdgeTestSupport
import Testing

@Suite struct ScaleGridTests {
    @Test func snapsUpByLessThanTheGridStep() {
        var random = SeededGenerator(seed: 31)
        for _ in 0..<10_000 {
            let scale = Float.random(in: 1e-6...10, using: &random)
            let snapped = ScaleGrid.snapUp(scale)
            #expect(snapped >= scale)
            #expect(snapped - scale < scale / 256)
            #expect(ScaleGrid.snapUp(snapped) == snapped)
            // 8 fraction bits: the low 15 of binary32's 23 significand bits are zero.
            #expect(snapped.significandBitPattern & 0x7FFF == 0)
        }
        #expect(ScaleGrid.snapUp(0.5) == 0.5)
        #expect(ScaleGrid.snapUp(0) == 0)
    }

    /// Keras and tf2onnx give the same network with weights that differ in their last bits; the
    /// int8 models must come out identical (same weights, scales, zero points, multipliers,
    /// biases), with bias correction and range refinement on.
    @Test func lastBitNoiseInTheWeightsGivesTheSameModel() throws {
        let graph = try SmallGraphs.everyOperation(seed: 7)
        var noisy = graph
        var random = SeededGenerator(seed: 8)
        func jitter(_ values: [Float]) -> [Float] {
            values.map { Bool.random(using: &random) ? $0.nextUp : $0.nextDown }
        }
        for id in noisy.nodes.indices {
            switch noisy.nodes[id].operation {
            case .conv2D(var conv): conv.weights = jitter(conv.weights); conv.bias = jitter(conv.bias); noisy.nodes[id].operation = .conv2D(conv)
            case .depthwiseConv2D(var conv): conv.weights = jitter(conv.weights); conv.bias = jitter(conv.bias); noisy.nodes[id].operation = .depthwiseConv2D(conv)
            case .dense(var dense): dense.weights = jitter(dense.weights); dense.bias = jitter(dense.bias); noisy.nodes[id].operation = .dense(dense)
            default: break
            }
        }
        #expect(noisy != graph)
        let images = SmallGraphs.images(count: 64, seed: 3)
        func model(_ graph: Graph) throws -> QuantizedModel {
            try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test").model(method: .mse).model
        }
        let a = try model(graph), b = try model(noisy)
        #expect(a.tensors.map(\.scale) == b.tensors.map(\.scale))
        #expect(a.tensors.map(\.zeroPoint) == b.tensors.map(\.zeroPoint))
        for (x, y) in zip(a.operations, b.operations) {
            #expect(x.weighted?.weights == y.weighted?.weights)
            #expect(x.weighted?.requantization == y.weighted?.requantization)
            #expect(x.weighted?.bias == y.weighted?.bias)
        }
        #expect(a.operations == b.operations)
    }
}
