import EdgeModel
import Foundation

/// The float model as the importers (Keras HDF5, ONNX) produce it and the quantizer consumes it.
///
/// Conventions shared by every producer and consumer of a `Graph`:
/// - batch 1, activations laid out HWC (NHWC without the batch); vectors (after `flatten`/`dense`)
///   have shape 1x1xN;
/// - conv weights OHWI (`[outputChannels][kernelHeight][kernelWidth][inputChannels]`), depthwise
///   weights HWC (`[kernelHeight][kernelWidth][inputChannels * depthMultiplier]`, output channel
///   `c * depthMultiplier + m` reads input channel `c`), dense weights `[outputs][inputs]`;
/// - `flatten` reads HWC order (Keras order); importers from NCHW frameworks permute the following
///   dense layer's weights instead;
/// - padding is explicit and already resolved (TensorFlow SAME is asymmetric, see `Padding.same`).
public struct Graph: Sendable, Equatable {
    /// Shape of the single input tensor.
    public var inputShape: TensorShape
    /// How an 8-bit pixel becomes the float model input.
    public var preprocessing: Preprocessing
    /// Class names, in output order.
    public var labels: [String]
    /// Nodes in topological order: every input of a node precedes it. Node 0 is the `.input` node.
    public var nodes: [Node]
    /// The node whose output is the model output.
    public var output: NodeID
    /// Free text saying where the model came from (file name, framework, checksum...).
    public var provenance: String

    public init(
        inputShape: TensorShape, preprocessing: Preprocessing, labels: [String], nodes: [Node],
        output: NodeID, provenance: String
    ) {
        self.inputShape = inputShape
        self.preprocessing = preprocessing
        self.labels = labels
        self.nodes = nodes
        self.output = output
        self.provenance = provenance
    }

    /// Indices of the nodes that read `node`'s output.
    public func consumers(of node: NodeID) -> [NodeID] {
        nodes.indices.filter { nodes[$0].inputs.contains(node) }
    }
}

/// Index of a node in `Graph.nodes`.
public typealias NodeID = Int

public struct Node: Sendable, Equatable {
    /// The layer name in the source framework, kept for error messages and per-layer reports.
    public var name: String
    public var operation: Operation
    public var inputs: [NodeID]
    public var outputShape: TensorShape

    public init(name: String, operation: Operation, inputs: [NodeID], outputShape: TensorShape) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.outputShape = outputShape
    }
}

/// Explicit zero padding on each side of a spatial window operation.
public struct Padding: Hashable, Sendable {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    public static let valid = Padding(top: 0, left: 0, bottom: 0, right: 0)

    /// TensorFlow's SAME padding: output = ceil(input / stride); the total padding
    /// max((output - 1) * stride + kernel - input, 0) is split with the smaller half before
    /// (top/left) and the larger half after, so even sizes pad asymmetrically (a 2x2 stride-2 pool
    /// on an odd size pads (0, 1)).
    public static func same(
        input: TensorShape, kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int
    ) -> Padding {
        func split(_ size: Int, _ kernel: Int, _ stride: Int) -> (Int, Int) {
            let output = (size + stride - 1) / stride
            let total = max((output - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(input.height, kernelHeight, strideHeight)
        let (left, right) = split(input.width, kernelWidth, strideWidth)
        return Padding(top: top, left: left, bottom: bottom, right: right)
    }
}

/// The spatial geometry shared by convolutions and pools: the board's `WindowGeometry` (kernel, strides and
/// leading padding, what a .edgemodel stores) plus the trailing padding the float graph also needs.
public struct Window: Hashable, Sendable {
    public var geometry: WindowGeometry
    public var padBottom: Int
    public var padRight: Int

    public init(kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int, padding: Padding) {
        geometry = WindowGeometry(kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight,
                                  strideWidth: strideWidth, padTop: padding.top, padLeft: padding.left)
        padBottom = padding.bottom
        padRight = padding.right
    }

    public var kernelHeight: Int { geometry.kernelHeight }
    public var kernelWidth: Int { geometry.kernelWidth }
    public var strideHeight: Int { geometry.strideHeight }
    public var strideWidth: Int { geometry.strideWidth }

    public var padding: Padding {
        get { Padding(top: geometry.padTop, left: geometry.padLeft, bottom: padBottom, right: padRight) }
        set {
            geometry.padTop = newValue.top
            geometry.padLeft = newValue.left
            padBottom = newValue.bottom
            padRight = newValue.right
        }
    }

    /// Output height and width for an input of `input`'s size; nil when the window does not fit.
    public func outputSize(for input: TensorShape) -> (height: Int, width: Int)? {
        let paddedHeight = input.height + padding.top + padding.bottom
        let paddedWidth = input.width + padding.left + padding.right
        guard kernelHeight > 0, kernelWidth > 0, strideHeight > 0, strideWidth > 0,
              paddedHeight >= kernelHeight, paddedWidth >= kernelWidth else { return nil }
        return ((paddedHeight - kernelHeight) / strideHeight + 1, (paddedWidth - kernelWidth) / strideWidth + 1)
    }
}

/// An activation fused into the operation that precedes it (or standing alone).
public enum FusedActivation: String, Hashable, Sendable, CaseIterable {
    case none, relu, relu6

    public func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        }
    }
}

/// An elementwise nonlinearity that clamps cannot express; the quantized model applies it as a lookup
/// table on the input's codes (`LookupOperation`).
public enum PointwiseFunction: Hashable, Sendable {
    /// x * clamp(x / 6 + 1/2, 0, 1) (PyTorch's Hardswish, ONNX HardSwish).
    case hardSwish
    /// clamp(alpha * x + beta, 0, 1) (ONNX HardSigmoid; PyTorch's Hardsigmoid is alpha 1/6, beta 1/2).
    case hardSigmoid(alpha: Float, beta: Float)
    /// 1 / (1 + exp(-x)).
    case sigmoid

    /// The function in Double (what the quantizer tabulates).
    public func apply(_ x: Double) -> Double {
        switch self {
        case .hardSwish: return x * min(max(x / 6 + 0.5, 0), 1)
        case .hardSigmoid(let alpha, let beta): return min(max(Double(alpha) * x + Double(beta), 0), 1)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        }
    }

    /// The function in Float (the float reference executor), computed as ONNX Runtime does in binary32.
    public func apply(_ x: Float) -> Float {
        switch self {
        case .hardSwish: return x * min(max(x * (1 / 6 as Float) + 0.5, 0), 1)
        case .hardSigmoid(let alpha, let beta): return min(max(alpha * x + beta, 0), 1)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        }
    }

    public var name: String {
        switch self {
        case .hardSwish: return "hard_swish"
        case .hardSigmoid: return "hard_sigmoid"
        case .sigmoid: return "sigmoid"
        }
    }
}

public struct Conv2D: Sendable, Equatable {
    public var window: Window
    public var outputChannels: Int
    /// OHWI: `[outputChannels][kernelHeight][kernelWidth][inputChannels]`.
    public var weights: [Float]
    /// One per output channel (zeros for a conv without bias).
    public var bias: [Float]
    public var activation: FusedActivation

    public init(window: Window, outputChannels: Int, weights: [Float], bias: [Float], activation: FusedActivation) {
        self.window = window
        self.outputChannels = outputChannels
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }
}

public struct DepthwiseConv2D: Sendable, Equatable {
    public var window: Window
    public var depthMultiplier: Int
    /// HWC: `[kernelHeight][kernelWidth][inputChannels * depthMultiplier]`.
    public var weights: [Float]
    /// One per output channel.
    public var bias: [Float]
    public var activation: FusedActivation

    public init(window: Window, depthMultiplier: Int, weights: [Float], bias: [Float], activation: FusedActivation) {
        self.window = window
        self.depthMultiplier = depthMultiplier
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }
}

public struct Dense: Sendable, Equatable {
    public var outputCount: Int
    /// `[outputCount][inputCount]`, inputs in HWC order of the flattened input.
    public var weights: [Float]
    public var bias: [Float]
    public var activation: FusedActivation

    public init(outputCount: Int, weights: [Float], bias: [Float], activation: FusedActivation) {
        self.outputCount = outputCount
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }
}

/// y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, per channel. Importers emit it;
/// `GraphOptimizer` folds it into the preceding conv, depthwise conv or dense layer.
public struct BatchNormalization: Sendable, Equatable {
    public var gamma: [Float]
    public var beta: [Float]
    public var mean: [Float]
    public var variance: [Float]
    public var epsilon: Float

    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
    }
}

public enum Operation: Sendable, Equatable {
    /// The graph input (node 0 only).
    case input
    case conv2D(Conv2D)
    case depthwiseConv2D(DepthwiseConv2D)
    case batchNormalization(BatchNormalization)
    /// A standalone activation; `GraphOptimizer` fuses it into its producer where it can.
    case activation(FusedActivation)
    /// Padded positions never win (TensorFlow pads max-pool with -infinity).
    case maxPool(Window)
    /// Divides by the number of valid (unpadded) positions, as TensorFlow does.
    case averagePool(Window)
    case globalAveragePool
    /// Elementwise sum of two same-shaped inputs.
    case add(FusedActivation)
    /// Elementwise nonlinearity (hard swish, hard sigmoid, sigmoid).
    case pointwise(PointwiseFunction)
    /// Elementwise product of a map (input 0) and either a map of the same shape or a 1x1xC vector
    /// of its channel count (input 1, broadcast over every pixel: a squeeze-and-excitation gate).
    case multiply
    /// HWC to a 1x1xN vector (no data movement in HWC layout).
    case flatten
    case dense(Dense)
    /// Softmax over channels.
    case softmax

    /// A short name for messages and reports ("conv2d", "max_pool", ...).
    public var kind: String {
        switch self {
        case .input: return "input"
        case .conv2D: return "conv2d"
        case .depthwiseConv2D: return "depthwise_conv2d"
        case .batchNormalization: return "batch_normalization"
        case .activation(let activation): return activation.rawValue
        case .maxPool: return "max_pool"
        case .averagePool: return "average_pool"
        case .globalAveragePool: return "global_average_pool"
        case .add: return "add"
        case .pointwise(let function): return function.name
        case .multiply: return "multiply"
        case .flatten: return "flatten"
        case .dense: return "dense"
        case .softmax: return "softmax"
        }
    }
}
