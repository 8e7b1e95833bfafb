import EdgeGraph
import EdgeImage
import EdgeKerasImport
import EdgeModel
import EdgeQuantize
import Foundation
import Testing

/// Bad inputs end in one clear error that names what is wrong, never a crash.
@Suite struct ErrorPathTests {
    private static let kerasFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("EdgeKerasImportTests/Fixtures")

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("edge-quantize-test-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func emptyCalibrationFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("happy"), withIntermediateDirectories: true)
        let text = message { _ = try ImageFolder(path: folder.path) }
        #expect(text?.contains(folder.path) == true)
        #expect(text?.contains("no images") == true)
        #expect(message { _ = try ImageFolder(path: folder.path + "/missing") }?.contains("no such folder") == true)
    }

    @Test func unreadableImageIsNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try GrayImage(width: 4, height: 4, filledWith: 9).write(toFile: folder.appendingPathComponent("a.png").path)
        var broken = try GrayImage(width: 4, height: 4, filledWith: 9).pngData()
        broken = Array(broken.prefix(broken.count / 2))
        try Data(broken).write(to: folder.appendingPathComponent("broken.png"))
        let images = try ImageFolder(path: folder.path)
        #expect(images.entries.count == 2)
        let text = message { _ = try images.loadPixels(width: 8, height: 8) }
        #expect(text?.contains("broken.png") == true)
    }

    @Test func unsupportedOperationIsNamed() throws {
        var builder = GraphBuilder(inputShape: TensorShape(height: 4, width: 4, channels: 2))
        let pool = try builder.append("pool", .maxPool(Window(kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2, padding: .valid)), inputs: [0])
        let norm = try builder.append("lonely_norm", .batchNormalization(BatchNormalization(
            gamma: [1, 2], beta: [0, 1], mean: [0, 0], variance: [1, 1], epsilon: 0.001)), inputs: [pool])
        let graph = try builder.build(output: norm, preprocessing: .unit, labels: [], provenance: "test")
        let images = [[UInt8]](repeating: [UInt8](repeating: 7, count: 32), count: 2)
        let text = message {
            _ = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "test").model(method: .minMax)
        }
        #expect(text?.contains("lonely_norm") == true)
        #expect(text?.contains("cannot be quantized") == true)
    }

    @Test func unsupportedKerasLayerIsNamed() {
        let text = message { _ = try KerasImporter.load(path: Self.kerasFixtures.appendingPathComponent("unsupported.h5").path) }
        #expect(text?.contains("LeakyReLU") == true)
    }

    @Test func truncatedKerasFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = try Data(contentsOf: Self.kerasFixtures.appendingPathComponent("every_layer.h5"))
        let path = folder.appendingPathComponent("truncated.h5").path
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        let text = message { _ = try KerasImporter.load(path: path) }
        #expect(text?.contains("truncated.h5") == true)
    }

    @Test func corruptModelFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.edgemodel").path
        try Data("EDGEMODL but nothing else".utf8).write(to: URL(fileURLWithPath: path))
        let text = message { _ = try ModelFile.load(path: path) }
        #expect(text?.hasPrefix(path) == true)
        #expect(text?.contains("truncated") == true)
    }
}
