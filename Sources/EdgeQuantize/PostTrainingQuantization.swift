import EdgeGraph
import EdgeModel

/// The whole conversion: calibration statistics from the float graph, ranges by a calibration
/// method, the int8 model. Keep the statistics to try several methods without re-running the
/// float graph.
public struct PostTrainingQuantization {
    /// The graph as quantized (after `PoolingFolding`): the report compares against it.
    public let graph: Graph
    public let statistics: CalibrationStatistics
    public let calibrationSource: String
    /// The calibration images, kept for bias correction.
    public let images: [[UInt8]]

    /// Runs the float graph on `images` (8-bit pixels at the graph's input size).
    public init(
        graph: Graph, images: [[UInt8]], calibrationSource: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) {
        guard !images.isEmpty else { throw QuantizeError("calibration needs at least one image") }
        let graph = PoolingFolding.fold(graph)
        let executor: FloatExecutor
        do {
            executor = try FloatExecutor(graph: graph)
        } catch {
            throw QuantizeError("the float graph cannot run: \(error)")
        }
        for (index, image) in images.enumerated() where image.count != graph.inputShape.elementCount {
            throw QuantizeError("calibration image \(index) has \(image.count) pixels, the model takes \(graph.inputShape)")
        }
        self.graph = graph
        self.calibrationSource = calibrationSource
        self.images = images
        statistics = CalibrationStatistics.collect(executor: executor, images: images, progress: progress)
    }

    /// The int8 model with `method`'s ranges, then `BiasCorrection` on the calibration images
    /// when `biasCorrection` is set.
    public func model(
        method: CalibrationMethod, biasCorrection: Bool = true, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) -> (model: QuantizedModel, tensorOfNode: [TensorID?]) {
        let correction = biasCorrection ? ", bias correction" : ""
        var (model, tensorOfNode) = try Quantizer.quantize(
            graph, ranges: statistics.ranges(method),
            calibration: "\(method.rawValue) over \(statistics.imageCount) images from \(calibrationSource)\(correction)")
        if biasCorrection {
            model = try BiasCorrection.apply(to: model, graph: graph, tensorOfNode: tensorOfNode, images: images,
                                             progress: progress)
        }
        return (model, tensorOfNode)
    }
}
