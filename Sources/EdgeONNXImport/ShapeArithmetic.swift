/// Shape, Gather, Concat, Cast, and Reshape/Squeeze/Unsqueeze of constants: the shape arithmetic
/// PyTorch's exporter writes around a dynamic batch axis (`x.view(x.size(0), -1)` becomes
/// Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Evaluated at import, with batch 1, so the
/// Reshape after it reads a constant shape. Only small constant tensors go through here.
extension ONNXGraphTranslator {
    mutating func translateShapeOf(_ node: ONNXNode) throws(TranslationError) {
        let name = try node.requiredInput(0)
        let dims: [Int]
        if let constant = constants[name] {
            dims = constant.dims
        } else {
            let input = try value(name, for: node)
            dims = input.layout.onnxDims(shape(of: input))
        }
        // Opset 15 added start/end (negative from the back, clamped).
        func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + dims.count : index, 0), dims.count) }
        let start = clamp(try node.attributes.int("start", default: 0))
        let end = clamp(try node.attributes.int("end", default: dims.count))
        let slice = start < end ? Array(dims[start..<end]) : []
        try defineConstant(node, integers: slice, dims: [slice.count])
    }

    mutating func translateGather(_ node: ONNXNode) throws(TranslationError) {
        guard let data = constants[try node.requiredInput(0)] else {
            throw node.error("gathers from an activation tensor; only Gather on constants (shape arithmetic) is supported")
        }
        let indices = try constant(node.requiredInput(1), for: node)
        guard data.dims.count == 1, try node.attributes.int("axis", default: 0) == 0 else {
            throw node.error("gathers from a \(data.dims.count)-D constant; only 1-D (shape vectors) is supported")
        }
        let count = data.dims[0]
        let positions = try indices.integers().map { index throws(TranslationError) -> Int in
            let position = index < 0 ? index + count : index
            guard (0..<count).contains(position) else { throw node.error("index \(index) is out of range for \(count) values") }
            return position
        }
        if data.isInteger {
            let values = try data.integers()
            try defineConstant(node, integers: positions.map { values[$0] }, dims: indices.dims)
        } else {
            let values = try data.floats()
            try defineConstant(node, floats: positions.map { values[$0] }, dims: indices.dims)
        }
    }

    mutating func translateConcat(_ node: ONNXNode) throws(TranslationError) {
        var parts: [ONNXConstant] = []
        for name in node.proto.input where !name.isEmpty {
            guard let part = constants[name] else {
                throw node.error("concatenates activation tensors; only Concat of constants (shape arithmetic) is supported")
            }
            guard part.dims.count <= 1 else { throw node.error("concatenates \(part.dims.count)-D constants; only 1-D is supported") }
            parts.append(part)
        }
        if parts.allSatisfy(\.isInteger) {
            var values: [Int] = []
            for part in parts { values += try part.integers() }
            try defineConstant(node, integers: values, dims: [values.count])
        } else {
            var values: [Float] = []
            for part in parts { values += part.isInteger ? try part.integers().map(Float.init) : try part.floats() }
            try defineConstant(node, floats: values, dims: [values.count])
        }
    }

    mutating func translateCast(_ node: ONNXNode) throws(TranslationError) {
        let name = try node.requiredInput(0)
        guard let input = constants[name] else {
            // A float-to-float cast of an activation changes nothing the runtime sees.
            let to = try node.attributes.int("to", default: 0)
            guard to == Onnx_TensorProto.DataType.float.rawValue else {
                throw node.error("casts an activation tensor to data type #\(to); only float32 activations are supported")
            }
            return try define(node, value(name, for: node))
        }
        switch Onnx_TensorProto.DataType(rawValue: try node.attributes.int("to", default: 0)) {
        case .int64?, .int32?:
            let values = input.isInteger ? try input.integers() : try input.floats().map { Int($0.rounded(.towardZero)) }
            try defineConstant(node, integers: values, dims: input.dims)
        case .float?, .double?:
            try defineConstant(node, floats: input.isInteger ? try input.integers().map(Float.init) : try input.floats(), dims: input.dims)
        default:
            throw node.error("casts a constant to an unsupported data type")
        }
    }

    /// Reshape, Squeeze or Unsqueeze of a constant: the same values with new dimensions.
    mutating func translateConstantReshape(_ node: ONNXNode, _ input: ONNXConstant) throws(TranslationError) {
        var dims = input.dims
        switch node.opType {
        case "Reshape":
            var target = try constant(node.requiredInput(1), for: node).integers()
            for i in target.indices where target[i] == 0 && i < dims.count { target[i] = dims[i] }
            if let inferred = target.firstIndex(of: -1) {
                let known = Self.product(target.filter { $0 != -1 }) ?? 0
                target[inferred] = known > 0 ? input.elementCount / known : 0
            }
            guard target.allSatisfy({ $0 >= 0 }), Self.product(target) == input.elementCount else {
                throw node.error("cannot reshape constant \(input.dims) to \(target)")
            }
            dims = target
        default:
            let axes: [Int]? = node.opset >= 13
                ? try node.input(1).map { name throws(TranslationError) in try constant(name, for: node).integers() }
                : try node.attributes.ints("axes")
            if node.opType == "Squeeze" {
                let squeezed = Set((axes ?? dims.indices.filter { dims[$0] == 1 }).map { $0 < 0 ? $0 + dims.count : $0 })
                guard squeezed.allSatisfy({ (0..<dims.count).contains($0) && dims[$0] == 1 }) else {
                    throw node.error("squeezes axes \(axes ?? []) of constant \(dims), which are not all 1")
                }
                dims = dims.indices.filter { !squeezed.contains($0) }.map { dims[$0] }
            } else {
                guard let axes else { throw node.error("needs axes") }
                let rank = dims.count + axes.count
                let inserted = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
                guard inserted.count == axes.count, inserted.allSatisfy({ (0..<rank).contains($0) }) else {
                    throw node.error("axes \(axes) are invalid for rank \(rank)")
                }
                var remaining = dims.makeIterator()
                dims = (0..<rank).map { inserted.contains($0) ? 1 : remaining.next() ?? 1 }
            }
        }
        var tensor = input.tensor
        tensor.dims = dims.map { Int64($0) }
        constants[try node.output(0)] = try ONNXConstant(tensor, name: try node.output(0))
    }

    private mutating func defineConstant(_ node: ONNXNode, integers values: [Int], dims: [Int]) throws(TranslationError) {
        var tensor = Onnx_TensorProto()
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.dims = dims.map { Int64($0) }
        tensor.int64Data = values.map { Int64($0) }
        constants[try node.output(0)] = try ONNXConstant(tensor, name: try node.output(0))
    }

    private mutating func defineConstant(_ node: ONNXNode, floats values: [Float], dims: [Int]) throws(TranslationError) {
        var tensor = Onnx_TensorProto()
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = dims.map { Int64($0) }
        tensor.floatData = values
        constants[try node.output(0)] = try ONNXConstant(tensor, name: try node.output(0))
    }
}
