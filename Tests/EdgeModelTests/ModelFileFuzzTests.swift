@testable import EdgeModel
import EdgeInference
import Testing
import EdgeTestSupport

/// Seeded mutation fuzzing of the loader: truncations, bit flips, overwritten runs and random
/// bytes, half of them with the checksum repaired so the parser and validator behind it are
/// exercised too. Every case must end in a model that validates (and runs) or in a
/// `ModelFileError`; a crash fails the whole test run.
@Suite struct ModelFileFuzzTests {
    @Test func mutatedFilesNeverCrashTheLoader() throws {
        let originals = [try ModelFile.encode(SampleModel.make()), try ModelFile.encode(SampleModel.make(activations: .int16))]
        var random = SeededGenerator(seed: 0x5EED_F022)
        var rejected = 0, accepted = 0
        for round in 0..<4000 {
            var bytes = originals[(round / 4) % 2]
            switch round % 4 {
            case 0:
                bytes = Array(bytes[0..<Int.random(in: 0..<bytes.count, using: &random)])
            case 1:
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
                }
            case 2:
                let start = Int.random(in: 64..<bytes.count, using: &random)
                for index in start..<min(bytes.count, start + Int.random(in: 1...16, using: &random)) {
                    bytes[index] = UInt8.random(in: 0...255, using: &random)
                }
            default:
                bytes = (0..<Int.random(in: 0...512, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if round % 8 == 3 { bytes.replaceSubrange(0..<min(8, bytes.count), with: ModelFile.magic) }
            }
            if round % 2 == 1, bytes.count >= ModelFile.headerLength {
                let checksum = ModelFile.checksum(bytes)
                for index in 0..<4 { bytes[ModelFile.checksumOffset + index] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(index))) }
            }
            do {
                let model = try ModelFile.decode(bytes, file: "fuzz")
                accepted += 1
                let interpreter = try Interpreter(model: model)
                let pixels = [UInt8](repeating: 100, count: model.inputShape.elementCount)
                try pixels.withUnsafeBufferPointer { try interpreter.invoke(pixels: $0) }
            } catch let error as ModelFileError {
                #expect(error.file == "fuzz")
                #expect(!error.problem.isEmpty)
                rejected += 1
            }
        }
        #expect(rejected > 3000)
        #expect(accepted + rejected == 4000)
    }
}
