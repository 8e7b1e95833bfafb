import EdgeModel

/// Runs a `Graph` in Float: the reference the quantizer calibrates against and reports to.
///
/// All buffers (one per node, so `runAll` can return every intermediate output) are allocated
/// once in `init`; weights are re-laid out once for kernels whose innermost loop runs over output
/// channels. Not thread-safe: one executor per thread.
public final class FloatExecutor {
    public let graph: Graph

    /// One contiguous arena holding every node's output; node `n` starts at `offsets[n]`.
    private let arena: UnsafeMutablePointer<Float>
    private let arenaCount: Int
    private let offsets: [Int]
    private let steps: [Step]

    /// A node's operation with its weights in the layout its kernel wants.
    private enum Step {
        case input
        case conv2D(FloatKernels.Geometry, weightsHWIO: [Float], bias: [Float], FusedActivation)
        case depthwiseConv2D(FloatKernels.Geometry, multiplier: Int, weights: [Float], bias: [Float], FusedActivation)
        case scaleShift(scale: [Float], shift: [Float])
        case activation(FusedActivation)
        case maxPool(FloatKernels.Geometry)
        case averagePool(FloatKernels.Geometry)
        case globalAveragePool
        case add(FusedActivation)
        case pointwise(PointwiseFunction)
        case multiply(broadcast: Bool)
        case copy
        case dense(inputCount: Int, weightsIO: [Float], bias: [Float], FusedActivation)
        case softmax
    }

    /// Checks the graph (topological order, shapes, weight sizes) and prepares buffers and weights.
    public init(graph: Graph) throws(GraphError) {
        self.graph = graph
        guard let first = graph.nodes.first, first.operation == .input, first.outputShape == graph.inputShape else {
            throw GraphError(node: graph.nodes.first?.name ?? "input", message: "node 0 must be the input of shape \(graph.inputShape)")
        }
        guard graph.output >= 0, graph.output < graph.nodes.count else {
            throw GraphError(node: "output", message: "output node #\(graph.output) does not exist")
        }
        var steps: [Step] = [.input]
        var offsets = [0]
        var total = graph.inputShape.elementCount
        for (index, node) in graph.nodes.enumerated().dropFirst() {
            for input in node.inputs where input < 0 || input >= index {
                throw GraphError(node: node.name, message: "reads node #\(input), which does not precede it")
            }
            let inputShapes = node.inputs.map { graph.nodes[$0].outputShape }
            let shape = try GraphBuilder.outputShape(name: node.name, operation: node.operation, inputs: inputShapes)
            guard shape == node.outputShape else {
                throw GraphError(node: node.name, message: "records output shape \(node.outputShape) but computes \(shape)")
            }
            if case .multiply = node.operation {
                steps.append(.multiply(broadcast: inputShapes[1] != shape))
            } else {
                steps.append(Self.prepare(node.operation, input: inputShapes.first ?? shape, output: shape))
            }
            offsets.append(total)
            total += shape.elementCount
        }
        self.steps = steps
        self.offsets = offsets
        self.arenaCount = total
        self.arena = .allocate(capacity: total)
        arena.initialize(repeating: 0, count: total)
    }

    deinit {
        arena.deallocate()
    }

    /// The model output for one preprocessed HWC input of `graph.inputShape.elementCount` floats.
    public func run(_ input: [Float]) -> [Float] {
        execute(input)
        return output(of: graph.output)
    }

    /// Every node's output, indexed by `NodeID` (element 0 is the input itself).
    public func runAll(_ input: [Float]) -> [[Float]] {
        execute(input)
        return graph.nodes.indices.map(output(of:))
    }

    /// The model output for 8-bit HWC pixels, preprocessed with `graph.preprocessing`.
    public func run(pixels: [UInt8]) -> [Float] {
        run(preprocess(pixels))
    }

    /// `graph.preprocessing` applied to 8-bit pixels.
    public func preprocess(_ pixels: [UInt8]) -> [Float] {
        let scale = graph.preprocessing.scale
        let offset = graph.preprocessing.offset
        return pixels.map { Float($0) * scale + offset }
    }

    private func output(of node: NodeID) -> [Float] {
        let count = graph.nodes[node].outputShape.elementCount
        return Array(UnsafeBufferPointer(start: arena + offsets[node], count: count))
    }

    private func execute(_ input: [Float]) {
        precondition(input.count == graph.inputShape.elementCount,
                     "FloatExecutor: input has \(input.count) values, the graph takes \(graph.inputShape) = \(graph.inputShape.elementCount)")
        input.withUnsafeBufferPointer { arena.update(from: $0.baseAddress!, count: $0.count) }
        for index in 1..<steps.count {
            let node = graph.nodes[index]
            let out = arena + offsets[index]
            let x = UnsafePointer(arena + offsets[node.inputs[0]])
            let count = node.outputShape.elementCount
            switch steps[index] {
            case .input:
                break
            case .conv2D(let geometry, let weights, let bias, let activation):
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        FloatKernels.conv2D(x, out, geometry, weights: w.baseAddress!, bias: b.baseAddress!, activation: activation)
                    }
                }
            case .depthwiseConv2D(let geometry, let multiplier, let weights, let bias, let activation):
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        FloatKernels.depthwiseConv2D(x, out, geometry, multiplier: multiplier, weights: w.baseAddress!,
                                                     bias: b.baseAddress!, activation: activation)
                    }
                }
            case .scaleShift(let scale, let shift):
                let channels = node.outputShape.channels
                scale.withUnsafeBufferPointer { s in
                    shift.withUnsafeBufferPointer { t in
                        FloatKernels.scaleShift(x, out, pixels: count / channels, channels: channels,
                                                scale: s.baseAddress!, shift: t.baseAddress!)
                    }
                }
            case .activation(let activation):
                FloatKernels.activation(x, out, count: count, activation)
            case .maxPool(let geometry):
                FloatKernels.maxPool(x, out, geometry)
            case .averagePool(let geometry):
                FloatKernels.averagePool(x, out, geometry)
            case .globalAveragePool:
                let inputCount = graph.nodes[node.inputs[0]].outputShape.elementCount
                FloatKernels.globalAveragePool(x, out, pixels: inputCount / count, channels: count)
            case .add(let activation):
                let y = UnsafePointer(arena + offsets[node.inputs[1]])
                FloatKernels.add(x, y, out, count: count, activation: activation)
            case .pointwise(let function):
                for i in 0..<count { out[i] = function.apply(x[i]) }
            case .multiply(let broadcast):
                let y = UnsafePointer(arena + offsets[node.inputs[1]])
                let channels = node.outputShape.channels
                for i in 0..<count { out[i] = x[i] * y[broadcast ? i % channels : i] }
            case .copy:
                out.update(from: x, count: count)
            case .dense(let inputCount, let weights, let bias, let activation):
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        FloatKernels.dense(x, out, inputCount: inputCount, outputCount: count,
                                           weights: w.baseAddress!, bias: b.baseAddress!, activation: activation)
                    }
                }
            case .softmax:
                let channels = node.outputShape.channels
                FloatKernels.softmax(x, out, pixels: count / channels, channels: channels)
            }
        }
    }

    private static func prepare(_ operation: Operation, input: TensorShape, output: TensorShape) -> Step {
        switch operation {
        case .input:
            return .input
        case .conv2D(let conv):
            let geometry = FloatKernels.Geometry(input: input, output: output, window: conv.window)
            let taps = conv.window.kernelHeight * conv.window.kernelWidth * input.channels
            // OHWI -> HWIO: element [o][tap] moves to [tap][o].
            var transposed = [Float](repeating: 0, count: conv.weights.count)
            for o in 0..<conv.outputChannels {
                for t in 0..<taps { transposed[t * conv.outputChannels + o] = conv.weights[o * taps + t] }
            }
            return .conv2D(geometry, weightsHWIO: transposed, bias: conv.bias, conv.activation)
        case .depthwiseConv2D(let conv):
            let geometry = FloatKernels.Geometry(input: input, output: output, window: conv.window)
            return .depthwiseConv2D(geometry, multiplier: conv.depthMultiplier, weights: conv.weights, bias: conv.bias,
                                    conv.activation)
        case .batchNormalization(let norm):
            let scale = norm.gamma.indices.map { norm.gamma[$0] / (norm.variance[$0] + norm.epsilon).squareRoot() }
            let shift = norm.beta.indices.map { norm.beta[$0] - norm.mean[$0] * scale[$0] }
            return .scaleShift(scale: scale, shift: shift)
        case .activation(let activation):
            return .activation(activation)
        case .maxPool(let window):
            return .maxPool(FloatKernels.Geometry(input: input, output: output, window: window))
        case .averagePool(let window):
            return .averagePool(FloatKernels.Geometry(input: input, output: output, window: window))
        case .globalAveragePool:
            return .globalAveragePool
        case .add(let activation):
            return .add(activation)
        case .pointwise(let function):
            return .pointwise(function)
        case .multiply:
            return .multiply(broadcast: false)  // init decides from the second input's shape
        case .flatten:
            return .copy
        case .dense(let dense):
            let inputCount = input.elementCount
            var transposed = [Float](repeating: 0, count: dense.weights.count)
            for o in 0..<dense.outputCount {
                for i in 0..<inputCount { transposed[i * dense.outputCount + o] = dense.weights[o * inputCount + i] }
            }
            return .dense(inputCount: inputCount, weightsIO: transposed, bias: dense.bias, dense.activation)
        case .softmax:
            return .softmax
        }
    }
}
