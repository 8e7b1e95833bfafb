import EdgeGraph
import EdgeInference
import EdgeModel
import Foundation
@testable import EdgeQuantize
import Testing

@Suite struct RangeRefinementTests {
    @Test func marginErrorCountsOnlyTheDecisiveMargin() {
        let target: [Float] = [0.5, 2.0, 1.8, -3]
        #expect(RangeRefinement.marginError(target, target: target) == 0)
        // The same shift on every logit, or any change to a class that is neither of the top two.
        #expect(RangeRefinement.marginError(target.map { $0 + 0.7 }, target: target) < 1e-12)
        #expect(RangeRefinement.marginError([1.5, 2.0, 1.8, -1], target: target) == 0)
        // Closing the 0.2 margin by 0.3 (a flip) costs 0.3^2 weighted by e^(-0.2 / 0.5).
        let flipped = RangeRefinement.marginError([0.5, 1.9, 2.0, -3], target: target)
        #expect(abs(flipped - 0.09 * exp(-0.2 / RangeRefinement.marginScale)) < 1e-6)
        // The same error on an image far from a tie weighs less.
        let confident: [Float] = [0.5, 4.0, 1.8, -3]
        #expect(RangeRefinement.marginError([0.5, 3.7, 1.8, -3], target: confident) < flipped)
    }

    /// The refined ranges measure the error the refinement reports, no more than the start's,
    /// and only tensors the quantizer ranges change.
    @Test func refinementLowersTheMeasuredError() throws {
        let graph = try SmallGraphs.everyOperation(seed: 5)
        let images = SmallGraphs.images(count: 48, seed: 6)
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test")
        let start = quantization.ranges(.minMax)
        func build(_ ranges: [ClosedRange<Float>]) throws(QuantizeError) -> QuantizedModel {
            try Quantizer.quantize(quantization.graph, ranges: ranges, calibration: "test").model
        }
        let outcome = try RangeRefinement.refine(reference: quantization.graph, ranges: start, images: images,
                                                 kernels: .reference, threads: 2, build: build)
        let targets = try RangeRefinement.floatLogits(quantization.graph, images: images)
        let before = try RangeRefinement.logitError(build(start), images: images, targets: targets, kernels: .reference, threads: 1)
        let after = try RangeRefinement.logitError(build(outcome.ranges), images: images, targets: targets, kernels: .reference, threads: 3)
        #expect(before == outcome.errorBefore)
        #expect(after == outcome.errorAfter)
        #expect(after <= before)
        let tuned = Set(RangeRefinement.tunedNodes(quantization.graph))
        #expect(Set(outcome.changedNodes).isSubset(of: tuned))
        for node in quantization.graph.nodes.indices where !outcome.changedNodes.contains(node) {
            #expect(outcome.ranges[node] == start[node])
        }
    }

    /// Bias corrections moved into the float graph come back when it is quantized again.
    @Test func biasCorrectionsSurviveAsFloatBiases() throws {
        let graph = try SmallGraphs.everyOperation(seed: 3)
        let images = SmallGraphs.images(count: 64, seed: 4)
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test")
        let ranges = quantization.ranges(.mse)
        let (plain, tensorOfNode) = try Quantizer.quantize(quantization.graph, ranges: ranges, calibration: "test")
        let corrected = try BiasCorrection.apply(to: plain, graph: quantization.graph, tensorOfNode: tensorOfNode, images: images)
        #expect(corrected != plain)
        let carrying = BiasCorrection.graph(quantization.graph, carrying: corrected, from: plain, tensorOfNode: tensorOfNode)
        let again = try Quantizer.quantize(carrying, ranges: ranges, calibration: "test").model
        for (x, y) in zip(again.operations, corrected.operations) {
            guard let x = x.weighted, let y = y.weighted else { continue }
            for (a, b) in zip(x.bias, y.bias) { #expect(abs(Int(a) - Int(b)) <= 1) }
        }
    }
}
