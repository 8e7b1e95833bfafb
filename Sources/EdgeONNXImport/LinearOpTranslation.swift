import EdgeGraph

/// Gemm, MatMul, Add and BatchNormalization.
extension ONNXGraphTranslator {
    /// The [1, N] input of a dense op, with where each ONNX element sits in the graph node.
    private func vectorInput(_ node: ONNXNode) throws(TranslationError) -> (TranslatedValue, [Int]?) {
        let input = try value(node.requiredInput(0), for: node)
        guard case .vector(let index) = input.layout else {
            throw node.error("reads a \(input.layout) tensor; \(node.opType) is supported on [1, N] vectors (add a Flatten first)")
        }
        return (input, index)
    }

    /// Y = alpha * A * B' + beta * C with B (and C) constant: a dense layer.
    mutating func translateGemm(_ node: ONNXNode) throws(TranslationError) {
        let (input, index) = try vectorInput(node)
        guard try node.attributes.int("transA", default: 0) == 0 else { throw node.error("transA=1 is not supported") }
        let transposed = try node.attributes.int("transB", default: 0) != 0
        let alpha = try node.attributes.float("alpha", default: 1)
        let beta = try node.attributes.float("beta", default: 1)
        let b = try constant(node.requiredInput(1), for: node)
        guard b.dims.count == 2 else { throw node.error("B has dimensions \(b.dims); a matrix is expected") }
        let (inputCount, outputCount) = transposed ? (b.dims[1], b.dims[0]) : (b.dims[0], b.dims[1])
        let matrix = try b.floats()
        var weights = [Float](repeating: 0, count: matrix.count)
        for o in 0..<outputCount {
            for i in 0..<inputCount {
                weights[o * inputCount + i] = alpha * (transposed ? matrix[o * inputCount + i] : matrix[i * outputCount + o])
            }
        }
        var bias = [Float](repeating: 0, count: outputCount)
        if let cName = node.input(2) {
            let c = try constant(cName, for: node)
            guard let perOutput = try broadcast(c, over: outputCount, layout: .vector(graphIndex: nil)) else {
                throw node.error("C has dimensions \(c.dims), which do not broadcast over \(outputCount) outputs")
            }
            bias = perOutput.map { beta * $0 }
        }
        try appendDense(node, input: input, index: index, inputCount: inputCount, outputCount: outputCount,
                        weights: weights, bias: bias)
    }

    /// A * B with B a constant [in, out] matrix: a dense layer without bias (a following Add of a
    /// constant folds into it, see `translateAdd`).
    mutating func translateMatMul(_ node: ONNXNode) throws(TranslationError) {
        let (input, index) = try vectorInput(node)
        let b = try constant(node.requiredInput(1), for: node)
        guard b.dims.count == 2 else { throw node.error("B has dimensions \(b.dims); a constant matrix is expected") }
        let (inputCount, outputCount) = (b.dims[0], b.dims[1])
        let matrix = try b.floats()
        var weights = [Float](repeating: 0, count: matrix.count)
        for o in 0..<outputCount {
            for i in 0..<inputCount { weights[o * inputCount + i] = matrix[i * outputCount + o] }
        }
        try appendDense(node, input: input, index: index, inputCount: inputCount, outputCount: outputCount,
                        weights: weights, bias: [Float](repeating: 0, count: outputCount))
    }

    /// `weights` are [out][in] over the ONNX element order; `index` moves each column to where
    /// the graph holds that element (a Flatten of a CHW map).
    private mutating func appendDense(
        _ node: ONNXNode, input: TranslatedValue, index: [Int]?, inputCount: Int, outputCount: Int,
        weights: [Float], bias: [Float]
    ) throws(TranslationError) {
        let available = shape(of: input).elementCount
        guard inputCount == available else {
            throw node.error("weights expect \(inputCount) inputs, the input has \(available)")
        }
        var columns = weights
        if let index {
            for o in 0..<outputCount {
                for i in 0..<inputCount { columns[o * inputCount + index[i]] = weights[o * inputCount + i] }
            }
        }
        let dense = Dense(outputCount: outputCount, weights: columns, bias: bias, activation: .none)
        try define(node, TranslatedValue(node: append(node, .dense(dense), input: input), layout: .vector(graphIndex: nil)))
    }

    /// Add of two activations (same layout), or of an activation and a per-channel constant: folded
    /// into the bias of the conv/dense that produced the activation when nothing else reads it,
    /// else a 1x1 depthwise conv with unit weights carrying the constant as bias.
    mutating func translateAdd(_ node: ONNXNode) throws(TranslationError) {
        let a = try node.requiredInput(0), b = try node.requiredInput(1)
        switch (constants[a], constants[b]) {
        case (nil, nil):
            let left = try value(a, for: node), right = try value(b, for: node)
            guard left.layout == right.layout else {
                throw node.error("adds tensors of different layouts (\(left.layout) and \(right.layout))")
            }
            let sum = try append(node.name, .add(.none), inputs: [left.node, right.node])
            try define(node, TranslatedValue(node: sum, layout: left.layout))
        case (let constant?, nil), (nil, let constant?):
            let input = try value(constant.name == a ? b : a, for: node)
            try addConstant(constant, to: input, node)
        case (_?, _?):
            throw node.error("adds two constants; fold them before export (onnxsim or constant folding)")
        }
    }

    private mutating func addConstant(_ constant: ONNXConstant, to input: TranslatedValue, _ node: ONNXNode) throws(TranslationError) {
        let shape = shape(of: input)
        guard var perChannel = try broadcast(constant, over: shape.channels, layout: input.layout) else {
            throw node.error("adds a constant of dimensions \(constant.dims) that is not per-channel for a \(input.layout) tensor of \(input.layout.onnxDims(shape))")
        }
        if case .vector(let index?) = input.layout {
            var moved = perChannel
            for i in index.indices { moved[index[i]] = perChannel[i] }
            perChannel = moved
        }
        if onnxReaders(ofNode: input.node) == 1 {
            switch nodes[input.node].operation {
            case .conv2D(var conv):
                for c in conv.bias.indices { conv.bias[c] += perChannel[c] }
                nodes[input.node].operation = .conv2D(conv)
                return try define(node, input)
            case .depthwiseConv2D(var conv):
                for c in conv.bias.indices { conv.bias[c] += perChannel[c] }
                nodes[input.node].operation = .depthwiseConv2D(conv)
                return try define(node, input)
            case .dense(var dense):
                for c in dense.bias.indices { dense.bias[c] += perChannel[c] }
                nodes[input.node].operation = .dense(dense)
                return try define(node, input)
            default:
                break
            }
        }
        let biasAdd = DepthwiseConv2D(
            window: Window(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padding: .valid),
            depthMultiplier: 1, weights: [Float](repeating: 1, count: shape.channels), bias: perChannel, activation: .none)
        try define(node, TranslatedValue(node: append(node, .depthwiseConv2D(biasAdd), input: input), layout: input.layout))
    }

    /// The per-channel values of a constant broadcast against a tensor of `layout` with `channels`
    /// channels (ONNX numpy-style broadcasting); nil when it varies along another axis.
    func broadcast(_ constant: ONNXConstant, over channels: Int, layout: TensorLayout) throws(TranslationError) -> [Float]? {
        let values = try constant.floats()
        if values.count == 1 { return [Float](repeating: values[0], count: channels) }
        guard values.count == channels else { return nil }
        var dims = constant.dims
        while dims.first == 1 && dims.count > 1 { dims.removeFirst() }
        switch layout {
        case .channelsFirst: return dims == [channels, 1, 1] || (channels == 1 && dims.allSatisfy { $0 == 1 }) ? values : nil
        case .channelsLast, .vector: return dims == [channels] ? values : nil
        }
    }

    mutating func translateBatchNormalization(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        if case .channelsLast = input.layout { throw node.error("reads an NHWC tensor; BatchNormalization normalizes axis 1") }
        if try node.attributes.int("training_mode", default: 0) != 0 { throw node.error("training_mode=1 is not supported; export in eval mode") }
        try requireSingleOutputUsed(node)
        let channels = shape(of: input).channels
        var parameters: [[Float]] = []
        for (position, what) in ["scale", "bias", "mean", "variance"].enumerated() {
            var values = try constant(node.requiredInput(position + 1), for: node).floats()
            guard values.count == channels else { throw node.error("\(what) has \(values.count) values for \(channels) channels") }
            if case .vector(let index?) = input.layout {
                var moved = values
                for i in index.indices { moved[index[i]] = values[i] }
                values = moved
            }
            parameters.append(values)
        }
        let epsilon = try node.attributes.float("epsilon", default: 1e-5)
        let norm = BatchNormalization(gamma: parameters[0], beta: parameters[1], mean: parameters[2], variance: parameters[3], epsilon: epsilon)
        try define(node, TranslatedValue(node: append(node, .batchNormalization(norm), input: input), layout: input.layout))
    }
}
