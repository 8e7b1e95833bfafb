import EdgeGraph
import EdgeModel

/// Walks an ONNX graph's nodes (topologically ordered, as ONNX requires) and emits the
/// equivalent `Graph` nodes, tracking each ONNX tensor's layout (`TensorLayout`).
struct ONNXGraphTranslator {
    /// The model's opset of the default domain.
    let opset: Int
    let graph: Onnx_GraphProto
    var constants: [String: ONNXConstant] = [:]
    var values: [String: TranslatedValue] = [:]
    /// Graph nodes so far; node 0 is the input. Kept here (not in a GraphBuilder) so that an Add of
    /// a constant can still fold into the bias of the node before it.
    var nodes: [Node] = []
    /// How many node inputs and graph outputs read each ONNX tensor.
    var readers: [String: Int] = [:]
    /// Pad outputs not yet absorbed by the Conv or pool that reads them.
    var pendingPads: [String: PendingPad] = [:]

    /// Bound on any tensor's element count (a corrupt file can claim any size).
    static let maximumElements = 1 << 24

    static let supportedOps = [
        "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "Conv", "Dropout",
        "Flatten", "Gather", "Gemm", "GlobalAveragePool", "HardSigmoid", "HardSwish", "Identity", "MatMul", "MaxPool",
        "Mul", "Pad", "ReduceMean", "Relu", "Reshape", "Shape", "Sigmoid", "Softmax", "Squeeze", "Transpose", "Unsqueeze",
    ]

    init(model: Onnx_ModelProto) throws(TranslationError) {
        let versions = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map(\.version)
        guard let version = versions.max() else {
            throw TranslationError("declares no opset for the default ONNX domain (opset_import is empty)")
        }
        guard let opset = Int(exactly: version), ONNXImporter.supportedOpsets.contains(opset) else {
            throw TranslationError("opset \(version) is not supported (\(ONNXImporter.supportedOpsets.lowerBound)-\(ONNXImporter.supportedOpsets.upperBound)); re-export with e.g. torch.onnx.export(..., opset_version=17) or tf2onnx --opset 13")
        }
        self.opset = opset
        graph = model.graph
        for initializer in graph.initializer {
            constants[initializer.name] = try ONNXConstant(initializer)
        }
        for node in graph.node {
            for input in node.input where !input.isEmpty { readers[input, default: 0] += 1 }
        }
        for output in graph.output { readers[output.name, default: 0] += 1 }
    }

    mutating func translate() throws(TranslationError) -> TranslatedGraph {
        let inputName = try addInput()
        for node in graph.node {
            try translate(ONNXNode(node, opset: opset))
        }
        guard graph.output.count == 1 else {
            throw TranslationError("has \(graph.output.count) outputs (\(graph.output.map(\.name).joined(separator: ", "))); one output (the class scores) is supported")
        }
        let outputName = graph.output[0].name
        guard let output = values[outputName] else {
            throw TranslationError(node: outputName, "the graph output is a constant or no node computes it")
        }
        if case .vector(graphIndex: _?) = output.layout {
            throw TranslationError(node: outputName, "the graph output is a flattened CHW feature map whose element order differs from the runtime's HWC order; end the model with a dense layer (Gemm/MatMul) or a global pool")
        }
        return TranslatedGraph(inputName: inputName, nodes: nodes, output: output.node)
    }

    // MARK: Input

    private mutating func addInput() throws(TranslationError) -> String {
        let inputs = graph.input.filter { constants[$0.name] == nil }
        guard inputs.count == 1 else {
            throw TranslationError("has \(inputs.count) graph inputs (\(inputs.map(\.name).joined(separator: ", "))); one image input is supported")
        }
        let input = inputs[0]
        guard case .tensorType(let tensor)? = input.type.value,
              tensor.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw TranslationError(node: input.name, "the graph input must be a float32 tensor")
        }
        let dims: [Int?] = tensor.shape.dim.map {
            if case .dimValue(let value)? = $0.value, value > 0, value <= Int64(Int32.max) { return Int(value) }
            return nil
        }
        let describe = "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"
        guard dims.first.map({ $0 == nil || $0 == 1 }) ?? false else {
            throw TranslationError(node: input.name, "input shape \(describe): the first (batch) dimension must be 1 or symbolic")
        }
        let known = dims.dropFirst().compactMap { $0 }
        guard known.count == dims.count - 1 else {
            throw TranslationError(node: input.name, "input shape \(describe) has unknown sizes; export with a fixed input size")
        }
        guard known.count > 3 || (known.allSatisfy({ $0 <= 1 << 16 }) && known.reduce(1, *) <= Self.maximumElements) else {
            throw TranslationError(node: input.name, "input shape \(describe) is too large")
        }
        let shape: TensorShape
        let layout: TensorLayout
        switch known.count {
        case 3:
            if readsAsNHWC(input.name, height: known[0], width: known[1], channels: known[2]) {
                shape = TensorShape(height: known[0], width: known[1], channels: known[2])
                layout = .channelsLast
            } else {
                shape = TensorShape(height: known[1], width: known[2], channels: known[0])
                layout = .channelsFirst
            }
        case 1:
            shape = .vector(known[0])
            layout = .vector(graphIndex: nil)
        default:
            throw TranslationError(node: input.name, "input shape \(describe): expected [1, C, H, W] (or tf2onnx's [1, H, W, C])")
        }
        nodes = [Node(name: input.name, operation: .input, inputs: [], outputShape: shape)]
        values[input.name] = TranslatedValue(node: 0, layout: layout)
        return input.name
    }

    /// True when every reader of the 4-D input treats it as NHWC: a Transpose to NCHW (tf2onnx),
    /// or, for one channel, a Reshape to [1, 1, H, W] (tf2onnx's form of that transpose).
    private func readsAsNHWC(_ name: String, height: Int, width: Int, channels: Int) -> Bool {
        let consumers = graph.node.filter { $0.input.contains(name) }
        return !consumers.isEmpty && consumers.allSatisfy { node in
            switch node.opType {
            case "Transpose":
                let perm = node.attribute.first { $0.name == "perm" }?.ints
                return perm == [0, 3, 1, 2]
            case "Reshape":
                guard channels == 1, node.input.count > 1,
                      let target = try? constants[node.input[1]]?.integers(), target.count == 4 else { return false }
                return Array(target[1...]) == [1, height, width]
            default:
                return false
            }
        }
    }

    // MARK: Dispatch

    private mutating func translate(_ node: ONNXNode) throws(TranslationError) {
        guard node.proto.domain.isEmpty || node.proto.domain == "ai.onnx" else {
            throw node.error("op type '\(node.opType)' of domain '\(node.proto.domain)' (opset \(opset)) is not supported; only the default ONNX domain is")
        }
        if isFoldable(node) { return try fold(node) }
        switch node.opType {
        case "Constant": try translateConstant(node)
        case "Identity", "Dropout": try translatePassThrough(node)
        case "Conv": try translateConv(node)
        case "MaxPool": try translatePool(node, isMax: true)
        case "AveragePool": try translatePool(node, isMax: false)
        case "GlobalAveragePool": try translateGlobalAveragePool(node)
        case "ReduceMean": try translateReduceMean(node)
        case "Pad": try translatePad(node)
        case "BatchNormalization": try translateBatchNormalization(node)
        case "Relu": try translateActivation(node, .relu)
        case "Clip": try translateClip(node)
        case "HardSwish": try translatePointwise(node, .hardSwish)
        case "HardSigmoid": try translateHardSigmoid(node)
        case "Sigmoid": try translatePointwise(node, .sigmoid)
        case "Mul": try translateMul(node)
        case "Add": try translateAdd(node)
        case "Gemm": try translateGemm(node)
        case "MatMul": try translateMatMul(node)
        case "Flatten": try translateFlatten(node)
        case "Reshape", "Squeeze", "Unsqueeze": try translateReshape(node)
        case "Shape": try translateShapeOf(node)
        case "Gather": try translateGather(node)
        case "Concat": try translateConcat(node)
        case "Cast": try translateCast(node)
        case "Transpose": try translateTranspose(node)
        case "Softmax": try translateSoftmax(node)
        default:
            throw node.error("op type '\(node.opType)' (opset \(opset)) is not supported; supported: \(Self.supportedOps.joined(separator: ", ")); on constants only (evaluated at import): \(Self.foldableOps.subtracting(Self.supportedOps).sorted().joined(separator: ", "))")
        }
    }

    // MARK: Helpers shared by the op translations

    /// The activation tensor `name`, which an earlier node must have produced.
    func value(_ name: String, for node: ONNXNode) throws(TranslationError) -> TranslatedValue {
        if let value = values[name] { return value }
        if let pad = pendingPads[name] {
            throw node.error("reads the output of Pad '\(pad.node)'; an explicit Pad is supported only directly before a Conv, MaxPool or AveragePool, which absorbs it into its padding")
        }
        if constants[name] != nil {
            throw node.error("input '\(name)' is a constant where an activation tensor is expected")
        }
        throw node.error("reads '\(name)', which no earlier node produces (the graph is not topologically sorted, or the tensor is missing)")
    }

    func constant(_ name: String, for node: ONNXNode) throws(TranslationError) -> ONNXConstant {
        if let constant = constants[name] { return constant }
        throw node.error("input '\(name)' must be a constant (an initializer or Constant node); weights computed at run time are not supported")
    }

    func shape(of value: TranslatedValue) -> TensorShape { nodes[value.node].outputShape }

    /// Appends a graph node after checking its shape (the same check GraphBuilder repeats).
    mutating func append(_ node: ONNXNode, _ operation: Operation, input: TranslatedValue) throws(TranslationError) -> NodeID {
        try append(node.name, operation, inputs: [input.node])
    }

    mutating func append(_ name: String, _ operation: Operation, inputs: [NodeID]) throws(TranslationError) -> NodeID {
        let shape: TensorShape
        do {
            shape = try GraphBuilder.outputShape(name: name, operation: operation, inputs: inputs.map { nodes[$0].outputShape })
        } catch {
            throw TranslationError(node: name, error.message)
        }
        guard shape.elementCount <= Self.maximumElements else {
            throw TranslationError(node: name, "output \(shape) is too large")
        }
        nodes.append(Node(name: name, operation: operation, inputs: inputs, outputShape: shape))
        return nodes.count - 1
    }

    mutating func define(_ node: ONNXNode, _ value: TranslatedValue) throws(TranslationError) {
        values[try node.output(0)] = value
    }

    /// How many ONNX readers the graph node `id` has, over every ONNX name that aliases it.
    func onnxReaders(ofNode id: NodeID) -> Int {
        values.filter { $0.value.node == id }.keys.reduce(0) { $0 + (readers[$1] ?? 0) }
    }

    /// Fails unless the optional outputs after the first are absent or unread.
    func requireSingleOutputUsed(_ node: ONNXNode) throws(TranslationError) {
        for extra in node.proto.output.dropFirst() where !extra.isEmpty && (readers[extra] ?? 0) > 0 {
            throw node.error("its output '\(extra)' is read, but only the first output of \(node.opType) is supported (inference mode)")
        }
    }
}

/// The translation result, replayed through `GraphBuilder` so that every importer's graph passes
/// the same checks.
struct TranslatedGraph {
    var inputName: String
    var nodes: [Node]
    var output: NodeID

    func build(preprocessing: Preprocessing, labels: [String], provenance: String) throws(GraphError) -> Graph {
        var builder = GraphBuilder(inputName: inputName, inputShape: nodes[0].outputShape)
        for node in nodes.dropFirst() {
            try builder.append(node.name, node.operation, inputs: node.inputs)
        }
        return try builder.build(output: output, preprocessing: preprocessing, labels: labels, provenance: provenance)
    }
}

/// One ONNX node with its display name and attributes.
struct ONNXNode {
    var proto: Onnx_NodeProto
    var name: String
    var attributes: ONNXNodeAttributes
    var opset: Int

    init(_ proto: Onnx_NodeProto, opset: Int) {
        self.proto = proto
        name = proto.name.isEmpty ? (proto.output.first.map { "\(proto.opType) -> \($0)" } ?? proto.opType) : proto.name
        attributes = ONNXNodeAttributes(proto, name: name)
        self.opset = opset
    }

    var opType: String { proto.opType }

    func error(_ message: String) -> TranslationError {
        TranslationError(node: name, "(\(opType)) \(message)")
    }

    /// Input `index`, or nil when absent or empty (an omitted optional input).
    func input(_ index: Int) -> String? {
        index < proto.input.count && !proto.input[index].isEmpty ? proto.input[index] : nil
    }

    func requiredInput(_ index: Int) throws(TranslationError) -> String {
        guard let name = input(index) else { throw error("input #\(index) is missing") }
        return name
    }

    func output(_ index: Int) throws(TranslationError) -> String {
        guard index < proto.output.count, !proto.output[index].isEmpty else { throw error("output #\(index) is missing") }
        return proto.output[index]
    }
}
