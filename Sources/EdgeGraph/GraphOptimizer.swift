/// Inference-time simplifications that leave the graph's outputs unchanged (up to float rounding):
/// - a `batchNormalization` whose input is a conv, depthwise conv or dense node with no fused
///   activation, and is that node's only consumer, is folded into its weights and bias:
///   w' = w * s, b' = (b - mean) * s + beta with s = gamma / sqrt(variance + epsilon), per
///   output channel; otherwise it stays a node of its own;
/// - a standalone relu/relu6 whose input is a conv, depthwise conv, dense or add node with no
///   fused activation, and is that node's only consumer, becomes the node's fused activation;
/// - nodes that are identities (linear activation, flatten of a 1x1xN vector) are removed.
/// A producer that is itself the graph output is never changed.
public enum GraphOptimizer {
    public static func optimize(_ graph: Graph) throws(GraphError) -> Graph {
        var nodes: [Node] = []
        /// New id of each old node's output.
        var newID = [NodeID](repeating: -1, count: graph.nodes.count)
        var consumerCount = [Int](repeating: 0, count: graph.nodes.count)
        for node in graph.nodes { for input in Set(node.inputs) { consumerCount[input] += 1 } }

        for (oldID, node) in graph.nodes.enumerated() {
            var node = node
            node.inputs = node.inputs.map { newID[$0] }
            // The single producer this node could merge into (old id, new id).
            let producerOld = node.inputs.count == 1 ? graph.nodes[oldID].inputs[0] : nil
            let mergeable = producerOld.map { consumerCount[$0] == 1 && $0 != graph.output && $0 != 0 } ?? false

            switch node.operation {
            case .batchNormalization(let norm) where mergeable:
                if let folded = fold(norm, into: nodes[node.inputs[0]].operation) {
                    nodes[node.inputs[0]].operation = folded
                    newID[oldID] = node.inputs[0]
                    continue
                }
            case .activation(.none):
                newID[oldID] = node.inputs[0]
                continue
            case .activation(let activation) where mergeable:
                if let fused = fuse(activation, into: nodes[node.inputs[0]].operation) {
                    nodes[node.inputs[0]].operation = fused
                    newID[oldID] = node.inputs[0]
                    continue
                }
            case .flatten where nodes[node.inputs[0]].outputShape == node.outputShape:
                newID[oldID] = node.inputs[0]
                continue
            default:
                break
            }
            nodes.append(node)
            newID[oldID] = nodes.count - 1
        }
        // A removed output node hands its role to the node now holding its value; re-check shapes.
        var builder = GraphBuilder(inputName: nodes[0].name, inputShape: graph.inputShape)
        for node in nodes.dropFirst() { try builder.append(node.name, node.operation, inputs: node.inputs) }
        return try builder.build(output: newID[graph.output], preprocessing: graph.preprocessing, labels: graph.labels,
                                 provenance: graph.provenance)
    }

    /// `operation` with `norm` folded into its weights, or nil when it cannot absorb it.
    static func fold(_ norm: BatchNormalization, into operation: Operation) -> Operation? {
        let scale = norm.gamma.indices.map { norm.gamma[$0] / (norm.variance[$0] + norm.epsilon).squareRoot() }
        func bias(_ old: [Float]) -> [Float] {
            old.indices.map { (old[$0] - norm.mean[$0]) * scale[$0] + norm.beta[$0] }
        }
        switch operation {
        case .conv2D(var conv) where conv.activation == .none:
            let perOutput = conv.weights.count / conv.outputChannels
            for o in 0..<conv.outputChannels {
                for i in o * perOutput..<(o + 1) * perOutput { conv.weights[i] *= scale[o] }
            }
            conv.bias = bias(conv.bias)
            return .conv2D(conv)
        case .depthwiseConv2D(var conv) where conv.activation == .none:
            let channels = conv.bias.count
            for i in conv.weights.indices { conv.weights[i] *= scale[i % channels] }
            conv.bias = bias(conv.bias)
            return .depthwiseConv2D(conv)
        case .dense(var dense) where dense.activation == .none:
            let perOutput = dense.weights.count / dense.outputCount
            for o in 0..<dense.outputCount {
                for i in o * perOutput..<(o + 1) * perOutput { dense.weights[i] *= scale[o] }
            }
            dense.bias = bias(dense.bias)
            return .dense(dense)
        default:
            return nil
        }
    }

    /// `operation` with `activation` fused, or nil when it has none to take it.
    static func fuse(_ activation: FusedActivation, into operation: Operation) -> Operation? {
        switch operation {
        case .conv2D(var conv) where conv.activation == .none:
            conv.activation = activation
            return .conv2D(conv)
        case .depthwiseConv2D(var conv) where conv.activation == .none:
            conv.activation = activation
            return .depthwiseConv2D(conv)
        case .dense(var dense) where dense.activation == .none:
            dense.activation = activation
            return .dense(dense)
        case .add(.none):
            return .add(activation)
        default:
            return nil
        }
    }
}
