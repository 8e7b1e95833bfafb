import EdgeGraph
import EdgeImage
import EdgeInference
import EdgeKerasImport
import EdgeModel
import EdgeQuantize
import EdgeTestSupport
import Foundation
import Testing

@Suite struct EndToEndTests {
    /// A Keras model with every supported layer (3-channel input), imported, quantized and
    /// compared with its float graph.
    @Test func kerasModelWithEveryLayerQuantizes() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EdgeKerasImportTests/Fixtures/every_layer.h5").path
        let graph = try KerasImporter.load(path: path)
        var random = SeededGenerator(seed: 31)
        let count = graph.inputShape.elementCount
        let images = (0..<48).map { _ in (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        let quantization = try PostTrainingQuantization(graph: graph, images: images, calibrationSource: "random")
        let (model, tensors) = try quantization.model(method: .mse)
        let report = try QuantizationReport.measure(graph: quantization.graph, model: model, tensorOfNode: tensors,
                                                    images: Array(images.prefix(16)))
        // The logits clip below the lowest winning logit on purpose; every other layer tracks float.
        for layer in report.layers.dropLast() {
            #expect(layer.cosine > 0.99, "\(layer.name) (\(layer.kind)): cosine \(layer.cosine)")
        }
        #expect(report.lines.last!.contains("top-1 agreement"))
        let executor = try FloatExecutor(graph: graph)
        let interpreter = try Interpreter(model: model)
        for pixels in images.prefix(16) {
            let float = executor.run(pixels: pixels)
            let int8 = try pixels.withUnsafeBufferPointer { try interpreter.classify(pixels: $0) }
            for (a, b) in zip(float, int8) { #expect(abs(a - b) < 0.05, "scores \(float) vs \(int8)") }
        }
    }

    /// `evaluate` on a class-folder dataset written on the fly.
    @Test func evaluationCountsAndFormatsItsSummary() throws {
        let graph = try SmallGraphs.everyOperation()
        let model = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 32), calibrationSource: "test")
            .model(method: .mse).model
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edge-eval-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = SmallGraphs.images(count: 12, seed: 13)
        for (index, pixels) in images.enumerated() {
            let label = graph.labels[index % 2]
            let classFolder = folder.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
            // Stored at 24x24 to exercise the resize back to the model's 12x12 input.
            let image = try GrayImage(width: 12, height: 12, pixels: pixels).resized(width: 24, height: 24)
            try image.write(toFile: classFolder.appendingPathComponent("\(index).png").path)
        }
        let result = try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: folder.path))
        #expect(result.imageCount == 12)
        #expect(result.agreeing >= 10)
        let line = result.summaryLine
        #expect(line.wholeMatch(of: /accuracy=[01]\.\d{4} float=[01]\.\d{4} agreement=[01]\.\d{4} n=12/) != nil)
        // Per-image predictions: one per image, consistent with the counts, same with 3 threads.
        #expect(result.predictions.count == 12 && result.predictions.allSatisfy { $0 != nil })
        #expect(result.predictions.filter { $0!.int8 == $0!.float }.count == result.agreeing)
        let threaded = try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: folder.path), threads: 3)
        #expect(threaded == result)
    }
}
