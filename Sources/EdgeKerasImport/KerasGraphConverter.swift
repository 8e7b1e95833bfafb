import EdgeGraph
import EdgeModel

/// Turns Keras layers (config + weights) into `Graph` nodes, one layer at a time, in an order
/// where every layer's inputs are converted before it.
struct KerasGraphConverter {
    static let supportedLayers = [
        "InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "BatchNormalization", "Activation", "ReLU",
        "Softmax", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Add", "Flatten", "Dense", "Dropout",
    ]

    private var builder: GraphBuilder
    /// The node holding each converted layer's output (a dropped layer maps to its input's node).
    private var nodeOf: [String: NodeID]

    init(model: KerasModelConfig) {
        let shape = model.inputShape.count == 3
            ? TensorShape(height: model.inputShape[0], width: model.inputShape[1], channels: model.inputShape[2])
            : .vector(model.inputShape[0])
        builder = GraphBuilder(inputName: model.inputName, inputShape: shape)
        nodeOf = [model.inputName: builder.inputNode]
    }

    /// Converts every layer of `model` and returns the finished graph.
    static func convert(
        _ model: KerasModelConfig, weights: some KerasWeightStore, preprocessing: Preprocessing,
        labels: (Int) -> [String], provenance: String
    ) throws(KerasModelProblem) -> Graph {
        var converter = KerasGraphConverter(model: model)
        var pending = model.layers
        while !pending.isEmpty {
            guard let ready = pending.firstIndex(where: { $0.inbound.allSatisfy { converter.nodeOf[$0] != nil } }) else {
                let layer = pending[0]
                let missing = layer.inbound.filter { converter.nodeOf[$0] == nil }
                throw KerasModelProblem(layer: layer, "reads \(missing.joined(separator: ", ")), which the model never computes")
            }
            let layer = pending.remove(at: ready)
            try converter.convert(layer, weights: weights.weights(of: layer))
        }
        guard let output = converter.nodeOf[model.outputName] else {
            throw KerasModelProblem("the output layer '\(model.outputName)' is not in the model")
        }
        let outputCount = converter.builder.shape(of: output).elementCount
        do {
            return try converter.builder.build(
                output: output, preprocessing: preprocessing, labels: labels(outputCount), provenance: provenance)
        } catch {
            throw KerasModelProblem(error.description)
        }
    }

    private mutating func convert(_ layer: KerasLayer, weights: [String: KerasTensor]) throws(KerasModelProblem) {
        let reader = LayerReader(layer: layer, weights: weights)
        let inputs = layer.inbound.compactMap { nodeOf[$0] }
        guard !inputs.isEmpty else { throw KerasModelProblem(layer: layer, "has no input") }
        if layer.className != "Add", inputs.count != 1 {
            throw KerasModelProblem(layer: layer, "takes \(inputs.count) inputs, expected 1")
        }
        let input = inputs[0]
        let inputShape = builder.shape(of: input)
        try reader.requireChannelsLast()

        switch layer.className {
        case "Dropout":
            nodeOf[layer.name] = input
        case "Conv2D":
            let (window, kernel) = try convolution(reader, inputShape: inputShape, kernelRole: "kernel")
            let filters = kernel.shape[3]
            guard try reader.int("groups", default: 1) == 1 else { throw reader.problem("grouped convolution is not supported") }
            let conv = Conv2D(window: window, outputChannels: filters, weights: Self.hwioToOhwi(kernel),
                              bias: try reader.bias(count: filters), activation: .none)
            try appendWithActivation(reader, .conv2D(conv), input: input)
        case "DepthwiseConv2D":
            let role = weights["depthwise_kernel"] != nil ? "depthwise_kernel" : "kernel"
            let (window, kernel) = try convolution(reader, inputShape: inputShape, kernelRole: role)
            let channels = kernel.shape[2] * kernel.shape[3]
            let conv = DepthwiseConv2D(window: window, depthMultiplier: kernel.shape[3], weights: kernel.values,
                                       bias: try reader.bias(count: channels), activation: .none)
            try appendWithActivation(reader, .depthwiseConv2D(conv), input: input)
        case "SeparableConv2D":
            let (window, depthwise) = try convolution(reader, inputShape: inputShape, kernelRole: "depthwise_kernel")
            let pointwise = try reader.tensor("pointwise_kernel")
            let channels = depthwise.shape[2] * depthwise.shape[3]
            guard pointwise.shape.count == 4, pointwise.shape[0] == 1, pointwise.shape[1] == 1,
                  pointwise.shape[2] == channels else {
                throw reader.problem("pointwise kernel has shape \(pointwise.shape), expected [1, 1, \(channels), filters]")
            }
            let filters = pointwise.shape[3]
            let depthwiseConv = DepthwiseConv2D(window: window, depthMultiplier: depthwise.shape[3],
                                                weights: depthwise.values, bias: [Float](repeating: 0, count: channels),
                                                activation: .none)
            let depthwiseNode = try append(layer.name + "/depthwise", .depthwiseConv2D(depthwiseConv), inputs: [input])
            let unit = Window(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid)
            let pointwiseConv = Conv2D(window: unit, outputChannels: filters, weights: Self.hwioToOhwi(pointwise),
                                       bias: try reader.bias(count: filters), activation: .none)
            try appendWithActivation(reader, .conv2D(pointwiseConv), input: depthwiseNode)
        case "BatchNormalization":
            let channels = inputShape.channels
            let axis = try reader.axis()
            guard axis == -1 || axis == (inputShape.height == 1 && inputShape.width == 1 ? 1 : 3) else {
                throw reader.problem("normalizes axis \(axis); only the channel axis (-1) is supported")
            }
            let norm = BatchNormalization(
                gamma: try reader.vector("gamma", count: channels, default: 1),
                beta: try reader.vector("beta", count: channels, default: 0),
                mean: try reader.vector("moving_mean", count: channels, default: nil),
                variance: try reader.vector("moving_variance", count: channels, default: nil),
                epsilon: Float(try reader.double("epsilon", default: 1e-3)))
            nodeOf[layer.name] = try append(layer.name, .batchNormalization(norm), inputs: [input])
        case "Activation":
            try appendActivation(reader, name: layer.name, try reader.string("activation", default: "linear"), input: input)
        case "ReLU":
            guard try reader.double("negative_slope", default: 0) == 0, try reader.double("threshold", default: 0) == 0 else {
                throw reader.problem("leaky or thresholded ReLU is not supported")
            }
            let maxValue = layer.config["max_value"] as? Double
            switch maxValue {
            case nil: nodeOf[layer.name] = try append(layer.name, .activation(.relu), inputs: [input])
            case 6?: nodeOf[layer.name] = try append(layer.name, .activation(.relu6), inputs: [input])
            case let value?: throw reader.problem("max_value \(value) is not supported (only none or 6)")
            }
        case "Softmax":
            guard try reader.axis() == -1 else { throw reader.problem("softmax must be over the last axis") }
            nodeOf[layer.name] = try append(layer.name, .softmax, inputs: [input])
        case "MaxPooling2D", "AveragePooling2D":
            let size = try reader.pair("pool_size", default: nil)
            let strides = try reader.pair("strides", default: size)
            let window = try reader.window(kernel: size, strides: strides, inputShape: inputShape)
            let operation: Operation = layer.className == "MaxPooling2D" ? .maxPool(window) : .averagePool(window)
            nodeOf[layer.name] = try append(layer.name, operation, inputs: [input])
        case "GlobalAveragePooling2D":
            nodeOf[layer.name] = try append(layer.name, .globalAveragePool, inputs: [input])
        case "Flatten":
            nodeOf[layer.name] = try append(layer.name, .flatten, inputs: [input])
        case "Add":
            guard inputs.count >= 2 else { throw reader.problem("adds \(inputs.count) tensors, expected at least 2") }
            var sum = inputs[0]
            for (index, other) in inputs.dropFirst().enumerated() {
                let name = index == inputs.count - 2 ? layer.name : "\(layer.name)/\(index)"
                sum = try append(name, .add(.none), inputs: [sum, other])
            }
            nodeOf[layer.name] = sum
        case "Dense":
            guard inputShape.height == 1, inputShape.width == 1 else {
                throw reader.problem("reads a \(inputShape) tensor; Dense is supported only on vectors (add Flatten or GlobalAveragePooling2D)")
            }
            let kernel = try reader.tensor("kernel")
            guard kernel.shape.count == 2, kernel.shape[0] == inputShape.channels else {
                throw reader.problem("kernel has shape \(kernel.shape), expected [\(inputShape.channels), units]")
            }
            let units = kernel.shape[1]
            var transposed = [Float](repeating: 0, count: kernel.values.count)
            for i in 0..<kernel.shape[0] {
                for o in 0..<units { transposed[o * kernel.shape[0] + i] = kernel.values[i * units + o] }
            }
            let dense = Dense(outputCount: units, weights: transposed, bias: try reader.bias(count: units), activation: .none)
            try appendWithActivation(reader, .dense(dense), input: input)
        default:
            throw KerasModelProblem(layer: layer, "unsupported layer type; supported: \(Self.supportedLayers.joined(separator: ", "))")
        }
    }

    /// Window and kernel (`[kh, kw, in, out-or-multiplier]`) of a convolution-like layer.
    private func convolution(
        _ reader: LayerReader, inputShape: TensorShape, kernelRole: String
    ) throws(KerasModelProblem) -> (Window, KerasTensor) {
        let kernel = try reader.tensor(kernelRole)
        let size = try reader.pair("kernel_size", default: nil)
        guard kernel.shape.count == 4, kernel.shape[0] == size.0, kernel.shape[1] == size.1,
              kernel.shape[2] == inputShape.channels else {
            throw reader.problem("\(kernelRole) has shape \(kernel.shape), expected [\(size.0), \(size.1), \(inputShape.channels), n]")
        }
        guard try reader.pair("dilation_rate", default: (1, 1)) == (1, 1) else {
            throw reader.problem("dilated convolution is not supported")
        }
        let window = try reader.window(kernel: size, strides: try reader.pair("strides", default: (1, 1)), inputShape: inputShape)
        return (window, kernel)
    }

    /// Appends `operation` as the layer's node, then its `activation` attribute if not linear.
    private mutating func appendWithActivation(_ reader: LayerReader, _ operation: Operation, input: NodeID) throws(KerasModelProblem) {
        let activation = try reader.string("activation", default: "linear")
        if activation == "linear" {
            nodeOf[reader.layer.name] = try append(reader.layer.name, operation, inputs: [input])
        } else {
            let node = try append(reader.layer.name, operation, inputs: [input])
            try appendActivation(reader, name: reader.layer.name + "/" + activation, activation, input: node)
        }
    }

    private mutating func appendActivation(
        _ reader: LayerReader, name: String, _ activation: String, input: NodeID
    ) throws(KerasModelProblem) {
        switch activation {
        case "linear": nodeOf[reader.layer.name] = input
        case "relu": nodeOf[reader.layer.name] = try append(name, .activation(.relu), inputs: [input])
        case "relu6": nodeOf[reader.layer.name] = try append(name, .activation(.relu6), inputs: [input])
        case "softmax": nodeOf[reader.layer.name] = try append(name, .softmax, inputs: [input])
        default: throw reader.problem("activation '\(activation)' is not supported (relu, relu6, linear, softmax)")
        }
    }

    private mutating func append(_ name: String, _ operation: Operation, inputs: [NodeID]) throws(KerasModelProblem) -> NodeID {
        do {
            return try builder.append(name, operation, inputs: inputs)
        } catch {
            throw KerasModelProblem(error.description)
        }
    }

    /// Keras conv kernels are HWIO; the graph wants OHWI.
    static func hwioToOhwi(_ kernel: KerasTensor) -> [Float] {
        let outputs = kernel.shape[3]
        let taps = kernel.values.count / outputs
        var result = [Float](repeating: 0, count: kernel.values.count)
        for t in 0..<taps {
            for o in 0..<outputs { result[o * taps + t] = kernel.values[t * outputs + o] }
        }
        return result
    }
}
