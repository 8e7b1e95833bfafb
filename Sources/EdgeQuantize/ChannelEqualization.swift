import EdgeGraph

/// Cross-layer channel equalization: int8 activations have one scale per tensor, so a tensor whose
/// channels span very different ranges (typical after depthwise convolutions) wastes most of its
/// 256 levels on its widest channel. A conv or depthwise conv P whose activation is none or ReLU
/// (both commute with a positive factor) can multiply its output channel c by t_c (weights of
/// channel c and bias) when every reader of P divides its input channel c by t_c: a depthwise conv
/// (its channel's weights, which are quantized per channel anyway, so this costs nothing) or a conv
/// (column c of every filter). The graph computes the same function.
/// Factor: every channel is brought to the widest channel's range a_max, t_c = a_max / a_c, when
/// all readers are depthwise; with a conv reader the move is split between activation and weight
/// precision, t_c = sqrt(a_max / a_c). Factors are capped at `maximumFactor`; near-dead channels
/// are left alone.
///
/// int16 activations have steps to spare, so there the move goes the other way
/// (`equalizeWeightColumns`): for the same producers, channel c is scaled by t_c = m_c / m_max,
/// where m_c is the largest |weight| reading input channel c in the reading convs (depthwise
/// readers take any factor for free), so every input column of those convs' per-output-channel
/// int8 weights spans the same range (a weak channel's column no longer rounds to a few levels);
/// t_c is at least 1 / `maximumFactor`.
public enum ChannelEqualization {
    public static let maximumFactor: Float = 16

    /// `channelRanges[node]`: the largest |value| of each output channel of `node` over the
    /// calibration images (from `CalibrationStatistics.channelMaxima`).
    public static func equalize(_ graph: Graph, channelRanges: [[Float]]) -> Graph {
        var graph = graph
        for (id, readers) in rescalableProducers(graph) {
            let ranges = channelRanges[id]
            guard let widest = ranges.max(), widest > 0 else { continue }
            let onlyDepthwise = readers.allSatisfy {
                if case .depthwiseConv2D = graph.nodes[$0].operation { return true } else { return false }
            }
            let factors = ranges.map { range -> Float in
                guard range > widest * 1e-4 else { return 1 }
                let full = widest / range
                return min(onlyDepthwise ? full : full.squareRoot(), maximumFactor)
            }
            rescale(&graph, producer: id, readers: readers, by: factors)
        }
        return graph
    }

    /// The int16 variant: the readers' weight columns balanced (no calibration images needed).
    public static func equalizeWeightColumns(_ graph: Graph) -> Graph {
        var graph = graph
        for (id, readers) in rescalableProducers(graph) {
            let channels = graph.nodes[id].outputShape.channels
            var columns = [Float](repeating: 0, count: channels)
            for reader in readers {
                // Depthwise readers have per-channel weights: any factor is free for them.
                guard case .conv2D(let conv) = graph.nodes[reader].operation else { continue }
                for (index, weight) in conv.weights.enumerated() {
                    columns[index % channels] = max(columns[index % channels], abs(weight))
                }
            }
            guard let widest = columns.max(), widest > 0 else { continue }
            rescale(&graph, producer: id, readers: readers, by: columns.map { max($0 / widest, 1 / maximumFactor) })
        }
        return graph
    }

    /// Convs and depthwise convs (not the output) whose activation commutes with a positive
    /// factor (none, ReLU) and whose readers are all convs or depthwise convs, with those readers.
    private static func rescalableProducers(_ graph: Graph) -> [(NodeID, [NodeID])] {
        graph.nodes.indices.compactMap { id in
            guard id != graph.output else { return nil }
            let activation: FusedActivation
            switch graph.nodes[id].operation {
            case .conv2D(let conv): activation = conv.activation
            case .depthwiseConv2D(let conv): activation = conv.activation
            default: return nil
            }
            let readers = graph.consumers(of: id)
            guard activation != .relu6, !readers.isEmpty, readers.allSatisfy({ reader in
                switch graph.nodes[reader].operation {
                case .conv2D, .depthwiseConv2D: return true
                default: return false
                }
            }) else { return nil }
            return (id, readers)
        }
    }

    /// Output channel c of `producer` times factors[c], input channel c of every reader divided by it.
    private static func rescale(_ graph: inout Graph, producer: NodeID, readers: [NodeID], by factors: [Float]) {
        scaleOutputs(of: &graph.nodes[producer].operation, by: factors)
        for reader in readers {
            scaleInputs(of: &graph.nodes[reader].operation, by: factors.map { 1 / $0 })
        }
    }

    private static func scaleOutputs(of operation: inout Operation, by factors: [Float]) {
        switch operation {
        case .conv2D(var conv):
            let perChannel = conv.weights.count / conv.outputChannels
            for index in conv.weights.indices { conv.weights[index] *= factors[index / perChannel] }
            for channel in conv.bias.indices { conv.bias[channel] *= factors[channel] }
            operation = .conv2D(conv)
        case .depthwiseConv2D(var conv):
            let channels = conv.bias.count
            for index in conv.weights.indices { conv.weights[index] *= factors[index % channels] }
            for channel in conv.bias.indices { conv.bias[channel] *= factors[channel] }
            operation = .depthwiseConv2D(conv)
        default:
            break
        }
    }

    private static func scaleInputs(of operation: inout Operation, by factors: [Float]) {
        switch operation {
        case .conv2D(var conv):
            let inputChannels = factors.count
            for index in conv.weights.indices { conv.weights[index] *= factors[index % inputChannels] }
            operation = .conv2D(conv)
        case .depthwiseConv2D(var conv):
            let channels = conv.bias.count
            for index in conv.weights.indices { conv.weights[index] *= factors[(index % channels) / conv.depthMultiplier] }
            operation = .depthwiseConv2D(conv)
        default:
            break
        }
    }
}
