import EdgeGraph
import EdgeImage
import EdgeInference
import EdgeModel
import EdgeQuantize
import Foundation
import Testing

/// `evaluate`'s test-time augmentation, class-folder mapping and tables, on a small model and a dataset
/// written on the fly (labels a, b, c, d).
@Suite struct EvaluationOptionsTests {
    let graph: Graph
    let model: QuantizedModel

    init() throws {
        graph = try SmallGraphs.everyOperation()
        model = try PostTrainingQuantization(graph: graph, images: SmallGraphs.images(count: 32), calibrationSource: "test")
            .model(method: .mse).model
    }

    /// Twelve 24x24 images in folders named `folders[index % folders.count]`.
    private func dataset(folders: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("edge-eval-\(UInt64.random(in: 0...UInt64.max))")
        for (index, pixels) in SmallGraphs.images(count: 12, seed: 13).enumerated() {
            let classFolder = root.appendingPathComponent(folders[index % folders.count])
            try FileManager.default.createDirectory(at: classFolder, withIntermediateDirectories: true)
            let image = try GrayImage(width: 12, height: 12, pixels: pixels).resized(width: 24, height: 24)
            try image.write(toFile: classFolder.appendingPathComponent("\(index).png").path)
        }
        return root
    }

    @Test func augmentationAveragesTheSameViewsInBothModels() throws {
        let root = try dataset(folders: ["a", "b"])
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(path: root.path)
        let plain = try AccuracyEvaluation.run(graph: graph, model: model, dataset: folder)
        #expect(try AccuracyEvaluation.run(graph: graph, model: model, dataset: folder, augmentation: .none) == plain)
        for augmentation in [TestTimeAugmentation.flip, .flipShift] {
            let result = try AccuracyEvaluation.run(graph: graph, model: model, dataset: folder, augmentation: augmentation)
            #expect(result.imageCount == 12)
            #expect(result.int8Confusion.joined().reduce(0, +) == 12 && result.floatConfusion.joined().reduce(0, +) == 12)
            #expect(result.int8Correct == (0..<4).map { result.int8Confusion[$0][$0] }.reduce(0, +))
            // The plain view's counts, taken from the same passes, are the unaugmented run's.
            #expect(result.plainInt8Correct == plain.int8Correct && result.plainFloatCorrect == plain.floatCorrect
                    && result.plainAgreeing == plain.agreeing)
            #expect(try AccuracyEvaluation.run(graph: graph, model: model, dataset: folder, threads: 2,
                                               augmentation: augmentation) == result)
            // The quantized side is the interpreter's average of the same views.
            let interpreter = try Interpreter(model: model)
            for (entry, prediction) in zip(folder.entries, result.predictions) {
                let views = try ImageFolder.loadViews(entry.path, width: 12, height: 12, views: augmentation.views)
                let scores = try interpreter.classifyAveraging(views)
                #expect(scores.firstIndex(of: scores.max()!) == prediction!.int8)
            }
        }
        let table = plain.perClassTable(labels: model.labels)
        #expect(table.split(separator: "\n").count == 5 && table.contains("quantized"))
        #expect(plain.confusionTable(labels: model.labels).split(separator: "\n").count == 5)
    }

    @Test func mappedFoldersScoreLikeRenamedOnes() throws {
        let named = try dataset(folders: ["a", "b", "c"])
        let other = try dataset(folders: ["alpha", "b", "contempt"])
        defer {
            try? FileManager.default.removeItem(at: named)
            try? FileManager.default.removeItem(at: other)
        }
        let expected = try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: named.path))
        let mapping = try ClassFolderMapping(parsing: "a=alpha, c = contempt", labels: model.labels)
        let mapped = try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: other.path), mapping: mapping)
        #expect(mapped.int8Confusion == expected.int8Confusion && mapped.summaryLine == expected.summaryLine)
        // skip= leaves the folder's 4 images out.
        let skipping = try ClassFolderMapping(parsing: "a=alpha\nskip=contempt # not a model class", labels: model.labels)
        let skipped = try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: other.path), mapping: skipping)
        #expect(skipped.imageCount == 8 && skipped.predictions.filter { $0 == nil }.count == 4)
        // A folder that is neither a label nor mapped: the error names it and lists the labels.
        #expect {
            try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: other.path))
        } throws: { "\($0)".contains("'alpha'") && "\($0)".contains("a, b, c, d") && "\($0)".contains("--labels") }
    }

    @Test(arguments: [
        ("angry=anger", "not one of the model's labels"), ("a", "is not 'label=folder'"), ("a=", "is not 'label=folder'"),
        ("a=x,b=x", "mapped twice"),
    ])
    func badMappingsAreExplained(text: String, message: String) {
        #expect {
            try ClassFolderMapping(parsing: text, labels: ["a", "b", "c", "d"])
        } throws: { "\($0)".contains(message) && "\($0)".contains("a, b, c, d") || message == "mapped twice" && "\($0)".contains(message) }
    }

    @Test func mappingOfAMissingFolderIsAnError() throws {
        let root = try dataset(folders: ["a", "b"])
        defer { try? FileManager.default.removeItem(at: root) }
        let mapping = try ClassFolderMapping(parsing: "c=sadness", labels: model.labels)
        #expect {
            try AccuracyEvaluation.run(graph: graph, model: model, dataset: ImageFolder(path: root.path), mapping: mapping)
        } throws: { "\($0)".contains("'sadness'") && "\($0)".contains("not there") }
    }
}
