import EdgeGraph
import EdgeModel

/// Turns a fused float graph (`GraphFusion`) and a real range per node into an int8 model:
/// - weights symmetric per output channel, scale max|w| / 127, values in [-127, 127];
/// - activations asymmetric, scale (high - low) / 255 with an integer zero point that maps real
///   0 exactly; both scales rounded up onto `ScaleGrid`; max/average/global pools and flatten keep their input's quantization;
/// - bias int32 at scale input_scale * weight_scale[c];
/// - requantization multiplier + shift (`FixedPointMultiplier`, double rounding);
/// - add with TFLite's scheme (left shift 20, inputs rescaled to twice the larger input scale);
/// - hard swish, hard sigmoid and sigmoid as a table on the input's codes (`LookupOperation`: every
///   int8 code, or int16 codes every 128 interpolated), the function evaluated in Double at each
///   code's real value and rounded onto the output's quantization;
/// - multiply (two maps, or a map and a per-channel gate) with one requantization of the exact
///   product, multiplier a_scale * b_scale / output_scale;
/// - a final softmax stays in float (`OutputActivation.softmax`).
/// With `activationType` int16 every tensor is int16 (`_s16` kernels): symmetric, scale
/// max(|low|, |high|) / 32767 on `ScaleGrid`, zero point 0 (the input keeps its pixel encoding),
/// add with left shift 15; weights and biases as above. A conv or depthwise conv summing more
/// terms than full int16 codes allow in int32 (taps x 32768 x 127 + bias < 2^31: at most 515
/// taps) narrows the codes of the tensor it reads instead (`int16CodeLimits`): that tensor's scale
/// is max(|low|, |high|) / B and its writer clamps at +-B, with B chosen so that taps x B x 127
/// plus the biases fit (B is about 29,300 codes for 3x3 over 64 channels, 14,600 over 128, 3,600
/// over 512: still 13 to 16 bits, against int8's 8).
/// The input tensor takes the preprocessing scale; when every reader of the input is a
/// valid-padded conv, depthwise conv or dense layer, the preprocessing offset is folded into
/// their biases and the zero point is -128, so every 8-bit pixel is exact (q = pixel - 128).
public struct Quantizer {
    public let graph: Graph
    /// The model tensor holding each node's output (nil for the final softmax).
    public private(set) var tensorOfNode: [TensorID?]

    public static let addLeftShift: Int32 = 20

    /// Left shift of an add of int16 tensors (|q| <= 2^15, so each shifted input stays within 2^30).
    public static let int16AddLeftShift: Int32 = 15

    public let activationType: ActivationType
    private var tensors: [ModelTensor] = []
    private var operations: [ModelOperation] = []
    /// The largest |q - zero point| of each tensor (`QuantizedModel.largestCodes`).
    private var codes: [Int64] = []
    /// The largest |q| each node's tensor may hold (`int16CodeLimits`; int8: unused).
    private var codeLimits: [Int32]
    /// The same by tensor.
    private var codeLimitOfTensor: [Int32] = []

    private init(graph: Graph, activationType: ActivationType) {
        self.graph = graph
        self.activationType = activationType
        tensorOfNode = [TensorID?](repeating: nil, count: graph.nodes.count)
        codeLimits = [Int32](repeating: ActivationType.int16.maximum, count: graph.nodes.count)
    }

    /// `ranges[node]`: the real interval of node's output (unused for nodes that keep their
    /// input's quantization, the input and a final softmax).
    public static func quantize(
        _ graph: Graph, ranges: [ClosedRange<Float>], calibration: String, activationType: ActivationType = .int8
    ) throws(QuantizeError) -> (model: QuantizedModel, tensorOfNode: [TensorID?]) {
        var quantizer = Quantizer(graph: graph, activationType: activationType)
        let model = try quantizer.build(ranges: ranges, calibration: calibration)
        return (model, quantizer.tensorOfNode)
    }

    /// Scale and zero point mapping `range` (widened to contain 0) onto [-128, 127]; the scale
    /// is (high - low) / 255 rounded up onto `ScaleGrid`. int16: onto [-32767, 32767] with zero
    /// point 0, scale max(|low|, |high|) / `largestCode` (32767 unless narrowed) rounded up onto `ScaleGrid`.
    public static func quantization(
        of range: ClosedRange<Float>, as type: ActivationType = .int8, largestCode: Int32 = ActivationType.int16.maximum
    ) -> (scale: Float, zeroPoint: Int32) {
        if type == .int16 {
            let largest = max(abs(range.lowerBound), abs(range.upperBound), 1e-8)
            return (ScaleGrid.snapUp(largest / Float(largestCode)), 0)
        }
        let low = min(range.lowerBound, 0)
        var high = max(range.upperBound, 0)
        if high - low < 1e-8 { high = low + 1e-8 }
        let scale = ScaleGrid.snapUp((high - low) / 255)
        let zeroPoint = (-128 - low / scale).rounded(.toNearestOrAwayFromZero)
        return (scale, Int32(min(max(zeroPoint, -128), 127)))
    }

    private mutating func build(ranges: [ClosedRange<Float>], calibration: String) throws(QuantizeError) -> QuantizedModel {
        guard ranges.count == graph.nodes.count else {
            throw QuantizeError("\(ranges.count) calibration ranges for \(graph.nodes.count) nodes")
        }
        if activationType == .int16 { codeLimits = Self.int16CodeLimits(graph, ranges: ranges) }
        let outputNode = graph.nodes[graph.output]
        let endsInSoftmax = outputNode.operation == .softmax
        let inputReaders = graph.consumers(of: 0)
        let foldOffset = graph.preprocessing.offset != 0 && !inputReaders.isEmpty
            && inputReaders.allSatisfy { Self.readsWithoutPadding(graph.nodes[$0].operation) }

        var denseAccumulatorScales: [TensorID: [Float]] = [:]
        let preprocessing = graph.preprocessing
        let inputZeroPoint: Int32 = foldOffset
            ? -128 : Int32(min(max((-128 - preprocessing.offset / preprocessing.scale).rounded(.toNearestOrAwayFromZero), -128), 127))
        // An int16 input keeps the int8 codes (|q - zero point| <= 255): pixels are exact either way.
        tensorOfNode[0] = addTensor(0, scale: preprocessing.scale, zeroPoint: inputZeroPoint)
        codes[0] = QuantizedModel.largestInputCode(tensors[0], encoding: foldOffset ? .offsetFoldedIntoBias : .affine,
                                                   preprocessing: preprocessing)

        for (id, node) in graph.nodes.enumerated().dropFirst() {
            let inputTensors = try node.inputs.map { (input) throws(QuantizeError) -> TensorID in
                guard let tensor = tensorOfNode[input] else {
                    throw .unsupported(node.name, node.operation.kind, "it reads the softmax, which must be the last layer")
                }
                return tensor
            }
            let offset: Float = foldOffset && node.inputs == [0] ? preprocessing.offset : 0
            switch node.operation {
            case .input:
                throw .unsupported(node.name, "input", "only node 0 may be the input")
            case .conv2D(let conv):
                let output = addTensor(id, range: ranges[id])
                let op = try weighted(node, input: inputTensors[0], output: output, window: conv.window,
                                      weights: conv.weights, bias: conv.bias, channels: conv.outputChannels,
                                      channelOf: { $0 / (conv.weights.count / conv.outputChannels) },
                                      activation: conv.activation, inputOffset: offset)
                operations.append(.conv2D(op))
            case .depthwiseConv2D(let conv):
                let channels = node.outputShape.channels
                let output = addTensor(id, range: ranges[id])
                let op = try weighted(node, input: inputTensors[0], output: output, window: conv.window,
                                      weights: conv.weights, bias: conv.bias, channels: channels,
                                      channelOf: { $0 % channels }, activation: conv.activation, inputOffset: offset)
                operations.append(.depthwiseConv2D(op, depthMultiplier: conv.depthMultiplier))
            case .dense(let dense):
                let output = addTensor(id, range: ranges[id])
                let perOutput = dense.weights.count / dense.outputCount
                let op = try weighted(node, input: inputTensors[0], output: output, window: nil, weights: dense.weights,
                                      bias: dense.bias, channels: dense.outputCount, channelOf: { $0 / perOutput },
                                      activation: dense.activation, inputOffset: offset)
                operations.append(.fullyConnected(op))
                let inputScale = tensors[inputTensors[0]].scale
                denseAccumulatorScales[output] = Self.weightScales(dense.weights, channels: dense.outputCount,
                                                                   channelOf: { $0 / perOutput }).map { inputScale * $0 }
            case .maxPool(let window), .averagePool(let window):
                let input = tensors[inputTensors[0]]
                let output = addTensor(id, scale: input.scale, zeroPoint: input.zeroPoint)
                let pool = PoolOperation(input: inputTensors[0], output: output, window: window.geometry,
                                         activationMin: activationType.minimum, activationMax: activationType.maximum)
                if case .maxPool = node.operation { operations.append(.maxPool(pool)) } else { operations.append(.averagePool(pool)) }
            case .globalAveragePool:
                let input = tensors[inputTensors[0]]
                let output = addTensor(id, scale: input.scale, zeroPoint: input.zeroPoint)
                let window = WindowGeometry(kernelHeight: input.shape.height, kernelWidth: input.shape.width,
                                            strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0)
                operations.append(.averagePool(PoolOperation(input: inputTensors[0], output: output, window: window,
                                                             activationMin: activationType.minimum,
                                                             activationMax: activationType.maximum)))
            case .flatten:
                let input = tensors[inputTensors[0]]
                let output = addTensor(id, scale: input.scale, zeroPoint: input.zeroPoint)
                operations.append(.flatten(input: inputTensors[0], output: output))
            case .add(let activation):
                let output = addTensor(id, range: ranges[id])
                operations.append(.add(try add(a: inputTensors[0], b: inputTensors[1], output: output, activation: activation)))
            case .pointwise(let function):
                let output = addTensor(id, range: ranges[id])
                operations.append(.lookup(lookup(function, input: inputTensors[0], output: output)))
            case .multiply:
                let output = addTensor(id, range: ranges[id])
                operations.append(.multiply(try multiply(a: inputTensors[0], b: inputTensors[1], output: output)))
            case .softmax:
                guard id == graph.output, node.outputShape.height == 1, node.outputShape.width == 1 else {
                    throw .unsupported(node.name, "softmax", "only a softmax over a vector at the end of the model is supported")
                }
            case .batchNormalization, .activation:
                throw .unsupported(node.name, node.operation.kind, "it was not folded into the layer before it")
            }
            if let operation = operations.last, operation.output == tensorOfNode[id] {
                codes[operation.output] = QuantizedModel.largestCode(writtenBy: operation, tensors: tensors, inputCodes: codes)
            }
        }
        guard let outputTensor = tensorOfNode[endsInSoftmax ? outputNode.inputs[0] : graph.output] else {
            throw QuantizeError("the model output has no int8 tensor")
        }
        // A classifier ending in dense + softmax gets its logits in float from the dense layer's
        // int32 accumulators (no requantization: no ties, no logit rounding).
        var logitScales: [Float]?
        if endsInSoftmax, case .fullyConnected(let last)? = operations.last, last.output == outputTensor {
            logitScales = denseAccumulatorScales[outputTensor]
        }
        let model = QuantizedModel(
            preprocessing: preprocessing,
            inputEncoding: foldOffset ? .offsetFoldedIntoBias : .affine,
            labels: graph.labels, provenance: graph.provenance, calibration: calibration,
            tensors: tensors, inputTensor: 0, outputTensor: outputTensor,
            outputActivation: endsInSoftmax ? .softmax : .none, operations: operations, logitScales: logitScales)
        do {
            try model.validate()
        } catch {
            throw QuantizeError("the quantized model breaks the kernel contract: \(error.problem)")
        }
        return model
    }

    private static func readsWithoutPadding(_ operation: Operation) -> Bool {
        switch operation {
        case .conv2D(let conv): return conv.window.padding == .valid
        case .depthwiseConv2D(let conv): return conv.window.padding == .valid
        case .dense: return true
        default: return false
        }
    }

    /// The output clamp of `activation` on a tensor whose codes stay within `largestCode` of 0
    /// when narrowed below int16's 32767.
    private func activationLimits(_ activation: FusedActivation, scale: Float, zeroPoint: Int32, largestCode: Int32) -> (Int32, Int32) {
        let narrowed = activationType == .int16 && largestCode < activationType.maximum
        let lowest = narrowed ? -largestCode : activationType.minimum
        let highest = narrowed ? largestCode : activationType.maximum
        switch activation {
        case .none: return (lowest, highest)
        case .relu: return (max(lowest, zeroPoint), highest)
        case .relu6:
            let six = Int32(min((6 / scale).rounded(.toNearestOrAwayFromZero), Float(highest))) + zeroPoint
            return (max(lowest, zeroPoint), min(highest, max(zeroPoint, six)))
        }
    }

    private mutating func addTensor(_ nodeID: NodeID, scale: Float, zeroPoint: Int32) -> TensorID {
        let node = graph.nodes[nodeID]
        let shape = TensorShape(height: node.outputShape.height, width: node.outputShape.width,
                                    channels: node.outputShape.channels)
        tensors.append(ModelTensor(name: node.name, shape: shape, scale: scale, zeroPoint: zeroPoint, elementType: activationType))
        codes.append(QuantizedModel.fullRange(activationType))
        codeLimitOfTensor.append(codeLimits[nodeID])
        tensorOfNode[nodeID] = tensors.count - 1
        return tensors.count - 1
    }

    private mutating func addTensor(_ nodeID: NodeID, range: ClosedRange<Float>) -> TensorID {
        let (scale, zeroPoint) = Self.quantization(of: range, as: activationType, largestCode: codeLimits[nodeID])
        return addTensor(nodeID, scale: scale, zeroPoint: zeroPoint)
    }

    /// Per-channel symmetric weights, int32 bias (with `inputOffset` * sum of the channel's
    /// weights folded in), per-channel multipliers.
    private func weighted(
        _ node: Node, input: TensorID, output: TensorID, window: Window?, weights: [Float], bias: [Float],
        channels: Int, channelOf: (Int) -> Int, activation: FusedActivation, inputOffset: Float
    ) throws(QuantizeError) -> WeightedOperation {
        var weightSums = [Double](repeating: 0, count: channels)
        for (index, weight) in weights.enumerated() {
            weightSums[channelOf(index)] += Double(weight)
        }
        let weightScales = Self.weightScales(weights, channels: channels, channelOf: channelOf)
        guard weightScales.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
            throw .unsupported(node.name, node.operation.kind, "its weights or biases are not finite numbers")
        }
        let quantizedWeights = weights.enumerated().map { index, weight in
            Int8(max(-127, min(127, (weight / weightScales[channelOf(index)]).rounded(.toNearestOrAwayFromZero))))
        }
        let inputScale = Double(tensors[input].scale), outputTensor = tensors[output]
        var quantizedBias: [Int32] = []
        var multipliers: [Int32] = []
        var shifts: [Int32] = []
        let limit = try biasLimit(node, channels: channels, weightCount: weights.count, input: input)
        for channel in 0..<channels {
            let accumulatorScale = inputScale * Double(weightScales[channel])
            let real = Double(bias[channel]) + Double(inputOffset) * weightSums[channel]
            let multiplier = try FixedPointMultiplier(accumulatorScale / Double(outputTensor.scale))
            let step = Double(Self.biasStep(multiplier: multiplier.real))
            quantizedBias.append(Int32(max(-limit, min(limit, (real / accumulatorScale / step).rounded() * step))))
            multipliers.append(multiplier.multiplier)
            shifts.append(multiplier.shift)
        }
        let (low, high) = activationLimits(activation, scale: outputTensor.scale, zeroPoint: outputTensor.zeroPoint,
                                           largestCode: codeLimitOfTensor[output])
        return WeightedOperation(
            input: input, output: output,
            window: window.map(\.geometry) ?? WindowGeometry(kernelHeight: 0, kernelWidth: 0, strideHeight: 0, strideWidth: 0, padTop: 0, padLeft: 0),
            weights: quantizedWeights, bias: quantizedBias,
            requantization: Requantization(multipliers: multipliers, shifts: shifts, activationMin: low, activationMax: high))
    }

    /// The largest |bias| the kernel contract allows for `node` reading `input`
    /// (`QuantizedModel.largestBias`); an int16 conv left no room for its biases is an error naming
    /// the layer (`int16CodeLimits` leaves room, so only for a tensor it could not narrow).
    private func biasLimit(_ node: Node, channels: Int, weightCount: Int, input: TensorID) throws(QuantizeError) -> Double {
        let taps = Self.int32Taps(node.operation, weightCount: weightCount, channels: channels)
        let limit = QuantizedModel.largestBias(taps: taps, elementType: activationType, largestInputCode: codes[input])
        guard let taps, limit < 1 << 20 else { return Double(limit) }
        throw .unsupported(node.name, node.operation.kind,
                           "it sums \(taps) terms of int16 inputs within \(codes[input]) of their zero point, too many for int32 sums; convert with int8 activations")
    }

    /// Terms in each int32 sum of a conv (window x input channels) or depthwise conv (window); nil
    /// for dense layers, which sum int16 inputs in int64.
    private static func int32Taps(_ operation: Operation, weightCount: Int, channels: Int) -> Int? {
        switch operation {
        case .conv2D: return weightCount / channels
        case .depthwiseConv2D(let conv): return conv.window.kernelHeight * conv.window.kernelWidth
        default: return nil
        }
    }

    /// Room left in int32 for rounding a bias onto its step (`biasStep`: at most 2^20 units).
    static let biasRoundingRoom: Int64 = 1 << 20

    /// int16: the largest |q| each node's tensor may hold. 32767, except for a tensor read by a
    /// conv or depthwise conv whose int32 sums over `taps` terms would not fit with full int16
    /// codes (taps x 32768 x 127 + biases, at most 515 taps): there B such that
    /// taps x B x 127 + the largest bias (which grows with B, being real bias / (input scale x
    /// weight scale) with input scale = largest / B) + `biasRoundingRoom` < 2^31, the smallest B
    /// over its readers. Biases may take half the room at most (a near-empty channel with a large
    /// bias would otherwise narrow the whole tensor; its bias is clamped instead). Max and average
    /// pools and flatten keep their input's quantization, so a limit on their output applies to the
    /// tensor they read; lookups and multiplies write new codes (their own range), clamped at +-B
    /// like a conv's (table entries, activation clamp). The model input keeps its pixel codes (|q - zero point| <= 256).
    static func int16CodeLimits(_ graph: Graph, ranges: [ClosedRange<Float>]) -> [Int32] {
        let full = ActivationType.int16.maximum
        var limits = [Int32](repeating: full, count: graph.nodes.count)
        // Readers come after the nodes they read, so a pool's limit is final before it moves on.
        for id in graph.nodes.indices.reversed() {
            let node = graph.nodes[id]
            switch node.operation {
            case .maxPool, .averagePool, .globalAveragePool, .flatten:
                limits[node.inputs[0]] = min(limits[node.inputs[0]], limits[id])
            case .conv2D(let conv):
                let perChannel = conv.weights.count / conv.outputChannels
                let limit = largestInt16Code(taps: perChannel, weights: conv.weights, bias: conv.bias,
                                             channelOf: { $0 / perChannel }, inputRange: ranges[source(node.inputs[0], in: graph)])
                limits[node.inputs[0]] = min(limits[node.inputs[0]], limit)
            case .depthwiseConv2D(let conv):
                let channels = node.outputShape.channels
                let limit = largestInt16Code(taps: conv.window.kernelHeight * conv.window.kernelWidth, weights: conv.weights,
                                             bias: conv.bias, channelOf: { $0 % channels },
                                             inputRange: ranges[source(node.inputs[0], in: graph)])
                limits[node.inputs[0]] = min(limits[node.inputs[0]], limit)
            default:
                break
            }
        }
        return limits
    }

    /// The node whose range quantizes `node`'s tensor: through pools and flatten to what they read.
    private static func source(_ node: NodeID, in graph: Graph) -> NodeID {
        switch graph.nodes[node].operation {
        case .maxPool, .averagePool, .globalAveragePool, .flatten: return source(graph.nodes[node].inputs[0], in: graph)
        default: return node
        }
    }

    /// `int16CodeLimits` for one reader: 32767 when full codes fit, else the B described there.
    private static func largestInt16Code(
        taps: Int, weights: [Float], bias: [Float], channelOf: (Int) -> Int, inputRange: ClosedRange<Float>
    ) -> Int32 {
        let full = ActivationType.int16.maximum
        guard QuantizedModel.largestBias(taps: taps, elementType: .int16) < biasRoundingRoom else { return full }
        let weightScales = weightScales(weights, channels: bias.count, channelOf: channelOf)
        let largestInput = Double(max(abs(inputRange.lowerBound), abs(inputRange.upperBound), 1e-8))
        // A bias in accumulator units is B x (real bias / (largest input x weight scale)).
        let sumsPerCode = Double(taps * QuantizedModel.maximumWeight)
        let biasPerCode = zip(bias, weightScales).map { Double(abs($0)) / (largestInput * Double($1)) }.max() ?? 0
        let room = Double(Int64(Int32.max) - 1 - biasRoundingRoom)
        let code = (room / (sumsPerCode + min(biasPerCode.isFinite ? biasPerCode : sumsPerCode, sumsPerCode))).rounded(.down)
        return Int32(max(1, min(Double(full), code)))
    }

    /// Biases are multiples of this many accumulator units: 1/64 of an output step (at least 1).
    /// An output step is 1 / multiplier accumulator units, often thousands, so a bias rounded to
    /// the nearest unit flips with float noise in the last bits far more often than one rounded
    /// to 1/64 of a step; the extra error (at most 1/128 of a step) is far below the output's
    /// own rounding. The multiplier comes from `ScaleGrid` scales, so two imports of one network
    /// get the same step.
    public static let biasStepsPerOutputStep = 64.0

    public static func biasStep(multiplier: Double) -> Int32 {
        guard multiplier > 0 else { return 1 }
        return Int32(max(1, min(Double(1 << 20), (1 / (multiplier * biasStepsPerOutputStep)).rounded(.down))))
    }

    /// Symmetric per-channel int8 weight scales: largest magnitude / 127 rounded up onto
    /// `ScaleGrid` (1 for an all-zero channel).
    private static func weightScales(_ weights: [Float], channels: Int, channelOf: (Int) -> Int) -> [Float] {
        var largest = [Float](repeating: 0, count: channels)
        for (index, weight) in weights.enumerated() {
            largest[channelOf(index)] = max(largest[channelOf(index)], abs(weight))
        }
        return largest.map { $0 > 0 ? ScaleGrid.snapUp($0 / 127) : 1 }
    }

    /// `function` tabulated from `input`'s codes to `output`'s (see `LookupOperation`).
    private func lookup(_ function: PointwiseFunction, input: TensorID, output: TensorID) -> LookupOperation {
        let x = tensors[input], y = tensors[output]
        // Entries within the output's codes (+-B when narrowed); int16 interpolates between entries.
        let (low, high) = activationLimits(.none, scale: y.scale, zeroPoint: y.zeroPoint,
                                           largestCode: codeLimitOfTensor[output])
        let codes: [Int32] = activationType == .int8
            ? Array(-128...127)
            : (0..<LookupOperation.tableCount(for: .int16)).map { Int32($0 * 128 - 32768) }
        let table = codes.map { code -> Int16 in
            let real = function.apply(Double(x.scale) * Double(code - x.zeroPoint))
            let q = (real / Double(y.scale)).rounded(.toNearestOrAwayFromZero) + Double(y.zeroPoint)
            return Int16(max(Double(low), min(Double(high), q)))
        }
        return LookupOperation(input: input, output: output, table: table, function: function.name)
    }

    private func multiply(a: TensorID, b: TensorID, output: TensorID) throws(QuantizeError) -> MultiplyOperation {
        let factor = try FixedPointMultiplier(
            Double(tensors[a].scale) * Double(tensors[b].scale) / Double(tensors[output].scale))
        let (low, high) = activationLimits(.none, scale: tensors[output].scale, zeroPoint: tensors[output].zeroPoint,
                                           largestCode: codeLimitOfTensor[output])
        return MultiplyOperation(a: a, b: b, output: output, multiplier: factor.multiplier, shift: factor.shift,
                                 activationMin: low, activationMax: high)
    }

    private func add(a: TensorID, b: TensorID, output: TensorID, activation: FusedActivation) throws(QuantizeError) -> AddOperation {
        let aScale = Double(tensors[a].scale), bScale = Double(tensors[b].scale)
        let outputTensor = tensors[output]
        let twiceLarger = 2 * max(aScale, bScale)
        let aMultiplier = try FixedPointMultiplier(aScale / twiceLarger)
        let bMultiplier = try FixedPointMultiplier(bScale / twiceLarger)
        let leftShift = activationType == .int16 ? Self.int16AddLeftShift : Self.addLeftShift
        let outputMultiplier = try FixedPointMultiplier(
            twiceLarger / (Double(1 << leftShift) * Double(outputTensor.scale)))
        let (low, high) = activationLimits(activation, scale: outputTensor.scale, zeroPoint: outputTensor.zeroPoint,
                                           largestCode: codeLimitOfTensor[output])
        return AddOperation(
            a: a, b: b, output: output, leftShift: leftShift,
            aMultiplier: aMultiplier.multiplier, aShift: aMultiplier.shift,
            bMultiplier: bMultiplier.multiplier, bShift: bMultiplier.shift,
            outputMultiplier: outputMultiplier.multiplier, outputShift: outputMultiplier.shift,
            activationMin: low, activationMax: high)
    }
}
