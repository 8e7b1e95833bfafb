import EdgeGraph
import EdgeKerasImport
import EdgeModel
import EdgeONNXImport
import EdgeTestSupport
import Foundation
import Testing

/// onnxruntime's outputs (written by tools/onnx-fixtures/make-fixtures) against the imported
/// graph run by `FloatExecutor`.
@Suite struct ONNXGoldenTests {
    static let tolerance: Float = 1e-4

    static let helperModels = [
        "ops-opset10", "ops-opset11", "ops-opset13", "ops-opset18", "ops-opset21", "nchw-input-opset17",
        "torch-style-opset17",
    ]

    /// Written by torch.onnx.export itself (tools/onnx-fixtures/make-torch-fixtures), both exporters.
    static let torchModels = [
        "fer-torch-script-opset17", "fer-torch-dynamo-opset18", "fer-torch-ceil-script-opset17", "torch-pads-script-opset17", "torch-pads-dynamo-opset18",
        "torch-mobilenetv2-script-opset17", "torch-resnet-script-opset17", "fer-resnet-script-opset17",
        "torch-mobilenetv3-script-opset17", "torch-mobilenetv3-dynamo-opset18",
    ]

    @Test(arguments: helperModels + torchModels + ["fer-tf2onnx"], [true, false])
    func importedGraphMatchesOnnxruntime(model: String, optimize: Bool) throws {
        let graph = try ONNXImporter.load(path: ONNXFixtures.path("\(model).onnx"), options: .init(optimize: optimize))
        try ONNXGolden.load(model).check(graph, model: model)
    }

    /// The helper graphs map every op onto the graph IR the way the conventions say.
    @Test func opsModelUsesEveryGraphOperation() throws {
        let graph = try ONNXImporter.load(path: ONNXFixtures.path("ops-opset13.onnx"), options: .init(optimize: false))
        let kinds = Set(graph.nodes.map(\.operation.kind))
        #expect(kinds.isSuperset(of: [
            "conv2d", "depthwise_conv2d", "batch_normalization", "relu", "relu6", "max_pool", "average_pool",
            "global_average_pool", "add", "flatten", "dense", "softmax",
        ]))
        let multipliers = graph.nodes.compactMap { node -> Int? in
            if case .depthwiseConv2D(let conv) = node.operation { return conv.depthMultiplier } else { return nil }
        }
        #expect(multipliers.contains(2), "the depthwise conv has multiplier 2")
        #expect(graph.inputShape == TensorShape(height: 10, width: 9, channels: 3), "NHWC input read as HWC")
        let nchw = try ONNXImporter.load(path: ONNXFixtures.path("nchw-input-opset17.onnx"))
        #expect(nchw.inputShape == TensorShape(height: 7, width: 7, channels: 2), "NCHW input read as HWC")
        #expect(nchw.labels.isEmpty, "6 outputs: no default labels")
        // PyTorch's dynamic-batch flatten (Shape -> Gather -> Cast -> Unsqueeze -> Concat -> Reshape)
        // leaves no node behind but the flatten.
        let torch = try ONNXImporter.load(path: ONNXFixtures.path("torch-style-opset17.onnx"))
        #expect(torch.inputShape == TensorShape(height: 12, width: 12, channels: 1))
        #expect(torch.nodes.map(\.operation.kind) == ["input", "conv2d", "max_pool", "depthwise_conv2d", "flatten", "dense", "dense"])
    }

    /// The same trained model through tf2onnx and through the Keras importer: the same outputs.
    @Test func ferExportMatchesKerasImport() throws {
        let onnx = try ONNXImporter.load(path: ONNXFixtures.path("fer-tf2onnx.onnx"))
        let keras = try KerasImporter.load(path: ONNXFixtures.kerasFerModel)
        #expect(onnx.inputShape == keras.inputShape)
        #expect(onnx.preprocessing == keras.preprocessing)
        #expect(onnx.labels == keras.labels)
        #expect(onnx.provenance.contains("fer-tf2onnx.onnx") && onnx.provenance.contains("opset 13"))
        // The same layers (tf2onnx orders residual branches differently).
        #expect(onnx.nodes.map(\.operation.kind).sorted() == keras.nodes.map(\.operation.kind).sorted())
        let fromONNX = try FloatExecutor(graph: onnx), fromKeras = try FloatExecutor(graph: keras)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<8 {
            let pixels = (0..<onnx.inputShape.elementCount).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let a = fromONNX.run(pixels: pixels), b = fromKeras.run(pixels: pixels)
            let difference = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < Self.tolerance, "max |onnx - keras| = \(difference)")
        }
    }
}

/// Inputs (HWC) and onnxruntime outputs of one fixture model.
struct ONNXGolden: Decodable {
    var inputShapeHWC: [Int]
    var inputs: [[Float]]
    var outputs: [[Float]]

    static func load(_ model: String) throws -> ONNXGolden {
        let data = try Data(contentsOf: URL(fileURLWithPath: ONNXFixtures.path("\(model).golden.json")))
        return try JSONDecoder().decode(ONNXGolden.self, from: data)
    }

    func check(_ graph: Graph, model: String) throws {
        #expect(graph.inputShape == TensorShape(height: inputShapeHWC[0], width: inputShapeHWC[1], channels: inputShapeHWC[2]))
        #expect(!inputs.isEmpty)
        let executor = try FloatExecutor(graph: graph)
        for (input, expected) in zip(inputs, outputs) {
            let actual = executor.run(input)
            #expect(actual.count == expected.count)
            let difference = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < ONNXGoldenTests.tolerance, "\(model): max |float - onnxruntime| = \(difference)")
        }
    }
}

enum ONNXFixtures {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(name)))
    }

    /// The Keras source of fer-tf2onnx.onnx, read in place from models/fer.
    static var kerasFerModel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/fer/emotion_model.hdf5").path
    }
}
