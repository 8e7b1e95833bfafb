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
/// (`equalizeWeightColumns`):
/// for producers read by convs (and depthwise convs, whose per-channel weights take any factor),
/// channel c is scaled by t_c = m_c / m_max, where m_c is the largest |weight| reading input
/// channel c in those convs, so every input column of their
/// per-output-channel int8 weights spans the same range (the column of a weak channel no longer
/// rounds to a few levels); t_c is at least 1 / `maximumFactor`.
public enum ChannelEqualization {
    public static let maximumFactor: Float = 16

    /// `channelRanges[node]`: the largest |value| of each output channel of `node` over the
    /// calibration images (from `CalibrationStatistics.channelMaxima`).
    public static func equalize(_ graph: Graph, channelRanges: [[Float]]) -> Graph {
        var graph = graph
        for (id, node) in graph.nodes.enumerated() where id != graph.output {
            let activation: FusedActivation
            switch node.operation {
            case .conv2D(let conv): activation = conv.activation
            case .depthwiseConv2D(let conv): activation = conv.activation
            default: continue
            }
            guard activation != .relu6 else { continue }
            let readers = graph.consumers(of: id)
            guard !readers.isEmpty, readers.allSatisfy({ reader in
                switch graph.nodes[reader].operation {
                case .conv2D: return true
                case .depthwiseConv2D: return true
                default: return false
                }
            }) else { continue }
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
            scaleOutputs(of: &graph.nodes[id].operation, by: factors)
            for reader in readers {
                scaleInputs(of: &graph.nodes[reader].operation, by: factors.map { 1 / $0 })
            }
        }
        return graph
    }

    /// The int16 variant: the readers' weight columns balanced (no calibration images needed).
    public static func equalizeWeightColumns(_ graph: Graph) -> Graph {
        var graph = graph
        for (id, node) in graph.nodes.enumerated() where id != graph.output {
            let activation: FusedActivation
            switch node.operation {
            case .conv2D(let conv): activation = conv.activation
            case .depthwiseConv2D(let conv): activation = conv.activation
            default: continue
            }
            guard activation != .relu6 else { continue }
            let readers = graph.consumers(of: id)
            let channels = node.outputShape.channels
            var columns = [Float](repeating: 0, count: channels)
            guard !readers.isEmpty else { continue }
            for reader in readers {
                switch graph.nodes[reader].operation {
                case .conv2D(let conv):
                    for (index, weight) in conv.weights.enumerated() {
                        columns[index % channels] = max(columns[index % channels], abs(weight))
                    }
                case .depthwiseConv2D: continue  // per-channel weights: any factor is free
                default: columns = []
                }
                if columns.isEmpty { break }
            }
            guard let widest = columns.max(), widest > 0 else { continue }
            let factors = columns.map { max($0 / widest, 1 / maximumFactor) }
            scaleOutputs(of: &graph.nodes[id].operation, by: factors)
            for reader in readers {
                scaleInputs(of: &graph.nodes[reader].operation, by: factors.map { 1 / $0 })
            }
        }
        return graph
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
