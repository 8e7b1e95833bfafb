import EdgeGraph

/// Rewrites "depthwise conv without activation -> 1x1 conv" (a separable convolution) into one
/// conv with the depthwise window: both are linear, so filter o's tap (y, x, i) is
/// pointwise[o][i] * depthwise[y][x][i] and its bias pointwise bias[o] + sum_i pointwise[o][i] *
/// depthwise bias[i]. Same function in float (up to rounding), one int8 rounding step fewer: the
/// depthwise output, the noisiest tensor of such a block (a per-tensor scale over a wide,
/// heavy-tailed distribution), is never quantized. The price is compute: k*k*Cin*Cout
/// multiply-adds per position instead of k*k*Cin + Cin*Cout.
public enum SeparableFolding {
    /// `select(depthwise node id)` picks which separable blocks to fold (default: all).
    public static func fold(_ graph: Graph, select: (NodeID) -> Bool = { _ in true }) -> Graph {
        var nodes = graph.nodes
        var removed = Set<NodeID>()
        for (id, node) in graph.nodes.enumerated() {
            guard case .depthwiseConv2D(let depthwise) = node.operation, depthwise.activation == .none,
                  depthwise.depthMultiplier == 1, id != graph.output, select(id) else { continue }
            let readers = graph.consumers(of: id)
            guard readers.count == 1, case .conv2D(let pointwise) = graph.nodes[readers[0]].operation,
                  pointwise.window.kernelHeight == 1, pointwise.window.kernelWidth == 1,
                  pointwise.window.strideHeight == 1, pointwise.window.strideWidth == 1,
                  pointwise.window.padding == .valid, graph.nodes[readers[0]].inputs == [id]
            else { continue }
            let inputs = node.outputShape.channels
            let taps = depthwise.window.kernelHeight * depthwise.window.kernelWidth
            var weights = [Float](repeating: 0, count: pointwise.outputChannels * taps * inputs)
            var bias = pointwise.bias
            for o in 0..<pointwise.outputChannels {
                var shift = Double(0)
                for i in 0..<inputs {
                    let p = pointwise.weights[o * inputs + i]
                    shift += Double(p) * Double(depthwise.bias[i])
                    for tap in 0..<taps {
                        weights[(o * taps + tap) * inputs + i] = p * depthwise.weights[tap * inputs + i]
                    }
                }
                bias[o] += Float(shift)
            }
            nodes[readers[0]].operation = .conv2D(Conv2D(
                window: depthwise.window, outputChannels: pointwise.outputChannels, weights: weights, bias: bias,
                activation: pointwise.activation))
            nodes[readers[0]].inputs = node.inputs
            nodes[readers[0]].name = "\(node.name)+\(graph.nodes[readers[0]].name)"
            removed.insert(id)
        }
        guard !removed.isEmpty else { return graph }
        // Drop the folded depthwise nodes and renumber (no reader refers to them any more).
        var newID = [NodeID](repeating: -1, count: nodes.count)
        var kept: [Node] = []
        for (id, node) in nodes.enumerated() where !removed.contains(id) {
            newID[id] = kept.count
            var node = node
            node.inputs = node.inputs.map { newID[$0] }
            kept.append(node)
        }
        return Graph(inputShape: graph.inputShape, preprocessing: graph.preprocessing, labels: graph.labels,
                     nodes: kept, output: newID[graph.output], provenance: graph.provenance)
    }
}
