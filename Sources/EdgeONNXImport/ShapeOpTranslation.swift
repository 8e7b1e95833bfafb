import EdgeGraph
import EdgeModel

/// Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Identity, Dropout and Constant: ops that move
/// no data in the graph, only change how the ONNX tensor maps onto it.
extension ONNXGraphTranslator {
    mutating func translateConstant(_ node: ONNXNode) throws(TranslationError) {
        let output = try node.output(0)
        var tensor = Onnx_TensorProto()
        if let value = node.attributes.tensor("value") {
            tensor = value
        } else if let attribute = node.attributes.attribute("value_float"), attribute.hasF {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.floatData = [attribute.f]
        } else if let attribute = node.attributes.attribute("value_floats") {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.dims = [Int64(attribute.floats.count)]
            tensor.floatData = attribute.floats
        } else if let attribute = node.attributes.attribute("value_int"), attribute.hasI {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.int64Data = [attribute.i]
        } else if let attribute = node.attributes.attribute("value_ints") {
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.dims = [Int64(attribute.ints.count)]
            tensor.int64Data = attribute.ints
        } else {
            throw node.error("has no value attribute of a supported kind (value, value_float(s), value_int(s))")
        }
        constants[output] = try ONNXConstant(tensor, name: output)
    }

    /// Identity, and Dropout at inference: the output is the input.
    mutating func translatePassThrough(_ node: ONNXNode) throws(TranslationError) {
        try requireSingleOutputUsed(node)
        let input = try node.requiredInput(0)
        if let constant = constants[input] {
            constants[try node.output(0)] = constant
        } else {
            try define(node, value(input, for: node))
        }
    }

    mutating func translateFlatten(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let axis = try node.attributes.int("axis", default: 1)
        // With batch 1, axis 0 and 1 both give [1, N]; other axes keep a spatial matrix.
        guard axis == 0 || axis == 1 else { throw node.error("axis=\(axis) is not supported (only 1, flattening all but the batch)") }
        try flatten(input, node)
    }

    /// [1, N] in ONNX order; the graph node holds it in HWC order, remembered as `graphIndex`.
    private mutating func flatten(_ input: TranslatedValue, _ node: ONNXNode) throws(TranslationError) {
        if case .vector = input.layout { return try define(node, input) }
        let shape = shape(of: input)
        let index = input.layout.storageIndex(shape)
        let id = shape.height == 1 && shape.width == 1 ? input.node : try append(node, .flatten, input: input)
        try define(node, TranslatedValue(node: id, layout: .vector(graphIndex: index)))
    }

    /// Reshape (constant shape), Squeeze and Unsqueeze: flattening to [1, N], or a reshape that
    /// keeps the graph's storage order (e.g. tf2onnx's [1, H, W, 1] -> [1, 1, H, W]).
    mutating func translateReshape(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let shape = shape(of: input)
        let dims = input.layout.onnxDims(shape)
        let target: [Int]
        switch node.opType {
        case "Reshape": target = try reshapeTarget(node, input: dims)
        default: target = try squeezeTarget(node, input: dims, squeeze: node.opType == "Squeeze")
        }
        if target == dims { return try define(node, input) }
        if target.count <= 2, target.first == 1 || target.count == 1 {
            return try flatten(input, node)
        }
        if target.count == 4, target[0] == 1, input.layout.onnxOrderIsStorageOrder(shape) {
            let asChannelsFirst = TensorShape(height: target[2], width: target[3], channels: target[1])
            let asChannelsLast = TensorShape(height: target[1], width: target[2], channels: target[3])
            if asChannelsFirst == shape, TensorLayout.channelsFirst.onnxOrderIsStorageOrder(shape) {
                return try define(node, TranslatedValue(node: input.node, layout: .channelsFirst))
            }
            if asChannelsLast == shape {
                return try define(node, TranslatedValue(node: input.node, layout: .channelsLast))
            }
        }
        throw node.error("reshapes \(dims) to \(target), which moves data between the runtime's HWC layout and ONNX's; only flattening to [1, -1] and layout-neutral reshapes are supported")
    }

    private func reshapeTarget(_ node: ONNXNode, input dims: [Int]) throws(TranslationError) -> [Int] {
        var target = try constant(node.requiredInput(1), for: node).integers()
        let allowZero = try node.attributes.int("allowzero", default: 0) != 0
        let total = dims.reduce(1, *)
        for i in target.indices where target[i] == 0 && !allowZero {
            guard i < dims.count else { throw node.error("shape \(target) copies dimension \(i), which the input \(dims) lacks") }
            target[i] = dims[i]
        }
        let inferred = target.indices.filter { target[$0] == -1 }
        guard inferred.count <= 1, target.allSatisfy({ $0 >= -1 }) else { throw node.error("invalid shape \(target)") }
        guard target.allSatisfy({ $0 <= total }) else { throw node.error("cannot reshape \(dims) to \(target)") }
        if let position = inferred.first {
            let known = Self.product(target.filter { $0 != -1 }) ?? 0
            guard known > 0, total % known == 0 else { throw node.error("cannot reshape \(dims) to \(target)") }
            target[position] = total / known
        }
        guard Self.product(target) == total else { throw node.error("cannot reshape \(dims) (\(total) elements) to \(target)") }
        return target
    }

    /// The product of `values`, nil on overflow.
    static func product(_ values: [Int]) -> Int? {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            result = next
        }
        return result
    }

    private func squeezeTarget(_ node: ONNXNode, input dims: [Int], squeeze: Bool) throws(TranslationError) -> [Int] {
        // Axes are an attribute before opset 13 and an input from 13 on.
        let axes: [Int]? = node.opset >= 13
            ? try node.input(1).map { name throws(TranslationError) in try constant(name, for: node).integers() }
            : try node.attributes.ints("axes")
        let rank = squeeze ? dims.count : dims.count + (axes?.count ?? 0)
        guard let axes = axes ?? (squeeze ? dims.indices.filter { dims[$0] == 1 } : nil) else {
            throw node.error("needs axes")
        }
        let normalized = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.allSatisfy({ (0..<rank).contains($0) }), Set(normalized).count == normalized.count else {
            throw node.error("axes \(axes) are invalid for rank \(rank)")
        }
        if squeeze {
            guard normalized.allSatisfy({ dims[$0] == 1 }) else { throw node.error("squeezes axes \(axes) of \(dims), which are not all 1") }
            return dims.indices.filter { !normalized.contains($0) }.map { dims[$0] }
        }
        var result: [Int] = []
        var remaining = dims.makeIterator()
        for axis in 0..<rank { result.append(normalized.contains(axis) ? 1 : remaining.next() ?? 1) }
        return result
    }

    /// tf2onnx's layout changes: NHWC -> NCHW ([0, 3, 1, 2]) and back ([0, 2, 3, 1]); the graph
    /// stores both HWC, so only the layout label changes.
    mutating func translateTranspose(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let rank = input.layout.onnxDims(shape(of: input)).count
        let perm = try node.attributes.ints("perm") ?? Array((0..<rank).reversed())
        if perm == Array(0..<rank) { return try define(node, input) }
        switch (input.layout, perm) {
        case (.channelsLast, [0, 3, 1, 2]):
            try define(node, TranslatedValue(node: input.node, layout: .channelsFirst))
        case (.channelsFirst, [0, 2, 3, 1]):
            try define(node, TranslatedValue(node: input.node, layout: .channelsLast))
        default:
            throw node.error("perm \(perm) on a \(input.layout) tensor is not supported; only NHWC <-> NCHW transposes of feature maps are")
        }
    }
}

/// Relu, Clip and Softmax.
extension ONNXGraphTranslator {
    mutating func translateActivation(_ node: ONNXNode, _ activation: FusedActivation) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        try define(node, TranslatedValue(node: append(node, .activation(activation), input: input), layout: input.layout))
    }

    /// Clip(0, 6) is ReLU6 and Clip(0, +inf) ReLU; bounds are attributes before opset 11 and
    /// constant inputs from 11 on.
    mutating func translateClip(_ node: ONNXNode) throws(TranslationError) {
        var lower = -Float.greatestFiniteMagnitude
        var upper = Float.greatestFiniteMagnitude
        if node.opset < 11 {
            lower = try node.attributes.float("min", default: lower)
            upper = try node.attributes.float("max", default: upper)
        } else {
            func bound(_ index: Int) throws(TranslationError) -> Float? {
                guard let name = node.input(index) else { return nil }
                let values = try constant(name, for: node).floats()
                guard values.count == 1 else { throw node.error("bound '\(name)' must be a scalar") }
                return values[0]
            }
            lower = try bound(1) ?? lower
            upper = try bound(2) ?? upper
        }
        switch (lower, upper) {
        case (0, 6): try translateActivation(node, .relu6)
        case (0, Float.greatestFiniteMagnitude...): try translateActivation(node, .relu)
        default: throw node.error("Clip(\(lower), \(upper)) is not supported; only Clip(0, 6) (ReLU6) and Clip(0, +inf) (ReLU) are")
        }
    }

    /// Softmax over the class vector: [1, N], or a [1, C, 1, 1] map, on the channel axis.
    mutating func translateSoftmax(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let shape = shape(of: input)
        let dims = input.layout.onnxDims(shape)
        var axis = try node.attributes.int("axis", default: node.opset >= 13 ? -1 : 1)
        if axis < 0 { axis += dims.count }
        let channelAxis: Int
        switch input.layout {
        case .vector: channelAxis = 1
        case .channelsFirst: channelAxis = 1
        case .channelsLast: channelAxis = 3
        }
        // Before opset 13 Softmax normalizes over all axes from `axis` on: the channel vector
        // exactly when the spatial size is 1 and `axis` is at or before the channel axis.
        let isClassVector: Bool
        if case .vector = input.layout { isClassVector = true } else { isClassVector = shape.height * shape.width == 1 }
        let supported = isClassVector && (node.opset >= 13 ? axis == channelAxis : axis <= channelAxis)
        guard supported else {
            throw node.error("softmax over axis \(axis) of \(dims) is not supported; only over the channel/class axis of a [1, N] or [1, C, 1, 1] tensor")
        }
        try define(node, TranslatedValue(node: append(node, .softmax, input: input), layout: input.layout))
    }
}
