import EdgeGraph
import EdgeInference
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
    public let equalizedChannels: Bool
    /// int8, or int16 (`Quantizer`); also decides what `ChannelEqualization` balances.
    public let activationType: ActivationType
    public let foldedSeparable: Bool

    /// Rewrites the graph (`PoolingFolding`; `SeparableFolding` when `foldSeparable`; then, when
    /// `equalizeChannels`, `ChannelEqualization`: of the weight columns for int16 activations, of
    /// the activation ranges on up to 200 of the images for int8) and runs it on `images` (8-bit
    /// pixels at the graph's input size).
    public init(
        graph: Graph, images: [[UInt8]], calibrationSource: String, activationType: ActivationType = .int8,
        equalizeChannels: Bool = true, foldSeparable: Bool = false, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) {
        guard !images.isEmpty else { throw QuantizeError("calibration needs at least one image") }
        for (index, image) in images.enumerated() where image.count != graph.inputShape.elementCount {
            throw QuantizeError("calibration image \(index) has \(image.count) pixels, the model takes \(graph.inputShape)")
        }
        var graph = PoolingFolding.fold(graph)
        if foldSeparable { graph = SeparableFolding.fold(graph) }
        if equalizeChannels, activationType == .int16 {
            graph = ChannelEqualization.equalizeWeightColumns(graph)  // needs no images
        }
        var executor: FloatExecutor
        do {
            executor = try FloatExecutor(graph: graph)
            if equalizeChannels, activationType == .int8 {
                let sample = Swift.stride(from: 0, to: images.count, by: max(1, images.count / 200)).map { images[$0] }
                graph = ChannelEqualization.equalize(
                    graph, channelRanges: CalibrationStatistics.channelMaxima(executor: executor, images: sample))
                executor = try FloatExecutor(graph: graph)
            }
        } catch {
            throw QuantizeError("the float graph cannot run: \(error)")
        }
        self.graph = graph
        self.calibrationSource = calibrationSource
        self.images = images
        self.equalizedChannels = equalizeChannels
        self.activationType = activationType
        foldedSeparable = foldSeparable
        statistics = CalibrationStatistics.collect(executor: executor, images: images, progress: progress)
    }

    /// Logit margin kept below the lowest winning logit seen in calibration.
    public static let logitMargin: Float = 3

    /// `method`'s range for every node, except the logits before a final softmax: only the
    /// classes near the top matter there (the class chosen and, through the softmax, the scores),
    /// so their range runs from the lowest winning logit seen in calibration minus `logitMargin`
    /// to the largest logit. Lower logits clip (their softmax share was below e^-3 of the
    /// winner's and stays so, so scores move little); the int8 step gets finer (0.066 instead of
    /// 0.114 for mini-Xception) and ties between the top two classes, most of the int8/float
    /// disagreements, rarer.
    public func ranges(_ method: CalibrationMethod) -> [ClosedRange<Float>] {
        var ranges = statistics.ranges(method)
        if graph.nodes[graph.output].operation == .softmax, let logits = graph.nodes[graph.output].inputs.first {
            let histogram = statistics.histograms[logits]
            let low = max(histogram.minimum, min(statistics.smallestMaximum[logits] - Self.logitMargin, 0))
            ranges[logits] = low...max(histogram.maximum, 0)
        }
        return ranges
    }

    /// The quantized model with `method`'s ranges and `activationType` activations, then
    /// `BiasCorrection` on the calibration images when `biasCorrection` is set. With
    /// `refineRanges`, `RangeRefinement` then re-chooses the ranges against the float logits (on
    /// the graph carrying the bias corrections), and the model is quantized again with them and
    /// bias-corrected once more (the second correction only removes what the new ranges shifted).
    /// `refinement` receives the refinement's outcome. Refinement trades clipping against int8
    /// steps, so int16 models skip it.
    public func model(
        method: CalibrationMethod, biasCorrection: Bool = true, refineRanges: Bool = true,
        kernels: KernelTable = .reference, threads: Int = 1,
        progress: (String, Int, Int) -> Void = { _, _, _ in },
        refinement: (RangeRefinement.Outcome) -> Void = { _ in }
    ) throws(QuantizeError) -> (model: QuantizedModel, tensorOfNode: [TensorID?]) {
        let refineRanges = refineRanges && activationType == .int8
        let correction = (activationType == .int16 ? ", int16 activations" : "") + (foldedSeparable ? ", separable convolutions folded" : "")
            + (equalizedChannels ? ", channel equalization" : "") + (biasCorrection ? ", bias correction" : "")
            + (refineRanges ? ", range refinement" : "")
        let description = "\(method.rawValue) over \(statistics.imageCount) images from \(calibrationSource)\(correction)"
        // int16 steps are fine enough for the whole logit range: no clipping of the low logits.
        var ranges = activationType == .int16 ? statistics.ranges(method) : ranges(method)
        var (model, tensorOfNode) = try Quantizer.quantize(graph, ranges: ranges, calibration: description,
                                                           activationType: activationType)
        let uncorrected = model
        if biasCorrection {
            model = try BiasCorrection.apply(to: model, graph: graph, tensorOfNode: tensorOfNode, images: images,
                                             kernels: kernels, progress: { progress("bias correction", $0, $1) })
        }
        guard refineRanges else { return (model, tensorOfNode) }
        let carrying = biasCorrection ? BiasCorrection.graph(graph, carrying: model, from: uncorrected, tensorOfNode: tensorOfNode) : graph
        let outcome = try RangeRefinement.refine(
            reference: graph, ranges: ranges, images: images, kernels: kernels, threads: threads,
            build: { (candidate) throws(QuantizeError) in
                try Quantizer.quantize(carrying, ranges: candidate, calibration: description).model
            },
            progress: { progress("range refinement", $0, $1) })
        refinement(outcome)
        ranges = outcome.ranges
        (model, tensorOfNode) = try Quantizer.quantize(carrying, ranges: ranges, calibration: description)
        if biasCorrection {
            model = try BiasCorrection.apply(to: model, graph: graph, tensorOfNode: tensorOfNode, images: images,
                                             kernels: kernels, progress: { progress("bias correction", $0, $1) })
        }
        return (model, tensorOfNode)
    }
}
