import EdgeGraph

/// Rewrites "conv without activation -> global average pool" into "flatten -> dense": both are
/// linear, so the dense weight of input (y, x, c) for output o is the mean over output positions
/// of the conv taps that read (y, x, c). Same function in float (up to rounding), one int8
/// rounding step fewer: the conv's spatial output, quantized at the scale of its widest
/// position, disappears, and the pooled result (the logits in classifiers such as mini-Xception)
/// gets its own, finer range.
public enum PoolingFolding {
    /// The largest dense reduction the rewrite creates (kernel contract: <= 32768).
    public static let maximumInputs = 8192

    public static func fold(_ graph: Graph) -> Graph {
        var nodes = graph.nodes
        var changed = false
        for (id, node) in graph.nodes.enumerated() where node.operation == .globalAveragePool {
            let convID = node.inputs[0]
            guard case .conv2D(let conv) = graph.nodes[convID].operation, conv.activation == .none,
                  graph.consumers(of: convID) == [id], convID != graph.output, graph.nodes[convID].inputs.count == 1
            else { continue }
            let inputID = graph.nodes[convID].inputs[0]
            let input = graph.nodes[inputID].outputShape, output = graph.nodes[convID].outputShape
            guard input.elementCount <= maximumInputs else { continue }
            let window = conv.window
            let taps = window.kernelHeight * window.kernelWidth * input.channels
            let positions = Float(output.height * output.width)
            var weights = [Float](repeating: 0, count: conv.outputChannels * input.elementCount)
            for o in 0..<conv.outputChannels {
                for oy in 0..<output.height {
                    for ox in 0..<output.width {
                        for ky in 0..<window.kernelHeight {
                            let y = oy * window.strideHeight - window.padding.top + ky
                            guard y >= 0, y < input.height else { continue }
                            for kx in 0..<window.kernelWidth {
                                let x = ox * window.strideWidth - window.padding.left + kx
                                guard x >= 0, x < input.width else { continue }
                                for c in 0..<input.channels {
                                    let w = conv.weights[o * taps + (ky * window.kernelWidth + kx) * input.channels + c]
                                    weights[o * input.elementCount + (y * input.width + x) * input.channels + c] += w / positions
                                }
                            }
                        }
                    }
                }
            }
            let name = "\(graph.nodes[convID].name)+\(node.name)"
            // The flatten takes the conv's place and the dense the pool's, so node ids stay valid.
            nodes[convID] = Node(name: name + "/flatten", operation: .flatten, inputs: [inputID],
                                 outputShape: .vector(input.elementCount))
            nodes[id] = Node(name: name, operation: .dense(Dense(outputCount: conv.outputChannels, weights: weights,
                                                                  bias: conv.bias, activation: .none)),
                             inputs: [convID], outputShape: node.outputShape)
            changed = true
        }
        guard changed else { return graph }
        return Graph(inputShape: graph.inputShape, preprocessing: graph.preprocessing, labels: graph.labels,
                     nodes: nodes, output: graph.output, provenance: graph.provenance)
    }
}
