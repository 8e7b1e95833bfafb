@testable import EdgeONNXImport
import Foundation
import SwiftProtobuf

/// Builds small ONNX models in Swift for the error tests: a [1, C, H, W] input "x", the given
/// nodes and initializers, output "y".
enum ONNXModelFactory {
    static func model(
        opset: Int64 = 13, inputDims: [Int64] = [1, 4, 6, 6], nodes: [Onnx_NodeProto],
        initializers: [Onnx_TensorProto] = [], output: String = "y"
    ) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "EdgeONNXImportTests"
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.domain = ""
        opsetID.version = opset
        model.opsetImport = [opsetID]
        var graph = Onnx_GraphProto()
        graph.name = "test"
        graph.node = nodes
        graph.initializer = initializers
        graph.input = [valueInfo("x", dims: inputDims)]
        graph.output = [valueInfo(output, dims: [])]
        model.graph = graph
        return try model.serializedData()
    }

    static func valueInfo(_ name: String, dims: [Int64]) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { value in
            var dim = Onnx_TensorShapeProto.Dimension()
            dim.dimValue = value
            return dim
        }
        tensorType.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }

    static func node(
        _ opType: String, _ inputs: [String], _ outputs: [String], name: String = "",
        ints: [String: [Int64]] = [:], int: [String: Int64] = [:], float: [String: Float] = [:]
    ) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = name
        node.input = inputs
        node.output = outputs
        for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .ints
            attribute.ints = values
            node.attribute.append(attribute)
        }
        for (key, value) in int.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .int
            attribute.i = value
            node.attribute.append(attribute)
        }
        for (key, value) in float.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .float
            attribute.f = value
            node.attribute.append(attribute)
        }
        return node
    }

    static func floats(_ name: String, dims: [Int64], value: Float = 0.5) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = dims
        tensor.floatData = [Float](repeating: value, count: Int(dims.reduce(1, *)))
        return tensor
    }
}
