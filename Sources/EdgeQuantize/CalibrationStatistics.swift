import EdgeGraph

/// Every node's output distribution over a set of calibration images, from the float executor.
public struct CalibrationStatistics: Sendable {
    /// One histogram per graph node, indexed by `NodeID`.
    public private(set) var histograms: [ActivationHistogram]
    public private(set) var imageCount = 0
    /// Per node, the smallest over the images of the node's largest output value: for the logits
    /// of a classifier, how low the winning class's logit ever goes.
    public private(set) var smallestMaximum: [Float]

    public init(nodeCount: Int) {
        histograms = [ActivationHistogram](repeating: ActivationHistogram(), count: nodeCount)
        smallestMaximum = [Float](repeating: .infinity, count: nodeCount)
    }

    /// Runs `executor` on each image (8-bit pixels at the graph's input size) and records every
    /// node's output. `progress(done, total)` is called after each image.
    public static func collect(
        executor: FloatExecutor, images: [[UInt8]], progress: (Int, Int) -> Void = { _, _ in }
    ) -> CalibrationStatistics {
        var statistics = CalibrationStatistics(nodeCount: executor.graph.nodes.count)
        for (index, pixels) in images.enumerated() {
            statistics.add(executor.runAll(executor.preprocess(pixels)))
            progress(index + 1, images.count)
        }
        return statistics
    }

    public mutating func add(_ nodeOutputs: [[Float]]) {
        precondition(nodeOutputs.count == histograms.count, "one output per node")
        for (node, values) in nodeOutputs.enumerated() {
            histograms[node].add(values)
            if let largest = values.max() { smallestMaximum[node] = min(smallestMaximum[node], largest) }
        }
        imageCount += 1
    }

    /// The largest |value| of each channel of each node's output over `images`.
    public static func channelMaxima(executor: FloatExecutor, images: [[UInt8]]) -> [[Float]] {
        var maxima = executor.graph.nodes.map { [Float](repeating: 0, count: $0.outputShape.channels) }
        for pixels in images {
            for (node, values) in executor.runAll(executor.preprocess(pixels)).enumerated() {
                let channels = maxima[node].count
                maxima[node].withUnsafeMutableBufferPointer { channelMaxima in
                    for (index, value) in values.enumerated() {
                        channelMaxima[index % channels] = max(channelMaxima[index % channels], abs(value))
                    }
                }
            }
        }
        return maxima
    }

    /// The range `method` chooses for every node.
    public func ranges(_ method: CalibrationMethod) -> [ClosedRange<Float>] {
        histograms.map(method.range(of:))
    }
}
