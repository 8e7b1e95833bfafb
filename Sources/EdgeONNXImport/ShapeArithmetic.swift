/// Shape, Gather, Concat and Cast where an activation tensor is involved. On constants these ops
/// are evaluated by `fold` (ConstantFolding.swift); here Shape reads an activation's (batch 1)
/// dimensions so that PyTorch's dynamic-batch arithmetic (`x.view(x.size(0), -1)` becomes
/// Shape -> Gather -> Unsqueeze -> Concat -> Reshape) becomes constant too.
extension ONNXGraphTranslator {
    mutating func translateShapeOf(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let dims = input.layout.onnxDims(shape(of: input))
        // Opset 15 added start/end (negative from the back, clamped).
        func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + dims.count : index, 0), dims.count) }
        let start = clamp(try node.attributes.int("start", default: 0))
        let end = clamp(try node.attributes.int("end", default: dims.count))
        let slice = start < end ? Array(dims[start..<end]) : []
        constants[try node.output(0)] = try FoldedTensor(dims: [slice.count], values: .integers(slice)).constant(name: node.output(0))
    }

    mutating func translateGather(_ node: ONNXNode) throws(TranslationError) {
        throw node.error("gathers from an activation tensor; only Gather on constants (shape arithmetic) is supported")
    }

    mutating func translateConcat(_ node: ONNXNode) throws(TranslationError) {
        throw node.error("concatenates activation tensors; only Concat of constants (shape arithmetic) is supported")
    }

    /// A float-to-float cast of an activation changes nothing the runtime sees.
    mutating func translateCast(_ node: ONNXNode) throws(TranslationError) {
        let name = try node.requiredInput(0)
        let to = try node.attributes.int("to", default: 0)
        guard to == Onnx_TensorProto.DataType.float.rawValue else {
            throw node.error("casts an activation tensor to data type #\(to); only float32 activations are supported")
        }
        try define(node, value(name, for: node))
    }
}
