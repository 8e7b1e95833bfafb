/// Constant folding at import: a node of one of `foldableOps` whose inputs are all constants is
/// evaluated here, so the shape and padding arithmetic PyTorch's exporters write (e.g. the
/// TorchScript exporter's ConstantOfShape -> Concat -> Reshape -> Slice -> Transpose -> Cast in
/// front of a Pad) leaves only its result, whatever the subgraph's shape.
extension ONNXGraphTranslator {
    static let foldableOps: Set<String> = [
        "Add", "Cast", "Concat", "ConstantOfShape", "Div", "Equal", "Expand", "Gather", "Identity", "Mul", "Neg",
        "Range", "Reshape", "Shape", "Slice", "Squeeze", "Sub", "Transpose", "Unsqueeze", "Where",
    ]

    /// True when `node` can be evaluated now: a foldable op whose inputs are all constants.
    func isFoldable(_ node: ONNXNode) -> Bool {
        guard Self.foldableOps.contains(node.opType) else { return false }
        let inputs = node.proto.input.filter { !$0.isEmpty }
        return (!inputs.isEmpty || node.opType == "ConstantOfShape") && inputs.allSatisfy { constants[$0] != nil }
    }

    mutating func fold(_ node: ONNXNode) throws(TranslationError) {
        let inputs = try node.proto.input.map { name throws(TranslationError) -> FoldedTensor? in
            name.isEmpty ? nil : try FoldedTensor(constant(name, for: node))
        }
        func input(_ index: Int) throws(TranslationError) -> FoldedTensor {
            guard index < inputs.count, let tensor = inputs[index] else { throw node.error("input #\(index) is missing") }
            return tensor
        }
        let result: FoldedTensor
        switch node.opType {
        case "Identity":
            result = try input(0)
        case "Shape":
            let dims = try input(0).dims
            func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + dims.count : index, 0), dims.count) }
            let start = clamp(try node.attributes.int("start", default: 0))
            let end = clamp(try node.attributes.int("end", default: dims.count))
            let slice = start < end ? Array(dims[start..<end]) : []
            result = FoldedTensor(dims: [slice.count], values: .integers(slice))
        case "ConstantOfShape":
            let dims = try input(0).integerValues(node)
            guard dims.allSatisfy({ $0 >= 0 }), let count = Self.product(dims), count <= Self.maximumElements else {
                throw node.error("shape \(dims) is invalid or too large")
            }
            var value = FoldedTensor(dims: [1], values: .floats([0]))
            if let tensor = node.attributes.tensor("value") {
                value = try FoldedTensor(ONNXConstant(tensor, name: node.name))
                guard value.count == 1 else { throw node.error("value must hold one element") }
            }
            switch value.values {
            case .integers(let v): result = FoldedTensor(dims: dims, values: .integers(Array(repeating: v[0], count: count)))
            case .floats(let v): result = FoldedTensor(dims: dims, values: .floats(Array(repeating: v[0], count: count)))
            }
        case "Reshape":
            let data = try input(0)
            var target = try input(1).integerValues(node)
            let allowZero = try node.attributes.int("allowzero", default: 0) != 0
            for i in target.indices where target[i] == 0 && !allowZero && i < data.dims.count { target[i] = data.dims[i] }
            if let inferred = target.firstIndex(of: -1) {
                let known = Self.product(target.filter { $0 != -1 }) ?? 0
                target[inferred] = known > 0 ? data.count / known : 0
            }
            guard target.allSatisfy({ $0 >= 0 }), Self.product(target) == data.count else {
                throw node.error("cannot reshape constant \(data.dims) to \(target)")
            }
            result = FoldedTensor(dims: target, values: data.values)
        case "Squeeze", "Unsqueeze":
            let data = try input(0)
            let axes: [Int]? = node.opset >= 13
                ? try inputs.count > 1 ? inputs[1]?.integerValues(node) : nil
                : try node.attributes.ints("axes")
            var dims = data.dims
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
            result = FoldedTensor(dims: dims, values: data.values)
        case "Cast":
            let data = try input(0)
            switch Onnx_TensorProto.DataType(rawValue: try node.attributes.int("to", default: 0)) {
            case .int64?, .int32?, .int16?, .int8?, .uint8?, .bool?:
                result = FoldedTensor(dims: data.dims, values: .integers(data.integers))
            case .float?, .double?, .float16?:
                result = FoldedTensor(dims: data.dims, values: .floats(data.floats))
            default:
                throw node.error("casts a constant to an unsupported data type")
            }
        case "Gather":
            let data = try input(0)
            let indices = try input(1).integerValues(node)
            let axis = try normalizedAxis(node.attributes.int("axis", default: 0), rank: data.dims.count, node)
            let size = data.dims[axis]
            let positions = try indices.map { index throws(TranslationError) -> Int in
                let position = index < 0 ? index + size : index
                guard (0..<size).contains(position) else { throw node.error("index \(index) is out of range for \(size) values") }
                return position
            }
            let outer = data.dims[..<axis].reduce(1, *), inner = data.dims[(axis + 1)...].reduce(1, *)
            var order: [Int] = []
            for o in 0..<outer {
                for position in positions {
                    for i in 0..<inner { order.append((o * size + position) * inner + i) }
                }
            }
            let dims = Array(data.dims[..<axis]) + (try input(1).dims) + Array(data.dims[(axis + 1)...])
            result = data.picking(order, dims: dims)
        case "Slice":
            result = try foldSlice(node, inputs)
        case "Concat":
            let parts = inputs.compactMap { $0 }
            guard let first = parts.first else { throw node.error("has no inputs") }
            let axis = try normalizedAxis(node.attributes.int("axis", default: 0), rank: first.dims.count, node)
            guard parts.allSatisfy({ part in
                part.dims.count == first.dims.count && part.dims.indices.allSatisfy { i in i == axis || part.dims[i] == first.dims[i] }
            }) else {
                throw node.error("concatenates constants of incompatible dimensions \(parts.map(\.dims))")
            }
            let outer = first.dims[..<axis].reduce(1, *), inner = first.dims[(axis + 1)...].reduce(1, *)
            var dims = first.dims
            dims[axis] = parts.map { $0.dims[axis] }.reduce(0, +)
            let floating = parts.contains { if case .floats = $0.values { return true } else { return false } }
            var integers: [Int] = [], floats: [Float] = []
            for o in 0..<outer {
                for part in parts {
                    let chunk = part.dims[axis] * inner
                    if floating {
                        floats += part.floats[(o * chunk)..<((o + 1) * chunk)]
                    } else {
                        integers += part.integers[(o * chunk)..<((o + 1) * chunk)]
                    }
                }
            }
            result = FoldedTensor(dims: dims, values: floating ? .floats(floats) : .integers(integers))
        case "Transpose":
            let data = try input(0)
            let rank = data.dims.count
            let perm = try node.attributes.ints("perm") ?? Array((0..<rank).reversed())
            guard perm.sorted() == Array(0..<rank) else { throw node.error("perm \(perm) is invalid for rank \(rank)") }
            let dims = perm.map { data.dims[$0] }
            let inputStrides = FoldedTensor.strides(data.dims)
            let order = FoldedTensor.indices(dims).map { index in zip(perm, index).reduce(0) { $0 + inputStrides[$1.0] * $1.1 } }
            result = data.picking(order, dims: dims)
        case "Expand":
            let data = try input(0)
            let shape = try input(1).integerValues(node)
            let dims = try FoldedTensor.broadcastDims([data.dims, shape], node)
            result = data.picking(data.broadcastOrder(to: dims), dims: dims)
        case "Range":
            let (start, limit, delta) = (try input(0), try input(1), try input(2))
            if case .integers = start.values, case .integers = limit.values, case .integers = delta.values {
                let (a, b, d) = (start.integers[0], limit.integers[0], delta.integers[0])
                guard d != 0 else { throw node.error("delta is 0") }
                let count = max(0, (b - a + d + (d > 0 ? -1 : 1)) / d)
                guard count <= Self.maximumElements else { throw node.error("range is too long") }
                result = FoldedTensor(dims: [count], values: .integers((0..<count).map { a + $0 * d }))
            } else {
                let (a, b, d) = (start.floats[0], limit.floats[0], delta.floats[0])
                guard d != 0 else { throw node.error("delta is 0") }
                let count = max(0, Int(((b - a) / d).rounded(.up)))
                guard count <= Self.maximumElements else { throw node.error("range is too long") }
                result = FoldedTensor(dims: [count], values: .floats((0..<count).map { a + Float($0) * d }))
            }
        case "Neg":
            let data = try input(0)
            switch data.values {
            case .integers(let v): result = FoldedTensor(dims: data.dims, values: .integers(v.map { -$0 }))
            case .floats(let v): result = FoldedTensor(dims: data.dims, values: .floats(v.map { -$0 }))
            }
        case "Add", "Sub", "Mul", "Div", "Equal":
            result = try foldBinary(node, try input(0), try input(1))
        case "Where":
            let (condition, a, b) = (try input(0), try input(1), try input(2))
            let dims = try FoldedTensor.broadcastDims([condition.dims, a.dims, b.dims], node)
            let (c, x, y) = (condition.broadcastOrder(to: dims), a.broadcastOrder(to: dims), b.broadcastOrder(to: dims))
            let flags = condition.integers
            if case .integers = a.values, case .integers = b.values {
                let (u, v) = (a.integers, b.integers)
                result = FoldedTensor(dims: dims, values: .integers(c.indices.map { flags[c[$0]] != 0 ? u[x[$0]] : v[y[$0]] }))
            } else {
                let (u, v) = (a.floats, b.floats)
                result = FoldedTensor(dims: dims, values: .floats(c.indices.map { flags[c[$0]] != 0 ? u[x[$0]] : v[y[$0]] }))
            }
        default:
            throw node.error("op type '\(node.opType)' cannot be evaluated at import")
        }
        guard result.count <= Self.maximumElements else { throw node.error("constant result \(result.dims) is too large") }
        constants[try node.output(0)] = try result.constant(name: node.output(0))
    }

    private func normalizedAxis(_ axis: Int, rank: Int, _ node: ONNXNode) throws(TranslationError) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard (0..<max(rank, 1)).contains(normalized) else { throw node.error("axis \(axis) is out of range for rank \(rank)") }
        return normalized
    }

    /// Slice: starts/ends/axes/steps are inputs from opset 10, attributes before; negative steps
    /// walk backwards (the TorchScript exporter reverses pad lists that way).
    private func foldSlice(_ node: ONNXNode, _ inputs: [FoldedTensor?]) throws(TranslationError) -> FoldedTensor {
        guard let data = inputs.first ?? nil else { throw node.error("input #0 is missing") }
        func list(_ index: Int, _ attribute: String) throws(TranslationError) -> [Int]? {
            if node.opset >= 10 { return index < inputs.count ? try inputs[index]?.integerValues(node) : nil }
            return try node.attributes.ints(attribute)
        }
        guard let starts = try list(1, "starts"), let ends = try list(2, "ends"), starts.count == ends.count else {
            throw node.error("needs starts and ends of equal length")
        }
        let rank = data.dims.count
        let axes = try list(3, "axes") ?? Array(0..<starts.count)
        let steps = try list(4, "steps") ?? Array(repeating: 1, count: starts.count)
        guard axes.count == starts.count, steps.count == starts.count, steps.allSatisfy({ $0 != 0 }) else {
            throw node.error("axes/steps do not match starts, or a step is 0")
        }
        var ranges = data.dims.map { Array(0..<$0) }
        for (k, rawAxis) in axes.enumerated() {
            let axis = try normalizedAxis(rawAxis, rank: rank, node)
            let size = data.dims[axis], step = steps[k]
            func bound(_ value: Int, low: Int, high: Int) -> Int {
                let v = value < 0 ? value + size : value
                return min(max(v, low), high)
            }
            if step > 0 {
                let (s, e) = (bound(starts[k], low: 0, high: size), bound(ends[k], low: 0, high: size))
                ranges[axis] = Array(stride(from: s, to: e, by: step))
            } else {
                let (s, e) = (bound(starts[k], low: -1, high: size - 1), bound(ends[k], low: -1, high: size - 1))
                ranges[axis] = Array(stride(from: s, to: e, by: step))
            }
        }
        let dims = ranges.map(\.count)
        let strides = FoldedTensor.strides(data.dims)
        let order = FoldedTensor.indices(dims).map { index in index.indices.reduce(0) { $0 + strides[$1] * ranges[$1][index[$1]] } }
        return data.picking(order, dims: dims)
    }

    private func foldBinary(_ node: ONNXNode, _ a: FoldedTensor, _ b: FoldedTensor) throws(TranslationError) -> FoldedTensor {
        let dims = try FoldedTensor.broadcastDims([a.dims, b.dims], node)
        let (x, y) = (a.broadcastOrder(to: dims), b.broadcastOrder(to: dims))
        if case .integers(let u) = a.values, case .integers(let v) = b.values {
            var values: [Int] = []
            values.reserveCapacity(x.count)
            for i in x.indices {
                let (p, q) = (u[x[i]], v[y[i]])
                switch node.opType {
                case "Add": values.append(p &+ q)
                case "Sub": values.append(p &- q)
                case "Mul": values.append(p &* q)
                case "Equal": values.append(p == q ? 1 : 0)
                default:
                    guard q != 0 else { throw node.error("divides by zero") }
                    values.append(p / q)  // ONNX integer Div truncates, like C
                }
            }
            return FoldedTensor(dims: dims, values: .integers(values))
        }
        let (u, v) = (a.floats, b.floats)
        if node.opType == "Equal" {
            return FoldedTensor(dims: dims, values: .integers(x.indices.map { u[x[$0]] == v[y[$0]] ? 1 : 0 }))
        }
        let values: [Float] = x.indices.map { i in
            let (p, q) = (u[x[i]], v[y[i]])
            switch node.opType {
            case "Add": return p + q
            case "Sub": return p - q
            case "Mul": return p * q
            default: return p / q
            }
        }
        return FoldedTensor(dims: dims, values: .floats(values))
    }
}

/// A constant's values decoded once for folding: integers (any ONNX integer or bool type) or floats.
struct FoldedTensor {
    enum Values {
        case integers([Int])
        case floats([Float])
    }

    var dims: [Int]
    var values: Values

    init(dims: [Int], values: Values) {
        self.dims = dims
        self.values = values
    }

    init(_ constant: ONNXConstant) throws(TranslationError) {
        dims = constant.dims
        values = constant.isInteger ? .integers(try constant.integers()) : .floats(try constant.floats())
    }

    var count: Int {
        switch values {
        case .integers(let v): v.count
        case .floats(let v): v.count
        }
    }

    var integers: [Int] {
        switch values {
        case .integers(let v): v
        case .floats(let v): v.map { $0.isFinite ? Int($0.rounded(.towardZero)) : ($0 > 0 ? Int.max : Int.min) }
        }
    }

    var floats: [Float] {
        switch values {
        case .integers(let v): v.map(Float.init)
        case .floats(let v): v
        }
    }

    func integerValues(_ node: ONNXNode) throws(TranslationError) -> [Int] {
        guard case .integers(let v) = values else { throw node.error("expects an integer tensor, got floats") }
        return v
    }

    /// The elements at `order` (row-major offsets into this tensor), with new dimensions.
    func picking(_ order: [Int], dims: [Int]) -> FoldedTensor {
        switch values {
        case .integers(let v): FoldedTensor(dims: dims, values: .integers(order.map { v[$0] }))
        case .floats(let v): FoldedTensor(dims: dims, values: .floats(order.map { v[$0] }))
        }
    }

    static func strides(_ dims: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: dims.count)
        for i in dims.indices.reversed().dropFirst() { strides[i] = strides[i + 1] * dims[i + 1] }
        return strides
    }

    /// Every multi-index of `dims` in row-major order.
    static func indices(_ dims: [Int]) -> [[Int]] {
        let count = dims.reduce(1, *)
        guard count > 0 else { return [] }
        var result: [[Int]] = []
        result.reserveCapacity(count)
        var index = [Int](repeating: 0, count: dims.count)
        for _ in 0..<count {
            result.append(index)
            var axis = dims.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < dims[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// numpy-style broadcast of several shapes.
    static func broadcastDims(_ shapes: [[Int]], _ node: ONNXNode) throws(TranslationError) -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var result = [Int](repeating: 1, count: rank)
        for shape in shapes {
            let padded = Array(repeating: 1, count: rank - shape.count) + shape
            for i in 0..<rank where padded[i] != 1 {
                guard result[i] == 1 || result[i] == padded[i] else {
                    throw node.error("dimensions \(shapes) do not broadcast")
                }
                result[i] = padded[i]
            }
        }
        guard let count = ONNXGraphTranslator.product(result), count <= ONNXGraphTranslator.maximumElements else {
            throw node.error("broadcast result \(result) is too large")
        }
        return result
    }

    /// For each element of the broadcast shape `dims`, this tensor's element offset.
    func broadcastOrder(to dims: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: dims.count - self.dims.count) + self.dims
        let strides = Self.strides(padded)
        return Self.indices(dims).map { index in index.indices.reduce(0) { $0 + (padded[$1] == 1 ? 0 : strides[$1] * index[$1]) } }
    }

    func constant(name: String) throws(TranslationError) -> ONNXConstant {
        var tensor = Onnx_TensorProto()
        tensor.dims = dims.map { Int64($0) }
        switch values {
        case .integers(let v):
            tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
            tensor.int64Data = v.map { Int64($0) }
        case .floats(let v):
            tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            tensor.floatData = v
        }
        return try ONNXConstant(tensor, name: name)
    }
}
