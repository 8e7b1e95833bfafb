@testable import EdgeInference
import EdgeImage
import EdgeModel
import EdgeTestSupport
import Foundation
import Testing

/// `Interpreter.invoke(batch:count:)` must give every image of a batch the bytes `invoke(pixels:)` gives
/// it alone: with every kernel table, every thread count, every batch size up to the capacity and any
/// schedule (no step, some steps or every step run layer by layer).
@Suite struct BatchInferenceTests {
    static let tables = [KernelTable.reference] + KernelPathEquivalenceTests.optimizedTables

    /// Image `image`'s outputs after a batch: its float logits (bit patterns) and its output tensor bytes.
    static func outputs(_ interpreter: Interpreter, image: Int) -> (logits: [UInt32]?, bytes: [UInt8]) {
        (interpreter.logits(image: image).map { $0.map(\.bitPattern) }, Array(interpreter.outputBytes(image: image)))
    }

    /// `images` (back to back) one at a time through `single`: each image's outputs.
    static func oneAtATime(_ single: Interpreter, _ pixels: [UInt8], images: Int) throws -> [(logits: [UInt32]?, bytes: [UInt8])] {
        let size = single.inputShape.elementCount
        return try (0..<images).map { image in
            try pixels[image * size..<(image + 1) * size].withUnsafeBufferPointer { try single.invoke(pixels: $0) }
            return outputs(single, image: 0)
        }
    }

    @Test(arguments: ActivationType.allCases, [1, 2, 3])
    func everyBatchGivesTheOneAtATimeBytes(activations: ActivationType, threads: Int) throws {
        var random = SeededGenerator(seed: 41 + UInt64(threads))
        let capacity = 7
        for seed in UInt64(1)...2 {
            let model = SampleModel.make(seed: seed, activations: activations)
            let size = model.inputShape.elementCount
            for table in Self.tables {
                let single = try Interpreter(model: model, kernels: table)
                // Cache budgets: no step batched, the tail only, every step.
                let weightBytes = model.operations.compactMap { $0.weighted?.weights.count }.max() ?? 0
                let lastStepBytes = [model.operations.last!.inputs[0], model.operations.last!.output]
                    .map { model.tensors[$0].byteCount }.reduce(0, +)
                for budget in [0, 2 * lastStepBytes + weightBytes, Int.max / 1024] {
                    let batched = try Interpreter(model: model, kernels: table, reuseMemory: true, threads: threads,
                                                  batchCapacity: capacity, batchCacheBytes: budget, parallelMinimumWork: 0)
                    #expect(batched.threads == threads && batched.batchCapacity == capacity)
                    for count in 1...capacity {
                        let pixels = (0..<count * size).map { _ in UInt8.random(in: 0...255, using: &random) }
                        try pixels.withUnsafeBufferPointer { try batched.invoke(batch: $0, count: count) }
                        let expected = try Self.oneAtATime(single, pixels, images: count)
                        for image in 0..<count {
                            let got = Self.outputs(batched, image: image)
                            #expect(got.logits == expected[image].logits && got.bytes == expected[image].bytes,
                                    "\(table.name), \(threads) threads, budget \(budget): image \(image) of \(count), model seed \(seed)")
                        }
                    }
                }
            }
        }
    }

    @Test func theScheduleBatchesTheTailThatFitsTheBudget() throws {
        let model = SampleModel.make(seed: 3)
        let none = try Interpreter(model: model, batchCapacity: 4, batchCacheBytes: 0)
        let all = try Interpreter(model: model, batchCapacity: 4, batchCacheBytes: Int.max / 1024)
        let steps = all.stepDescriptions.count
        #expect(none.batchedSteps(images: 4) == steps..<steps)
        #expect(all.batchedSteps(images: 4) == 0..<steps)
        #expect(none.batchedSteps(images: 1) == 0..<steps, "one image: its steps are the whole schedule")
        // Budgets in between give tails that grow with the budget and shrink with the batch.
        var previous = steps
        for budget in stride(from: 0, through: 4096, by: 256) {
            let interpreter = try Interpreter(model: model, batchCapacity: 4, batchCacheBytes: budget)
            let first = interpreter.batchedSteps(images: 4).lowerBound
            #expect(first <= previous)
            #expect(interpreter.batchedSteps(images: 2).lowerBound <= first)
            previous = first
        }
        #expect(previous < steps)
    }

    @Test func wrongBatchSizesAreRefused() throws {
        let model = SampleModel.make()
        let interpreter = try Interpreter(model: model, batchCapacity: 2)
        let size = model.inputShape.elementCount
        let pixels = [UInt8](repeating: 9, count: 3 * size)
        #expect(throws: InterpreterError.batchSize(capacity: 2, got: 3)) {
            try pixels.withUnsafeBufferPointer { try interpreter.invoke(batch: $0, count: 3) }
        }
        #expect(throws: InterpreterError.inputSize(expected: 2 * size, got: 3 * size)) {
            try pixels.withUnsafeBufferPointer { try interpreter.invoke(batch: $0, count: 2) }
        }
        #expect(throws: ModelValidationError.self) { try Interpreter(model: model, batchCapacity: 0) }
    }
}

/// The same on real faces with the shipped models: FER2013 PublicTest faces (the shared evaluation data,
/// `EDGE_SHARED_DATA` or `../shared/data` beside the checkout) as test-time augmentation makes them, one
/// face's ten flip-shift views as one batch and three faces' flip views as one frame's batch.
@Suite struct RealFaceBatchTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `count` faces spread over PublicTest's sorted classes and files.
    static func faces(count: Int) throws -> [GrayImage] {
        let shared = ProcessInfo.processInfo.environment["EDGE_SHARED_DATA"]
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
        let folder = (shared as NSString).appendingPathComponent("fer2013-public")
        guard let names = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] else {
            throw TestDataMissing(path: folder)
        }
        let files = names.filter { $0.hasSuffix(".png") }.sorted()
        guard files.count >= count else { throw TestDataMissing(path: folder) }
        return try (0..<count).map { try DecodedImage(contentsOfFile: (folder as NSString).appendingPathComponent(files[$0 * files.count / count])).gray }
    }

    struct TestDataMissing: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): FER2013 PublicTest faces not found (set EDGE_SHARED_DATA to the shared data folder)" }
    }

    @Test(arguments: ["emotion_a16w8.edgemodel", "emotion_int8.edgemodel"], [1, 2])
    func augmentedFacesGiveTheOneAtATimeScores(modelName: String, threads: Int) throws {
        let model = try ModelFile.load(path: Self.repositoryRoot.appendingPathComponent("models/" + modelName).path)
        let side = model.inputShape.width
        let faces = try Self.faces(count: 6)
        let flipShift = try faces.map { face in
            try TestTimeAugmentation.flipShift.views.map { try face.resized(width: side, height: side, view: $0).pixels }
        }
        for table in BatchInferenceTests.tables.prefix(threads == 1 ? 3 : 1) {  // the reference at 2 threads is slow
            let single = try Interpreter(model: model, kernels: table)
            let batched = try Interpreter(model: model, kernels: table, threads: threads, batchCapacity: 10)
            for views in flipShift.prefix(2) {
                let pixels = views.flatMap { $0 }
                try pixels.withUnsafeBufferPointer { try batched.invoke(batch: $0, count: views.count) }
                let expected = try BatchInferenceTests.oneAtATime(single, pixels, images: views.count)
                for image in views.indices {
                    let got = BatchInferenceTests.outputs(batched, image: image)
                    #expect(got.logits == expected[image].logits && got.bytes == expected[image].bytes,
                            "\(modelName), \(table.name), \(threads) threads: view \(image)")
                }
                #expect(try batched.classifyAveraging(views) == single.classifyAveraging(views))
            }
            // One frame: the flip views of three faces together, averaged per face.
            let frame = flipShift.suffix(3).map { Array($0.prefix(2)) }
            let together = try batched.classifyAveraging(faces: frame)
            #expect(together == (try frame.map { try single.classifyAveraging($0) }), "\(modelName), \(table.name)")
        }
    }
}
