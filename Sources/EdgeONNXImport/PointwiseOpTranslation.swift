import EdgeGraph
import EdgeModel

/// HardSwish, HardSigmoid, Sigmoid and Mul of two activations (MobileNetV3's activations and its
/// squeeze-and-excitation gate).
extension ONNXGraphTranslator {
    mutating func translatePointwise(_ node: ONNXNode, _ function: PointwiseFunction) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        try define(node, TranslatedValue(node: append(node, .pointwise(function), input: input), layout: input.layout))
    }

    /// HardSigmoid(alpha, beta), defaults 0.2 and 0.5 (PyTorch writes alpha 1/6).
    mutating func translateHardSigmoid(_ node: ONNXNode) throws(TranslationError) {
        let alpha = try node.attributes.float("alpha", default: 0.2)
        let beta = try node.attributes.float("beta", default: 0.5)
        try translatePointwise(node, .hardSigmoid(alpha: alpha, beta: beta))
    }

    /// Mul of two activations: two maps of the same shape and layout, or a map and a per-channel
    /// [1, C, 1, 1] gate (either order); the graph's multiply takes the map first.
    mutating func translateMul(_ node: ONNXNode) throws(TranslationError) {
        let a = try node.requiredInput(0), b = try node.requiredInput(1)
        if constants[a] != nil || constants[b] != nil {
            throw node.error("multiplies an activation by a constant; only Mul of two activations (a squeeze-and-excitation gate, or two maps of one shape) is supported")
        }
        let left = try value(a, for: node), right = try value(b, for: node)
        let leftShape = shape(of: left), rightShape = shape(of: right)
        func isGate(_ gate: TranslatedValue, _ gateShape: TensorShape, of mapShape: TensorShape) -> Bool {
            guard gateShape == .vector(mapShape.channels) else { return false }
            if case .vector = gate.layout { return false }  // [1, C]: broadcasts over W in ONNX, not over channels
            return true
        }
        let map: TranslatedValue, other: TranslatedValue
        if leftShape == rightShape {
            guard left.layout == right.layout else {
                throw node.error("multiplies tensors of different layouts (\(left.layout) and \(right.layout))")
            }
            (map, other) = (left, right)
        } else if isGate(right, rightShape, of: leftShape) {
            (map, other) = (left, right)
        } else if isGate(left, leftShape, of: rightShape) {
            (map, other) = (right, left)
        } else {
            throw node.error("multiplies \(left.layout.onnxDims(leftShape)) by \(right.layout.onnxDims(rightShape)); only the same shape, or a map by a [1, C, 1, 1] per-channel gate, is supported")
        }
        let product = try append(node.name, .multiply, inputs: [map.node, other.node])
        try define(node, TranslatedValue(node: product, layout: map.layout))
    }
}
