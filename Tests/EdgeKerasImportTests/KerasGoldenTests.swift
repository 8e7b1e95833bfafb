import EdgeGraph
import EdgeKerasImport
import EdgeModel
import EdgeTestSupport
import Foundation
import Testing

/// Keras's own outputs (written by tools/keras-fixtures/run) against the imported graph run by
/// `FloatExecutor`, for Keras 3 `.keras` and legacy `.h5` files, optimized and not.
@Suite struct KerasGoldenTests {
    static let tolerance: Float = 1e-4

    @Test(arguments: ["baseline", "vgg", "every_layer"], [true, false])
    func fixtureModelsMatchKeras(model: String, optimize: Bool) throws {
        let golden = try Golden.load(model)
        for file in golden.files {
            let graph = try KerasImporter.load(path: Fixtures.path(file), options: .init(optimize: optimize))
            try golden.check(graph, file: file)
        }
    }

    @Test(arguments: [true, false])
    func ferModelMatchesKeras(optimize: Bool) throws {
        let golden = try Golden.load("fer")
        let graph = try KerasImporter.load(path: Fixtures.ferModel, options: .init(optimize: optimize))
        try golden.check(graph, file: "emotion_model.hdf5")
        #expect(graph.inputShape == TensorShape(height: 64, width: 64, channels: 1))
        #expect(graph.labels == KerasImportOptions.fer2013Labels)
        #expect(graph.provenance.contains("emotion_model.hdf5"))
        #expect(graph.provenance.contains("Keras 2.0.5"))
        #expect(graph.provenance.contains("sha256 "))
    }

    @Test(arguments: ["every_layer.keras", "vgg.h5", "fer"])
    func optimizedAndRawGraphsAgree(file: String) throws {
        let path = file == "fer" ? Fixtures.ferModel : Fixtures.path(file)
        let raw = try FloatExecutor(graph: KerasImporter.load(path: path, options: .init(optimize: false)))
        let optimized = try FloatExecutor(graph: KerasImporter.load(path: path))
        var random = SeededGenerator(seed: 7)
        for _ in 0..<3 {
            let pixels = (0..<raw.graph.inputShape.elementCount).map { _ in UInt8.random(in: 0...255, using: &random) }
            for (e, a) in zip(raw.run(pixels: pixels), optimized.run(pixels: pixels)) {
                #expect(abs(e - a) <= 1e-5 * max(1, abs(e)), "\(file)")
            }
        }
    }

    @Test func optimizationFoldsEveryBatchNormOfFer() throws {
        let raw = try KerasImporter.load(path: Fixtures.ferModel, options: .init(optimize: false))
        let optimized = try KerasImporter.load(path: Fixtures.ferModel)
        let kinds = optimized.nodes.map(\.operation.kind)
        #expect(raw.nodes.contains { $0.operation.kind == "batch_normalization" })
        #expect(!kinds.contains("batch_normalization"))
        #expect(!kinds.contains("relu"))
        #expect(optimized.nodes.count < raw.nodes.count)
        // 58,423 Keras parameters minus the 4 per channel of each folded batch norm, plus one bias per
        // output channel of each conv that had none.
        let parameters = optimized.nodes.reduce(0) { total, node in
            switch node.operation {
            case .conv2D(let c): return total + c.weights.count + c.bias.count
            case .depthwiseConv2D(let c): return total + c.weights.count + c.bias.count
            case .dense(let d): return total + d.weights.count + d.bias.count
            default: return total
            }
        }
        #expect(parameters > 50_000 && parameters < 58_423)
    }
}

/// Inputs and Keras outputs of one fixture model.
struct Golden: Decodable {
    struct Scaling: Decodable { var scale: Float; var offset: Float }
    var model: String
    var files: [String]
    var input_shape: [Int]
    var preprocessing: Scaling
    /// HWC 8-bit images, base64.
    var pixels: [String]
    var outputs: [[Float]]

    static func load(_ model: String) throws -> Golden {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(model).golden.json")))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    func check(_ graph: Graph, file: String) throws {
        #expect(graph.inputShape == TensorShape(height: input_shape[0], width: input_shape[1], channels: input_shape[2]))
        #expect(graph.preprocessing == Preprocessing(scale: preprocessing.scale, offset: preprocessing.offset))
        let executor = try FloatExecutor(graph: graph)
        for (encoded, expected) in zip(pixels, outputs) {
            let image = try #require(Data(base64Encoded: encoded))
            #expect(image.count == graph.inputShape.elementCount)
            let actual = executor.run(pixels: [UInt8](image))
            #expect(actual.count == expected.count)
            let difference = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference < KerasGoldenTests.tolerance, "\(file): max |float - keras| = \(difference)")
        }
    }
}

enum Fixtures {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// The source model in models/fer, read in place (not duplicated into the fixtures).
    static var ferModel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/fer/emotion_model.hdf5").path
    }
}
