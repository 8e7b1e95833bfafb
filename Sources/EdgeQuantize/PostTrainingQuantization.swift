import EdgeGraph
import EdgeModel

/// The whole conversion: calibration statistics from the float graph, ranges by a calibration
/// method, the int8 model. Keep the statistics to try several methods without re-running the
/// float graph.
public struct PostTrainingQuantization {
    public let graph: Graph
    public let statistics: CalibrationStatistics
    public let calibrationSource: String

    /// Runs the float graph on `images` (8-bit pixels at the graph's input size).
    public init(
        graph: Graph, images: [[UInt8]], calibrationSource: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) {
        guard !images.isEmpty else { throw QuantizeError("calibration needs at least one image") }
        guard graph.inputShape.channels == 1 else {
            throw QuantizeError("the model takes \(graph.inputShape.channels) input channels; only gray (1-channel) models are supported")
        }
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
        statistics = CalibrationStatistics.collect(executor: executor, images: images, progress: progress)
    }

    public func model(method: CalibrationMethod) throws(QuantizeError) -> (model: QuantizedModel, tensorOfNode: [TensorID?]) {
        try Quantizer.quantize(
            graph, ranges: statistics.ranges(method),
            calibration: "\(method.rawValue) over \(statistics.imageCount) images from \(calibrationSource)")
    }
}
