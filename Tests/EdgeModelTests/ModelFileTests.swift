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
        bytes[8] = 5
        bytes.replaceSubrange(56..<60, with: withUnsafeBytes(of: ModelFile.checksum(bytes).littleEndian, Array.init))
        #expect(decodeError(bytes)?.problem.contains("unsupported format version 5") == true)
    }

    /// Lookup and multiply operations make a model version 4; the same bytes labelled version 3
    /// (a build that predates them would not know op codes 8 and 9) are refused naming the op code.
    @Test(arguments: ActivationType.allCases) func lookupAndMultiplyRoundTripAsVersionFour(activations: ActivationType) throws {
        let model = SampleModel.makeElementwise(seed: 3, activations: activations)
        var bytes = try ModelFile.encode(model)
        #expect(bytes[8] == 4)
        #expect(try ModelFile.decode(bytes, file: "sample") == model)
        bytes[8] = 3
        bytes.replaceSubrange(56..<60, with: withUnsafeBytes(of: ModelFile.checksum(bytes).littleEndian, Array.init))
        #expect(decodeError(bytes)?.problem.contains("op code 8, which format version 3 does not have") == true)
    }

    @Test func validationHoldsLookupAndMultiplyToTheirContract() {
        func problem(_ change: (inout QuantizedModel) -> Void) -> String? {
            var model = SampleModel.makeElementwise(seed: 3)
            change(&model)
            do {
                try model.validate()
                return nil
            } catch {
                return error.problem
            }
        }
        #expect(problem { _ in } == nil)
        #expect(problem {
            guard case .lookup(var op) = $0.operations[1] else { return }
            op.table.removeLast()
            $0.operations[1] = .lookup(op)
        }?.contains("has 255 table entries, expected 256 for int8") == true)
        #expect(problem {
            guard case .lookup(var op) = $0.operations[1] else { return }
            op.table[7] = 300
            $0.operations[1] = .lookup(op)
        }?.contains("table entries outside int8") == true)
        #expect(problem {
            guard case .multiply(var op) = $0.operations[4] else { return }
            op.b = 0  // the 8x8x1 input is neither the map's shape nor a 1x1x4 gate
            $0.operations[4] = .multiply(op)
        }?.contains("multiplies 6x6x4 by 8x8x1") == true)
        #expect(problem {
            guard case .multiply(var op) = $0.operations[4] else { return }
            op.shift = 40
            $0.operations[4] = .multiply(op)
        }?.contains("output shift 40 is outside [-31, 31]") == true)
    }

    /// int16 models are version 3 (a element type byte per tensor); all-int8 models stay
    /// version 2, byte for byte what earlier builds wrote and read.
    @Test func int16ModelsRoundTripAsVersionThree() throws {
        let int16 = SampleModel.make(seed: 4, activations: .int16)
        let bytes = try ModelFile.encode(int16)
        #expect(bytes[8] == 3)
        let decoded = try ModelFile.decode(bytes, file: "sample")
        #expect(decoded == int16)
        #expect(decoded.tensors.allSatisfy { $0.elementType == .int16 })
        let int8Bytes = try ModelFile.encode(SampleModel.make(seed: 4))
        #expect(int8Bytes[8] == 2)
        // One type byte per tensor more in the description (header bytes 32..<40).
        func descriptionLength(_ file: [UInt8]) -> Int { file[32..<40].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) } }
        #expect(descriptionLength(bytes) == descriptionLength(int8Bytes) + int16.tensors.count)
    }

    @Test func rejectsAnUnknownElementType() throws {
        let model = SampleModel.make(seed: 4, activations: .int16)
        var bytes = try ModelFile.encode(model)
        // The first tensor record: name "input", 3 dimensions, scale, zero point, then its type byte.
        let name = Array("input".utf8)
        let start = try #require((64..<bytes.count).first { Array(bytes[$0..<($0 + name.count)]) == name })
        let typeByte = start + name.count + 4 * 5
        #expect(bytes[typeByte] == ActivationType.int16.rawValue)
        bytes[typeByte] = 7
        bytes.replaceSubrange(56..<60, with: withUnsafeBytes(of: ModelFile.checksum(bytes).littleEndian, Array.init))
        #expect(decodeError(bytes)?.problem.contains("unknown element type 7") == true)
    }

    /// A conv summing 600 int16 terms fits int32 when the tensor it reads is clamped within B of
    /// its zero point with 600 x B x 127 + |bias| < 2^31: the validator takes B from the clamps of
    /// the op writing that tensor, through a max pool, and refuses one code more.
    @Test func wideInt16SumsNeedTheirInputNarrowed() throws {
        let taps = 600, bias: Int32 = 1 << 20
        let bound = Int32((Int64(Int32.max) - 1 - Int64(bias)) / Int64(taps * 127))
        func model(clamp: Int32) -> QuantizedModel {
            let vector = TensorShape.vector(taps)
            let requant = { (count: Int, low: Int32, high: Int32) in
                Requantization(multipliers: Array(repeating: 1 << 30, count: count), shifts: Array(repeating: 8, count: count),
                               activationMin: low, activationMax: high)
            }
            let point = WindowGeometry(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0)
            return QuantizedModel(
                preprocessing: .symmetricUnit, inputEncoding: .offsetFoldedIntoBias, labels: [], provenance: "test",
                calibration: "none",
                tensors: [
                    ModelTensor(name: "input", shape: .vector(1), scale: 2.0 / 255, zeroPoint: -128, elementType: .int16),
                    ModelTensor(name: "spread", shape: vector, scale: 0.001, zeroPoint: 0, elementType: .int16),
                    ModelTensor(name: "pool", shape: vector, scale: 0.001, zeroPoint: 0, elementType: .int16),
                    ModelTensor(name: "sum", shape: .vector(1), scale: 0.01, zeroPoint: 0, elementType: .int16),
                ],
                inputTensor: 0, outputTensor: 3, outputActivation: .none,
                operations: [
                    .conv2D(WeightedOperation(input: 0, output: 1, window: point, weights: Array(repeating: 127, count: taps),
                                              bias: Array(repeating: 0, count: taps), requantization: requant(taps, -clamp, clamp))),
                    .maxPool(PoolOperation(input: 1, output: 2, window: point, activationMin: -32768, activationMax: 32767)),
                    .conv2D(WeightedOperation(input: 2, output: 3, window: point, weights: Array(repeating: -127, count: taps),
                                              bias: [-bias], requantization: requant(1, -32768, 32767))),
                ])
        }
        let narrowed = model(clamp: bound)
        #expect(throws: Never.self) { try narrowed.validate() }
        #expect(narrowed.largestCodes() == [255, Int64(bound), Int64(bound), 32768])
        #expect(QuantizedModel.precision(of: .int16, largestCode: Int64(bound)) == "int16 +-\(bound) (15.8 bits)")
        #expect(QuantizedModel.precision(of: .int16, largestCode: 32768) == "int16")
        #expect(QuantizedModel.precision(of: .int8, largestCode: 128) == "int8")
        #expect(throws: ModelValidationError.self) { try model(clamp: bound + 1).validate() }
        #expect(throws: ModelValidationError.self) { try model(clamp: 32767).validate() }
    }

    @Test func validationHoldsInt16ModelsToTheirContract() {
        // An op may not mix element types.
        var model = SampleModel.make(activations: .int16)
        model.tensors[2].elementType = .int8
        #expect(throws: ModelValidationError.self) { try model.validate() }
        // int16 tensors are symmetric (only the input keeps its pixel zero point).
        model = SampleModel.make(activations: .int16)
        model.tensors[4].zeroPoint = 5
        #expect(throws: ModelValidationError.self) { try model.validate() }
        // Clamps within int16 pass, beyond it fail.
        model = SampleModel.make(activations: .int16)
        guard case .conv2D(var conv) = model.operations[0] else { Issue.record("sample starts with a conv"); return }
        conv.requantization.activationMax = 40000
        model.operations[0] = .conv2D(conv)
        #expect(throws: ModelValidationError.self) { try model.validate() }
        // An int32 sum that could overflow: 3x3 window with a bias leaving no room.
        conv.requantization.activationMax = 32767
        conv.bias[0] = (1 << 30) - 1
        model.operations[0] = .conv2D(conv)
        #expect(throws: Never.self) { try model.validate() }  // 9 taps: 37 M + 2^30 < 2^31
        #expect(QuantizedModel.largestBias(taps: 9, elementType: .int16) == (1 << 30) - 1)
        #expect(QuantizedModel.largestBias(taps: 300, elementType: .int16) == Int64(Int32.max) - 1 - 300 * 32768 * 127)
        #expect(QuantizedModel.largestBias(taps: 600, elementType: .int16) < 0)
        // This conv reads the pixel codes (within 255 of the zero point): room for 600 taps.
        #expect(model.largestBias(conv, taps: 600) == (1 << 30) - 1)
        // Add shifts beyond 15 could overflow int16 sums.
        model = SampleModel.make(activations: .int16)
        guard case .add(var add) = model.operations[4] else { Issue.record("operation 4 is the add"); return }
        add.leftShift = 16
        model.operations[4] = .add(add)
        #expect(throws: ModelValidationError.self) { try model.validate() }
    }

    @Test func roundTripsFloatLogitScalesAndTheirAbsence() throws {
        let withLogits = SampleModel.make(seed: 3)
        #expect(withLogits.logitScales?.count == 3)
        #expect(try ModelFile.decode(ModelFile.encode(withLogits), file: "sample") == withLogits)
        let without = SampleModel.make(seed: 3, floatLogits: false)
        let decoded = try ModelFile.decode(ModelFile.encode(without), file: "sample")
        #expect(decoded == without)
        #expect(decoded.logitScales == nil)
    }

    /// A version 1 file is a version 2 file without the logit scale count: still read.
    @Test func readsVersionOneFiles() throws {
        let model = SampleModel.make(seed: 5, floatLogits: false)
        var bytes = try ModelFile.encode(model)
        // Version 2 writes the logit scale count (u32 0) right before the operation count; drop it.
        let countPosition = try #require(Self.logitCountPosition(bytes, model: model))
        bytes.removeSubrange(countPosition..<(countPosition + 4))
        bytes[8] = 1
        // The description shrank by 4 bytes: pad it back so offsets stay valid, then fix length and checksum.
        let descriptionLength = bytes[32..<40].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        bytes.insert(contentsOf: [0, 0, 0, 0], at: 64 + descriptionLength - 4)
        bytes.replaceSubrange(32..<40, with: withUnsafeBytes(of: UInt64(descriptionLength - 4).littleEndian, Array.init))
        bytes.replaceSubrange(56..<60, with: withUnsafeBytes(of: ModelFile.checksum(bytes).littleEndian, Array.init))
        #expect(try ModelFile.decode(bytes, file: "v1") == model)
    }

    /// Offset of the logit scale count (0) in a version 2 file: between the output activation
    /// byte and the operation count, before the first op code (conv2d).
    private static func logitCountPosition(_ bytes: [UInt8], model: QuantizedModel) -> Int? {
        let zero: [UInt8] = [0, 0, 0, 0]
        let operationCount = withUnsafeBytes(of: UInt32(model.operations.count).littleEndian, Array.init)
        let pattern = [UInt8(model.outputActivation.rawValue)] + zero + operationCount + [1]  // then conv2d op code
        for start in 64..<(bytes.count - pattern.count) where Array(bytes[start..<(start + pattern.count)]) == pattern {
            return start + 1
        }
        return nil
    }

    @Test func rejectsLogitScalesThatCannotApply() {
        var model = SampleModel.make()
        model.logitScales = [0.1, 0.2]
        #expect(throws: ModelValidationError.self) { try model.validate() }
        model.logitScales = [0.1, -0.2, 0.3]
        #expect(throws: ModelValidationError.self) { try model.validate() }
        model.logitScales = [0.1, .nan, 0.3]
        #expect(throws: ModelValidationError.self) { try model.validate() }
        model.logitScales = [0.1, 0.2, 0.3]
        model.operations.append(.maxPool(PoolOperation(input: 8, output: 8, window: WindowGeometry(
            kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0))))
        #expect(throws: ModelValidationError.self) { try model.validate() }
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
