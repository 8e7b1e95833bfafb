import EdgeGraph
@testable import EdgeQuantize
import Testing

@Suite struct SeparableFoldingTests {
    /// SmallGraphs' depthwise (no activation) -> 1x1 conv becomes one 3x3 conv; same outputs.
    @Test func foldingKeepsTheFunction() throws {
        let graph = try SmallGraphs.everyOperation(seed: 4)
        let folded = SeparableFolding.fold(graph)
        #expect(folded.nodes.count == graph.nodes.count - 1)
        #expect(!folded.nodes.contains { if case .depthwiseConv2D = $0.operation { return true } else { return false } })
        let merged = folded.nodes.first { $0.name == "depthwise+pointwise" }
        guard case .conv2D(let conv)? = merged?.operation else {
            Issue.record("no merged conv")
            return
        }
        #expect(conv.window.kernelHeight == 3 && conv.activation == .relu)
        let original = try FloatExecutor(graph: graph), rewritten = try FloatExecutor(graph: folded)
        for pixels in SmallGraphs.images(count: 8) {
            for (a, b) in zip(original.run(pixels: pixels), rewritten.run(pixels: pixels)) { #expect(abs(a - b) < 1e-5) }
        }
        // Nothing selected, nothing changes.
        #expect(SeparableFolding.fold(graph, select: { _ in false }) == graph)
    }

    @Test func foldedGraphQuantizes() throws {
        let graph = try SmallGraphs.everyOperation(seed: 4)
        let images = SmallGraphs.images(count: 32)
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test", foldSeparable: true)
        let (model, tensors) = try quantization.model(method: .mse)
        #expect(!model.operations.contains { $0.kind == "depthwise_conv2d" })
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensors,
                                                    images: SmallGraphs.images(count: 16, seed: 9))
        #expect(report.layers.last!.cosine > 0.995)
    }
}
