import EdgeModel

/// Builds a `Graph` node by node, inferring each output shape and checking that weights fit,
/// so every importer reports shape errors the same way.
public struct GraphBuilder: Sendable {
    public private(set) var nodes: [Node]
    public let inputShape: TensorShape

    public init(inputName: String = "input", inputShape: TensorShape) {
        self.inputShape = inputShape
        self.nodes = [Node(name: inputName, operation: .input, inputs: [], outputShape: inputShape)]
    }

    public var inputNode: NodeID { 0 }

    public func shape(of node: NodeID) -> TensorShape { nodes[node].outputShape }

    /// Appends `operation` reading `inputs` and returns the new node's id.
    @discardableResult
    public mutating func append(_ name: String, _ operation: Operation, inputs: [NodeID]) throws(GraphError) -> NodeID {
        for input in inputs where input < 0 || input >= nodes.count {
            throw GraphError(node: name, message: "reads node #\(input), which does not exist (yet)")
        }
        let shape = try Self.outputShape(name: name, operation: operation, inputs: inputs.map { nodes[$0].outputShape })
        nodes.append(Node(name: name, operation: operation, inputs: inputs, outputShape: shape))
        return nodes.count - 1
    }

    public func build(
        output: NodeID, preprocessing: Preprocessing, labels: [String], provenance: String
    ) throws(GraphError) -> Graph {
        guard output >= 0, output < nodes.count else {
            throw GraphError(node: "output", message: "node #\(output) does not exist")
        }
        let outputs = nodes[output].outputShape.elementCount
        guard labels.isEmpty || labels.count == outputs else {
            throw GraphError(node: nodes[output].name, message: "has \(outputs) outputs but \(labels.count) class labels were given")
        }
        return Graph(
            inputShape: inputShape, preprocessing: preprocessing, labels: labels, nodes: nodes,
            output: output, provenance: provenance)
    }

    /// Shape inference and weight-size checks for one operation.
    public static func outputShape(name: String, operation: Operation, inputs: [TensorShape]) throws(GraphError) -> TensorShape {
        func fail(_ message: String) -> GraphError { GraphError(node: name, message: message) }
        func single() throws(GraphError) -> TensorShape {
            guard inputs.count == 1 else { throw fail("takes 1 input, got \(inputs.count)") }
            return inputs[0]
        }
        func windowOutput(_ window: Window, _ input: TensorShape) throws(GraphError) -> (Int, Int) {
            guard let size = window.outputSize(for: input) else {
                throw fail("window \(window.kernelHeight)x\(window.kernelWidth) stride \(window.strideHeight)x\(window.strideWidth) does not fit input \(input)")
            }
            return size
        }
        switch operation {
        case .input:
            throw fail("only node 0 may be the input")
        case .conv2D(let conv):
            let input = try single()
            let (h, w) = try windowOutput(conv.window, input)
            let expected = conv.outputChannels * conv.window.kernelHeight * conv.window.kernelWidth * input.channels
            guard conv.weights.count == expected else { throw fail("has \(conv.weights.count) weights, expected \(expected)") }
            guard conv.bias.count == conv.outputChannels else { throw fail("has \(conv.bias.count) biases, expected \(conv.outputChannels)") }
            return TensorShape(height: h, width: w, channels: conv.outputChannels)
        case .depthwiseConv2D(let conv):
            let input = try single()
            let (h, w) = try windowOutput(conv.window, input)
            let channels = input.channels * conv.depthMultiplier
            let expected = conv.window.kernelHeight * conv.window.kernelWidth * channels
            guard conv.depthMultiplier > 0 else { throw fail("depth multiplier must be positive") }
            guard conv.weights.count == expected else { throw fail("has \(conv.weights.count) weights, expected \(expected)") }
            guard conv.bias.count == channels else { throw fail("has \(conv.bias.count) biases, expected \(channels)") }
            return TensorShape(height: h, width: w, channels: channels)
        case .batchNormalization(let norm):
            let input = try single()
            for (what, values) in [("gamma", norm.gamma), ("beta", norm.beta), ("mean", norm.mean), ("variance", norm.variance)]
            where values.count != input.channels {
                throw fail("\(what) has \(values.count) values for \(input.channels) channels")
            }
            return input
        case .activation, .softmax, .pointwise:
            return try single()
        case .maxPool(let window), .averagePool(let window):
            let input = try single()
            let (h, w) = try windowOutput(window, input)
            return TensorShape(height: h, width: w, channels: input.channels)
        case .globalAveragePool:
            return .vector(try single().channels)
        case .add:
            guard inputs.count == 2 else { throw fail("add takes 2 inputs, got \(inputs.count)") }
            guard inputs[0] == inputs[1] else { throw fail("adds \(inputs[0]) to \(inputs[1]): shapes differ") }
            return inputs[0]
        case .multiply:
            guard inputs.count == 2 else { throw fail("multiply takes 2 inputs, got \(inputs.count)") }
            guard inputs[0] == inputs[1] || inputs[1] == .vector(inputs[0].channels) else {
                throw fail("multiplies \(inputs[0]) by \(inputs[1]): the second must have the same shape or be 1x1x\(inputs[0].channels)")
            }
            return inputs[0]
        case .flatten:
            return .vector(try single().elementCount)
        case .dense(let dense):
            let input = try single()
            let expected = dense.outputCount * input.elementCount
            guard dense.weights.count == expected else { throw fail("has \(dense.weights.count) weights, expected \(expected)") }
            guard dense.bias.count == dense.outputCount else { throw fail("has \(dense.bias.count) biases, expected \(dense.outputCount)") }
            return .vector(dense.outputCount)
        }
    }
}

/// A graph that cannot be built: names the node (layer) and says what is wrong.
public struct GraphError: Error, Equatable, CustomStringConvertible {
    public var node: String
    public var message: String

    public init(node: String, message: String) {
        self.node = node
        self.message = message
    }

    public var description: String { "layer '\(node)': \(message)" }
}
