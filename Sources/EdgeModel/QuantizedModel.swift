/// An int8 model as the board runs it: activation tensors with their quantization, and the
/// operations between them in execution order. What `ModelFile` reads and writes and
/// `EdgeInference.Interpreter` executes; the numeric meaning of every field is the kernel
/// contract in `CEdgeKernels/include/edge_kernels.h`.
public struct QuantizedModel: Sendable, Equatable {
    /// How an 8-bit pixel becomes the float model input: pixel * scale + offset.
    public var preprocessing: Preprocessing
    /// How the runtime turns a pixel into the int8 input tensor.
    public var inputEncoding: InputEncoding
    /// Class names in output order.
    public var labels: [String]
    /// Where the model came from (source file, importer, checksum...).
    public var provenance: String
    /// How activation ranges were chosen ("mse over 1000 images", ...).
    public var calibration: String
    /// The requantization rounding every kernel uses; only `QuantizedModel.roundingMode` exists.
    public var roundingMode: String
    /// Activation tensors; `inputTensor` is filled from pixels, every other one is the output of
    /// exactly one operation.
    public var tensors: [ModelTensor]
    public var inputTensor: TensorID
    public var outputTensor: TensorID
    /// Applied in float to the dequantized output tensor.
    public var outputActivation: OutputActivation
    /// In execution order: every tensor an operation reads was produced by an earlier one.
    public var operations: [ModelOperation]
    /// When set, the class scores come from float logits instead of the int8 output tensor: the
    /// last operation is a fully connected layer writing `outputTensor`, and logit[c] =
    /// acc[c] * logitScales[c] with acc[c] = bias[c] + sum((x - input zero point) * w[c]), its exact
    /// int32 accumulator, and logitScales[c] = input scale * weight scale[c] (the bias's scale).
    /// No requantization, so no ties and no rounding of the logits. One per output channel.
    public var logitScales: [Float]?

    /// SQRDMULH (rounding doubling high multiply) then a rounding right shift with halves rounded
    /// toward +infinity: `edge_requantize` in edge_kernels.h.
    public static let roundingMode = "sqrdmulh-rshift-half-up"

    public init(
        preprocessing: Preprocessing, inputEncoding: InputEncoding, labels: [String], provenance: String,
        calibration: String, roundingMode: String = QuantizedModel.roundingMode, tensors: [ModelTensor],
        inputTensor: TensorID, outputTensor: TensorID, outputActivation: OutputActivation,
        operations: [ModelOperation], logitScales: [Float]? = nil
    ) {
        self.preprocessing = preprocessing
        self.inputEncoding = inputEncoding
        self.labels = labels
        self.provenance = provenance
        self.calibration = calibration
        self.roundingMode = roundingMode
        self.tensors = tensors
        self.inputTensor = inputTensor
        self.outputTensor = outputTensor
        self.outputActivation = outputActivation
        self.operations = operations
        self.logitScales = logitScales
    }

    public var inputShape: TensorShape { tensors[inputTensor].shape }
    public var outputShape: TensorShape { tensors[outputTensor].shape }

    /// Multiply-accumulates of one inference.
    public var multiplyAccumulateCount: Int {
        operations.reduce(0) { total, operation in
            switch operation {
            case .conv2D(let conv): return total + conv.weights.count * tensors[conv.output].shape.height * tensors[conv.output].shape.width
            case .depthwiseConv2D(let conv, _): return total + conv.weights.count * tensors[conv.output].shape.height * tensors[conv.output].shape.width
            case .fullyConnected(let dense): return total + dense.weights.count
            default: return total
            }
        }
    }

    /// Number of weights and biases.
    public var parameterCount: Int {
        operations.reduce(0) { total, operation in
            switch operation {
            case .conv2D(let conv), .depthwiseConv2D(let conv, _), .fullyConnected(let conv):
                return total + conv.weights.count + conv.bias.count
            default: return total
            }
        }
    }
}

/// Index into `QuantizedModel.tensors`.
public typealias TensorID = Int

/// One activation tensor's shape: height x width x channels (HWC, batch 1); vectors are 1x1xN. The one
/// definition for the board's models and the converter's float graphs (EdgeGraph).
public struct TensorShape: Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// A 1x1xN vector.
    public static func vector(_ count: Int) -> TensorShape {
        TensorShape(height: 1, width: 1, channels: count)
    }

    public var elementCount: Int { height * width * channels }
    public var description: String { "\(height)x\(width)x\(channels)" }
}

/// Model input = pixel * scale + offset, for 8-bit pixels (stored in the .edgemodel header). `fer`'s
/// (x/255 - 0.5) * 2 is scale 2/255, offset -1.
public struct Preprocessing: Hashable, Sendable {
    public var scale: Float
    public var offset: Float

    public init(scale: Float, offset: Float) {
        self.scale = scale
        self.offset = offset
    }

    public static let unit = Preprocessing(scale: 1.0 / 255.0, offset: 0)
    public static let symmetricUnit = Preprocessing(scale: 2.0 / 255.0, offset: -1)
}

/// The input tensor's code from an 8-bit pixel p, with the input tensor's scale s and zero point z.
public enum InputEncoding: UInt8, Sendable, CaseIterable {
    /// q = clamp(round((p * preprocessing.scale + preprocessing.offset) / s) + z).
    case affine = 0
    /// q = clamp(round(p * preprocessing.scale / s) + z): the constant offset is already folded
    /// into the biases of the (valid-padded) operations that read the input, so with
    /// s = preprocessing.scale and z = -128 every pixel is represented exactly (q = p - 128).
    case offsetFoldedIntoBias = 1

    /// The code of `pixel` under this encoding, clamped to `elementType`'s range.
    public func quantize(pixel: UInt8, preprocessing: Preprocessing, scale: Float, zeroPoint: Int32,
                         elementType: ActivationType = .int8) -> Int32 {
        let real = Float(pixel) * preprocessing.scale + (self == .affine ? preprocessing.offset : 0)
        let q = (real / scale).rounded(.toNearestOrAwayFromZero) + Float(zeroPoint)
        return Int32(max(Float(elementType.minimum), min(Float(elementType.maximum), q)))
    }
}

public enum OutputActivation: UInt8, Sendable, CaseIterable {
    case none = 0
    /// Softmax over the dequantized output, in float.
    case softmax = 1
}

/// How an activation tensor stores q: int8 (the default), or int16 for models whose activations
/// need finer steps (the `_s16` kernels; weights stay int8).
public enum ActivationType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case int8 = 1
    case int16 = 2

    public var byteCount: Int { Int(rawValue) }
    public var minimum: Int32 { self == .int8 ? -128 : -32768 }
    public var maximum: Int32 { self == .int8 ? 127 : 32767 }
    public var description: String { self == .int8 ? "int8" : "int16" }
}

/// One activation tensor: real = scale * (q - zeroPoint).
public struct ModelTensor: Sendable, Equatable {
    /// The layer that produces it, for reports and messages.
    public var name: String
    public var shape: TensorShape
    public var scale: Float
    public var zeroPoint: Int32
    public var elementType: ActivationType

    public init(name: String, shape: TensorShape, scale: Float, zeroPoint: Int32, elementType: ActivationType = .int8) {
        self.name = name
        self.shape = shape
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.elementType = elementType
    }

    public func dequantize(_ q: Int32) -> Float { scale * Float(q - zeroPoint) }
    public func dequantize(_ q: Int8) -> Float { dequantize(Int32(q)) }
    /// Bytes of the tensor's values.
    public var byteCount: Int { shape.elementCount * elementType.byteCount }
}

/// Kernel size, strides and leading padding of a conv or pool (`edge_window_params`); the
/// trailing padding follows from the output tensor's size.
public struct WindowGeometry: Hashable, Sendable {
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padLeft: Int

    public init(kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int, padTop: Int, padLeft: Int) {
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padTop = padTop
        self.padLeft = padLeft
    }
}

/// Per-output-channel fixed-point rescaling (`edge_requant_params`): real multiplier =
/// multiplier * 2^-31 * 2^-shift, multiplier in [2^30, 2^31) or 0, shift in [-31, 31].
public struct Requantization: Sendable, Equatable {
    public var multipliers: [Int32]
    public var shifts: [Int32]
    /// Output clamp in the quantized domain (fused ReLU/ReLU6 live here).
    public var activationMin: Int32
    public var activationMax: Int32

    public init(multipliers: [Int32], shifts: [Int32], activationMin: Int32, activationMax: Int32) {
        self.multipliers = multipliers
        self.shifts = shifts
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

/// A convolution, depthwise convolution or fully connected layer.
public struct WeightedOperation: Sendable, Equatable {
    public var input: TensorID
    public var output: TensorID
    /// Unused (all zero) for fully connected layers.
    public var window: WindowGeometry
    /// int8 in [-127, 127], symmetric per output channel: conv OHWI, depthwise HWC, dense [out][in].
    public var weights: [Int8]
    /// Scale input_scale * weight_scale[c], zero point 0.
    public var bias: [Int32]
    public var requantization: Requantization

    public init(
        input: TensorID, output: TensorID, window: WindowGeometry, weights: [Int8], bias: [Int32],
        requantization: Requantization
    ) {
        self.input = input
        self.output = output
        self.window = window
        self.weights = weights
        self.bias = bias
        self.requantization = requantization
    }
}

/// A max or average pool; the output shares the input's scale and zero point. A global average
/// pool is an average pool whose window is the whole input.
public struct PoolOperation: Sendable, Equatable {
    public var input: TensorID
    public var output: TensorID
    public var window: WindowGeometry
    public var activationMin: Int32
    public var activationMax: Int32

    public init(input: TensorID, output: TensorID, window: WindowGeometry, activationMin: Int32 = -128, activationMax: Int32 = 127) {
        self.input = input
        self.output = output
        self.window = window
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

/// Elementwise add with TFLite's fixed-point scheme (`edge_add_params`).
public struct AddOperation: Sendable, Equatable {
    public var a: TensorID
    public var b: TensorID
    public var output: TensorID
    public var leftShift: Int32
    public var aMultiplier: Int32, aShift: Int32
    public var bMultiplier: Int32, bShift: Int32
    public var outputMultiplier: Int32, outputShift: Int32
    public var activationMin: Int32, activationMax: Int32

    public init(
        a: TensorID, b: TensorID, output: TensorID, leftShift: Int32, aMultiplier: Int32, aShift: Int32,
        bMultiplier: Int32, bShift: Int32, outputMultiplier: Int32, outputShift: Int32,
        activationMin: Int32, activationMax: Int32
    ) {
        self.a = a
        self.b = b
        self.output = output
        self.leftShift = leftShift
        self.aMultiplier = aMultiplier
        self.aShift = aShift
        self.bMultiplier = bMultiplier
        self.bShift = bShift
        self.outputMultiplier = outputMultiplier
        self.outputShift = outputShift
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

/// An elementwise function of one tensor as a table on its codes (`edge_s8_lookup` /
/// `edge_s16_lookup` in edge_kernels.h): hard swish, hard sigmoid, sigmoid.
/// - int8: 256 entries, output = table[input + 128], every entry within int8;
/// - int16: 513 entries sampled every 128 codes, output = table[i] + round((table[i + 1] - table[i])
///   * f / 128) with i = (input + 32768) >> 7 and f = (input + 32768) & 127 (halves up).
public struct LookupOperation: Sendable, Equatable {
    public var input: TensorID
    public var output: TensorID
    /// Output codes (int8 values for an int8 model, int16 for an int16 one).
    public var table: [Int16]
    /// What the table computes ("hard_swish", ...), for reports.
    public var function: String

    /// Entries of the table for `type` (256 or 513).
    public static func tableCount(for type: ActivationType) -> Int { type == .int8 ? 256 : 513 }

    public init(input: TensorID, output: TensorID, table: [Int16], function: String) {
        self.input = input
        self.output = output
        self.table = table
        self.function = function
    }
}

/// Elementwise product of `a` and `b` (`edge_multiply_params`): `b` has `a`'s shape, or is a
/// 1x1xC vector applied to every pixel of `a` (a per-channel gate);
/// out = clamp(requantize((a - za) * (b - zb), multiplier, shift) + zo, min, max).
public struct MultiplyOperation: Sendable, Equatable {
    public var a: TensorID
    public var b: TensorID
    public var output: TensorID
    public var multiplier: Int32, shift: Int32
    public var activationMin: Int32, activationMax: Int32

    public init(a: TensorID, b: TensorID, output: TensorID, multiplier: Int32, shift: Int32,
                activationMin: Int32, activationMax: Int32) {
        self.a = a
        self.b = b
        self.output = output
        self.multiplier = multiplier
        self.shift = shift
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}

public enum ModelOperation: Sendable, Equatable {
    case conv2D(WeightedOperation)
    case depthwiseConv2D(WeightedOperation, depthMultiplier: Int)
    case fullyConnected(WeightedOperation)
    case maxPool(PoolOperation)
    case averagePool(PoolOperation)
    case add(AddOperation)
    case lookup(LookupOperation)
    case multiply(MultiplyOperation)
    /// HWC to 1x1xN: same bytes, same quantization; the runtime aliases the two tensors.
    case flatten(input: TensorID, output: TensorID)

    public var inputs: [TensorID] {
        switch self {
        case .conv2D(let op), .depthwiseConv2D(let op, _), .fullyConnected(let op): return [op.input]
        case .maxPool(let op), .averagePool(let op): return [op.input]
        case .add(let op): return [op.a, op.b]
        case .lookup(let op): return [op.input]
        case .multiply(let op): return [op.a, op.b]
        case .flatten(let input, _): return [input]
        }
    }

    public var output: TensorID {
        switch self {
        case .conv2D(let op), .depthwiseConv2D(let op, _), .fullyConnected(let op): return op.output
        case .maxPool(let op), .averagePool(let op): return op.output
        case .add(let op): return op.output
        case .lookup(let op): return op.output
        case .multiply(let op): return op.output
        case .flatten(_, let output): return output
        }
    }

    /// The conv, depthwise conv or fully connected parameters; nil for other operations.
    public var weighted: WeightedOperation? {
        switch self {
        case .conv2D(let op), .depthwiseConv2D(let op, _), .fullyConnected(let op): return op
        default: return nil
        }
    }

    /// Terms in each int32 sum of a conv (window x input channels) or depthwise conv (window);
    /// nil for other operations (fully connected sums int16 inputs in int64).
    public var taps: Int? {
        switch self {
        case .conv2D(let op): return op.weights.count / max(op.bias.count, 1)
        case .depthwiseConv2D(let op, _): return op.window.kernelHeight * op.window.kernelWidth
        default: return nil
        }
    }

    /// The same operation with `op` as its parameters (for weighted operations).
    public func replacingWeighted(_ op: WeightedOperation) -> ModelOperation {
        switch self {
        case .conv2D: return .conv2D(op)
        case .depthwiseConv2D(_, let depthMultiplier): return .depthwiseConv2D(op, depthMultiplier: depthMultiplier)
        case .fullyConnected: return .fullyConnected(op)
        default: return self
        }
    }

    /// The name used in the file's op records, reports and errors.
    public var kind: String {
        switch self {
        case .conv2D: return "conv2d"
        case .depthwiseConv2D: return "depthwise_conv2d"
        case .fullyConnected: return "fully_connected"
        case .maxPool: return "max_pool"
        case .averagePool: return "average_pool"
        case .add: return "add"
        case .lookup(let op): return op.function
        case .multiply: return "multiply"
        case .flatten: return "flatten"
        }
    }
}
