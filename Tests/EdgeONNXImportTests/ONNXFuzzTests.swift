import EdgeGraph
import EdgeONNXImport
import EdgeTestSupport
import Foundation
import Testing

/// Seeded mutation fuzzing of the ONNX reader: every mutant either imports into a graph the float
/// executor can run, or fails with an `ONNXImportError`; none may crash. Bounded to a few seconds.
@Suite struct ONNXFuzzTests {
    @Test(arguments: [("ops-opset13.onnx", 500), ("nchw-input-opset17.onnx", 200), ("torch-style-opset17.onnx", 300), ("fer-tf2onnx.onnx", 25)])
    func mutantsNeverCrash(fixture: String, count: Int) throws {
        let original = [UInt8](try ONNXFixtures.data(fixture))
        var generator = SeededGenerator(seed: 0x0_11A7 ^ UInt64(original.count))
        var imported = 0, refused = 0
        for _ in 0..<count {
            let mutant = mutate(original, using: &generator)
            do {
                let graph = try ONNXImporter.load(data: Data(mutant), name: fixture)
                let executor = try FloatExecutor(graph: graph)
                _ = executor.run([Float](repeating: 0.25, count: graph.inputShape.elementCount))
                imported += 1
            } catch let error as ONNXImportError {
                #expect(error.description.hasPrefix(fixture))
                refused += 1
            }
        }
        // Both outcomes occur, so the mutants reach past the protobuf decoder.
        #expect(imported > 0 && refused > 0, "imported \(imported), refused \(refused)")
    }

    /// One to four edits: bit flips, random bytes, small-integer overwrites (varints and lengths),
    /// truncation, duplicated or deleted ranges.
    private func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) where !result.isEmpty {
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: result[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 1: result[position] = UInt8.random(in: 0...255, using: &generator)
            case 2: result[position] = [0, 1, 2, 0x7F, 0x80, 0xFF].randomElement(using: &generator)!
            case 3: result.removeSubrange(position...)
            case 4:
                let end = min(result.count, position + Int.random(in: 1...64, using: &generator))
                result.insert(contentsOf: result[position..<end], at: position)
            default:
                let end = min(result.count, position + Int.random(in: 1...16, using: &generator))
                result.removeSubrange(position..<end)
            }
        }
        return result
    }
}
