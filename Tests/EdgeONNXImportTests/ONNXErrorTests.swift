@testable import EdgeONNXImport
import EdgeGraph
import Foundation
import Testing

/// Unsupported models and foreign or broken files: one clear error each, naming what is wrong.
@Suite struct ONNXErrorTests {
    typealias Factory = ONNXModelFactory

    func importError(_ data: Data, name: String = "model.onnx") -> ONNXImportError? {
        do {
            _ = try ONNXImporter.load(data: data, name: name)
            return nil
        } catch {
            return error
        }
    }

    @Test func unsupportedOpNamesNodeOpTypeAndOpset() throws {
        let data = try Factory.model(opset: 17, nodes: [Factory.node("LeakyRelu", ["x"], ["y"], name: "leaky_7")])
        let error = try #require(importError(data))
        #expect(error.node == "leaky_7")
        #expect(error.description.contains("'LeakyRelu'"))
        #expect(error.description.contains("opset 17"))
        #expect(error.description.hasPrefix("model.onnx: node 'leaky_7'"))
        #expect(error.description.contains("HardSwish, Identity"), "the message lists the supported ops")
    }

    @Test func groupedConvolutionIsRefused() throws {
        let data = try Factory.model(
            nodes: [Factory.node("Conv", ["x", "w"], ["y"], name: "grouped", int: ["group": 2])],
            initializers: [Factory.floats("w", dims: [4, 2, 3, 3])])
        let error = try #require(importError(data))
        #expect(error.node == "grouped")
        #expect(error.message.contains("group=2"))
    }

    @Test func clipOtherThanReLUBoundsIsRefused() throws {
        let data = try Factory.model(
            opset: 10, nodes: [Factory.node("Clip", ["x"], ["y"], name: "clip3", float: ["min": 0, "max": 3])])
        let error = try #require(importError(data))
        #expect(error.message.contains("Clip(0.0, 3.0)"))
    }

    @Test(arguments: [8, 22])
    func opsetOutsideTheSupportedRangeIsRefused(opset: Int64) throws {
        let data = try Factory.model(opset: opset, nodes: [Factory.node("Relu", ["x"], ["y"])])
        let error = try #require(importError(data))
        #expect(error.message.contains("opset \(opset) is not supported"))
    }

    @Test func weightsComputedAtRunTimeAreRefused() throws {
        let data = try Factory.model(nodes: [
            Factory.node("Relu", ["x"], ["r"]),
            Factory.node("Conv", ["x", "r"], ["y"], name: "dynamic"),
        ])
        let error = try #require(importError(data))
        #expect(error.node == "dynamic")
        #expect(error.message.contains("must be a constant"))
    }

    @Test func externalTensorDataIsRefusedWithAHint() throws {
        var weights = Factory.floats("w", dims: [4, 4, 1, 1])
        weights.floatData = []
        weights.dataLocation = .external
        let data = try Factory.model(nodes: [Factory.node("Conv", ["x", "w"], ["y"])], initializers: [weights])
        let error = try #require(importError(data))
        #expect(error.message.contains("external"))
    }

    @Test func wrongWeightCountIsRefused() throws {
        var weights = Factory.floats("w", dims: [4, 4, 3, 3])
        weights.floatData.removeLast()
        let data = try Factory.model(nodes: [Factory.node("Conv", ["x", "w"], ["y"])], initializers: [weights])
        let error = try #require(importError(data))
        #expect(error.message.contains("143 values"))
    }

    @Test func unknownInputSizeAsksForAFixedSize() throws {
        let data = try Factory.model(inputDims: [1, 4, 0, 6], nodes: [Factory.node("Relu", ["x"], ["y"])])
        let error = try #require(importError(data))
        #expect(error.message.contains("fixed input size"))
    }

    @Test(arguments: [
        ("empty", [UInt8]()),
        ("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
        ("hdf5", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)),
        ("text", Array("name: not a model\n".utf8)),
        ("valid protobuf, not a model", [0x08, 0x07]),
    ])
    func foreignFilesAreNotONNX(kind: String, bytes: [UInt8]) {
        let error = importError(Data(bytes), name: "\(kind).onnx")
        #expect(error?.description.hasPrefix("\(kind).onnx: ") == true)
        #expect(error?.message.contains("is not an ONNX model") == true, "\(kind): \(error?.description ?? "loaded")")
    }

    @Test func truncatedModelsAreRefused() throws {
        let bytes = try ONNXFixtures.data("fer-tf2onnx.onnx")
        for length in [1, 2, 10, 100, bytes.count / 3, bytes.count / 2, bytes.count - 1] {
            let error = importError(bytes.prefix(length), name: "fer.onnx")
            #expect(error != nil, "a \(length)-byte prefix loaded")
        }
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: ONNXImportError.self) { try ONNXImporter.load(path: "/nonexistent/model.onnx") }
        do {
            _ = try ONNXImporter.load(path: "/nonexistent/model.onnx")
        } catch {
            #expect(error.description.contains("/nonexistent/model.onnx"))
            #expect(error.message.contains("cannot read"))
        }
    }

    @Test func sniffingRecognizesONNXAndNotOthers() throws {
        #expect(ONNXImporter.looksLikeONNX(try ONNXFixtures.data("ops-opset13.onnx").prefix(8)))
        #expect(!ONNXImporter.looksLikeONNX(Array("\u{89}HDF\r\n".utf8)))
        #expect(!ONNXImporter.looksLikeONNX(Array("PK\u{03}\u{04}".utf8)))
    }
}
