@testable import EdgeModel
import Foundation
import Testing

@Suite struct ModelFileTests {
    @Test func roundTripsEveryField() throws {
        let model = SampleModel.make()
        let bytes = try ModelFile.encode(model)
        #expect(try ModelFile.decode(bytes, file: "sample") == model)
        #expect(bytes.count % 64 == 0 || bytes.count > 64)
    }

    @Test func writesAndLoadsAFile() throws {
        let model = SampleModel.make(seed: 7)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edge-model-\(UInt32.random(in: 0...UInt32.max)).edgemodel").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.write(model, to: path)
        #expect(try ModelFile.load(path: path) == model)
    }

    @Test func blobsAreSixtyFourByteAligned() throws {
        let bytes = try ModelFile.encode(SampleModel.make())
        let dataOffset = bytes[40..<48].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(dataOffset % 64 == 0)
        #expect(dataOffset >= 64)
    }

    @Test func checksumIsCRC32C() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func rejectsAForeignFile() {
        let error = decodeError(Array("\u{89}PNG\r\n\u{1A}\n and more bytes".utf8))
        #expect(error?.file == "model.edgemodel")
        #expect(error?.problem.contains("this is not an edge model file") == true)
    }

    @Test func reportsTruncationWithTheByteCount() throws {
        let bytes = try ModelFile.encode(SampleModel.make())
        let error = decodeError(Array(bytes[0..<200]))
        #expect(error?.problem.contains("truncated at byte 200") == true)
        #expect(decodeError(Array(bytes[0..<30]))?.problem.contains("truncated at byte 30") == true)
    }

    @Test func reportsAChecksumMismatch() throws {
        var bytes = try ModelFile.encode(SampleModel.make())
        bytes[bytes.count - 5] ^= 0x10
        #expect(decodeError(bytes)?.problem.contains("checksum mismatch") == true)
    }

    @Test func reportsAnUnsupportedVersion() throws {
        var bytes = try ModelFile.encode(SampleModel.make())
        bytes[8] = 2
        #expect(decodeError(bytes)?.problem.contains("unsupported format version 2") == true)
    }

    @Test func loadingAMissingFileNamesIt() {
        #expect(throws: ModelFileError(file: "/nonexistent/x.edgemodel", problem: "no such file")) {
            try ModelFile.load(path: "/nonexistent/x.edgemodel")
        }
    }

    @Test func validationRejectsWhatTheKernelsCannotRun() {
        var model = SampleModel.make()
        guard case .conv2D(var conv) = model.operations[0] else { Issue.record("sample starts with a conv"); return }
        conv.weights[0] = -128
        model.operations[0] = .conv2D(conv)
        #expect(throws: ModelValidationError.self) { try model.validate() }

        model = SampleModel.make()
        conv.weights[0] = 1
        conv.requantization.multipliers[0] = 12345
        model.operations[0] = .conv2D(conv)
        #expect(throws: ModelValidationError.self) { try model.validate() }

        model = SampleModel.make()
        model.operations.swapAt(0, 1)
        #expect(throws: ModelValidationError.self) { try model.validate() }

        model = SampleModel.make()
        model.tensors[3].zeroPoint = 4  // max pool output must keep its input's quantization
        #expect(throws: ModelValidationError.self) { try model.validate() }
    }

    private func decodeError(_ bytes: [UInt8]) -> ModelFileError? {
        do {
            _ = try ModelFile.decode(bytes, file: "model.edgemodel")
            return nil
        } catch {
            return error
        }
    }
}
