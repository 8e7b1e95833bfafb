/// Typed access to one node's attributes, with the node named in every error.
struct ONNXNodeAttributes {
    var node: String
    var attributes: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto, name: String) {
        self.node = name
        var byName: [String: Onnx_AttributeProto] = [:]
        for attribute in node.attribute { byName[attribute.name] = attribute }
        attributes = byName
    }

    func has(_ name: String) -> Bool { attributes[name] != nil }

    func int(_ name: String, default value: Int) throws(TranslationError) -> Int {
        guard let attribute = attributes[name] else { return value }
        guard attribute.hasI, let result = Int(exactly: attribute.i) else {
            throw TranslationError(node: node, "attribute '\(name)' must be an integer")
        }
        return result
    }

    func float(_ name: String, default value: Float) throws(TranslationError) -> Float {
        guard let attribute = attributes[name] else { return value }
        guard attribute.hasF else { throw TranslationError(node: node, "attribute '\(name)' must be a float") }
        return attribute.f
    }

    func ints(_ name: String) throws(TranslationError) -> [Int]? {
        guard let attribute = attributes[name] else { return nil }
        guard attribute.type == .ints || attribute.type == .undefined else {
            throw TranslationError(node: node, "attribute '\(name)' must be a list of integers")
        }
        var values: [Int] = []
        for value in attribute.ints {
            guard let small = Int32(exactly: value) else {
                throw TranslationError(node: node, "attribute '\(name)' has an out-of-range value \(value)")
            }
            values.append(Int(small))
        }
        return values
    }

    func string(_ name: String, default value: String) -> String {
        guard let attribute = attributes[name] else { return value }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    func tensor(_ name: String) -> Onnx_TensorProto? {
        guard let attribute = attributes[name], attribute.hasT else { return nil }
        return attribute.t
    }

    func attribute(_ name: String) -> Onnx_AttributeProto? { attributes[name] }
}
