import EdgeGraph

/// Rewrites a float graph into the operations the int8 runtime has: batch normalizations folded
/// into the conv, depthwise conv or dense layer before them, standalone activations fused into
/// the conv, depthwise, dense or add before them, linear activations dropped. Both rewrites
/// need the producer to feed nothing else; anything left over is an unsupported layer.
/// The result computes the same function (up to float rounding) and runs on `FloatExecutor`.
public enum GraphFusion {
    public static func fuse(_ graph: Graph) throws(QuantizeError) -> Graph {
        var nodes: [Node] = []
        var newID = [NodeID](repeating: -1, count: graph.nodes.count)
        let consumerCounts = graph.nodes.indices.map { node in
            graph.nodes.reduce(0) { $0 + $1.inputs.filter { $0 == node }.count } + (node == graph.output ? 1 : 0)
        }
        for (oldID, node) in graph.nodes.enumerated() {
            let inputs = node.inputs.map { newID[$0] }
            let producerOld = node.inputs.first
            let soleConsumer = producerOld.map { consumerCounts[$0] == 1 } ?? false
            switch node.operation {
            case .batchNormalization(let norm):
                let producer = inputs[0]
                guard soleConsumer, let folded = fold(norm, into: nodes[producer].operation) else {
                    throw .unsupported(node.name, node.operation.kind,
                                       "it does not follow a conv, depthwise conv or dense layer (without activation) that feeds only it")
                }
                nodes[producer].operation = folded
                newID[oldID] = producer
            case .activation(let activation):
                let producer = inputs[0]
                if activation == .none {
                    newID[oldID] = producer
                } else if soleConsumer, let fused = fuse(activation, into: nodes[producer].operation) {
                    nodes[producer].operation = fused
                    newID[oldID] = producer
                } else {
                    throw .unsupported(node.name, node.operation.kind,
                                       "it does not follow a conv, depthwise conv, dense or add layer (without activation) that feeds only it")
                }
            default:
                nodes.append(Node(name: node.name, operation: node.operation, inputs: inputs, outputShape: node.outputShape))
                newID[oldID] = nodes.count - 1
            }
        }
        return Graph(inputShape: graph.inputShape, preprocessing: graph.preprocessing, labels: graph.labels,
                     nodes: nodes, output: newID[graph.output], provenance: graph.provenance)
    }

    private static func fold(_ norm: BatchNormalization, into operation: Operation) -> Operation? {
        let scale = norm.gamma.indices.map { norm.gamma[$0] / (norm.variance[$0] + norm.epsilon).squareRoot() }
        let shift = norm.beta.indices.map { norm.beta[$0] - norm.mean[$0] * scale[$0] }
        let foldedBias = { (bias: [Float]) in bias.indices.map { bias[$0] * scale[$0] + shift[$0] } }
        switch operation {
        case .conv2D(var conv) where conv.activation == .none:
            let perChannel = conv.weights.count / conv.outputChannels
            for index in conv.weights.indices { conv.weights[index] *= scale[index / perChannel] }
            conv.bias = foldedBias(conv.bias)
            return .conv2D(conv)
        case .depthwiseConv2D(var conv) where conv.activation == .none:
            let channels = conv.bias.count
            for index in conv.weights.indices { conv.weights[index] *= scale[index % channels] }
            conv.bias = foldedBias(conv.bias)
            return .depthwiseConv2D(conv)
        case .dense(var dense) where dense.activation == .none:
            let perOutput = dense.weights.count / dense.outputCount
            for index in dense.weights.indices { dense.weights[index] *= scale[index / perOutput] }
            dense.bias = foldedBias(dense.bias)
            return .dense(dense)
        default:
            return nil
        }
    }

    private static func fuse(_ activation: FusedActivation, into operation: Operation) -> Operation? {
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
