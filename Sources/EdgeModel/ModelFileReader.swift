/// Parses and validates the layout documented on `ModelFile`. Every read is bounds-checked and
/// every count is checked against the bytes that remain before anything is allocated, so a
/// truncated, corrupt or hostile file ends in a `ModelFileError`.
struct ModelFileReader {
    private let bytes: [UInt8]
    private let file: String
    private var position = 0
    private var descriptionEnd = 0
    private var dataRange = 0..<0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem: problem) }

    mutating func read() throws(ModelFileError) -> QuantizedModel {
        guard bytes.count >= ModelFile.magic.count, Array(bytes[0..<ModelFile.magic.count]) == ModelFile.magic else {
            throw fail("this is not an edge model file (it does not start with \"EDGEMODL\")")
        }
        guard bytes.count >= ModelFile.headerLength else {
            throw fail("truncated at byte \(bytes.count): the header alone is \(ModelFile.headerLength) bytes")
        }
        position = 8
        let version = try u32()
        guard ModelFile.readableVersions.contains(version) else {
            throw fail("unsupported format version \(version) (this build reads versions \(ModelFile.readableVersions.lowerBound) to \(ModelFile.readableVersions.upperBound)); rebuild the model with this edge-quantize")
        }
        guard try u32() == UInt32(ModelFile.headerLength) else { throw fail("header length field is wrong") }
        let fileLength = try u64()
        let descriptionOffset = try u64(), descriptionLength = try u64()
        let dataOffset = try u64(), dataLength = try u64()
        guard fileLength <= UInt64(bytes.count) else {
            throw fail("truncated at byte \(bytes.count): the header says the file has \(fileLength) bytes")
        }
        guard fileLength == UInt64(bytes.count) else {
            throw fail("has \(bytes.count) bytes but its header says \(fileLength): trailing garbage")
        }
        let stored = try u32()
        let computed = ModelFile.checksum(bytes)
        guard stored == computed else {
            throw fail("checksum mismatch (stored \(hex(stored)), computed \(hex(computed))): the file is corrupt")
        }
        guard descriptionOffset == UInt64(ModelFile.headerLength),
              descriptionLength <= fileLength - descriptionOffset,
              dataOffset % UInt64(ModelFile.alignment) == 0,
              dataOffset >= descriptionOffset + descriptionLength,
              dataOffset <= fileLength, dataLength == fileLength - dataOffset
        else { throw fail("section offsets in the header are inconsistent") }
        position = Int(descriptionOffset)
        descriptionEnd = Int(descriptionOffset + descriptionLength)
        dataRange = Int(dataOffset)..<Int(fileLength)

        let provenance = try string("provenance")
        let calibration = try string("calibration method")
        let roundingMode = try string("rounding mode")
        let preprocessing = Preprocessing(scale: try f32(), offset: try f32())
        let encodingCode = try u8()
        guard let inputEncoding = InputEncoding(rawValue: encodingCode) else { throw fail("unknown input encoding \(encodingCode)") }
        var labels: [String] = []
        for _ in 0..<(try count(minimumBytesEach: 4, "labels")) {
            labels.append(try string("label"))
        }
        var tensors: [ModelTensor] = []
        for _ in 0..<(try count(minimumBytesEach: 24, "tensors")) {
            let name = try string("tensor name")
            let shape = TensorShape(height: try dimension(), width: try dimension(), channels: try dimension())
            let scale = try f32(), zeroPoint = try i32()
            var elementType = ActivationType.int8
            if version >= 3 {
                let code = try u8()
                guard let type = ActivationType(rawValue: code) else {
                    throw fail("tensor '\(name)' has unknown element type \(code) (1 int8, 2 int16)")
                }
                elementType = type
            }
            tensors.append(ModelTensor(name: name, shape: shape, scale: scale, zeroPoint: zeroPoint, elementType: elementType))
        }
        let inputTensor = try index(), outputTensor = try index()
        let activationCode = try u8()
        guard let outputActivation = OutputActivation(rawValue: activationCode) else {
            throw fail("unknown output activation \(activationCode)")
        }
        var logitScales: [Float]?
        if version >= 2 {
            let scaleCount = try count(minimumBytesEach: 4, "logit scales")
            if scaleCount > 0 {
                var scales: [Float] = []
                for _ in 0..<scaleCount { scales.append(try f32()) }
                logitScales = scales
            }
        }
        var operations: [ModelOperation] = []
        for number in 0..<(try count(minimumBytesEach: 9, "operations")) {
            operations.append(try operation(number, version: version))
        }
        guard position == descriptionEnd else {
            throw fail("the description has \(descriptionEnd - position) unexpected bytes after the last operation")
        }
        let model = QuantizedModel(
            preprocessing: preprocessing, inputEncoding: inputEncoding, labels: labels, provenance: provenance,
            calibration: calibration, roundingMode: roundingMode, tensors: tensors, inputTensor: inputTensor,
            outputTensor: outputTensor, outputActivation: outputActivation, operations: operations,
            logitScales: logitScales)
        do {
            try model.validate()
        } catch {
            throw fail(error.problem)
        }
        return model
    }

    private mutating func operation(_ number: Int, version: UInt32) throws(ModelFileError) -> ModelOperation {
        let code = try u8()
        guard let opCode = ModelFile.OpCode(rawValue: code) else {
            throw fail("operation #\(number) has unknown op code \(code) (a newer format?)")
        }
        guard opCode.firstVersion <= version else {
            throw fail("operation #\(number) has op code \(code), which format version \(version) does not have (only \(opCode.firstVersion) and later)")
        }
        switch opCode {
        case .conv2D: return .conv2D(try weighted())
        case .depthwiseConv2D:
            let depthMultiplier = try dimension()
            return .depthwiseConv2D(try weighted(), depthMultiplier: depthMultiplier)
        case .fullyConnected: return .fullyConnected(try weighted())
        case .maxPool, .averagePool:
            let pool = PoolOperation(input: try index(), output: try index(), window: try window(),
                                     activationMin: try i32(), activationMax: try i32())
            return opCode == .maxPool ? .maxPool(pool) : .averagePool(pool)
        case .add:
            return .add(AddOperation(
                a: try index(), b: try index(), output: try index(), leftShift: try i32(),
                aMultiplier: try i32(), aShift: try i32(), bMultiplier: try i32(), bShift: try i32(),
                outputMultiplier: try i32(), outputShift: try i32(), activationMin: try i32(), activationMax: try i32()))
        case .flatten:
            return .flatten(input: try index(), output: try index())
        case .lookup:
            let input = try index(), output = try index()
            let function = try string("lookup function name")
            return .lookup(LookupOperation(input: input, output: output, table: try blob("lookup table"), function: function))
        case .multiply:
            return .multiply(MultiplyOperation(
                a: try index(), b: try index(), output: try index(), multiplier: try i32(), shift: try i32(),
                activationMin: try i32(), activationMax: try i32()))
        }
    }

    private mutating func weighted() throws(ModelFileError) -> WeightedOperation {
        let input = try index(), output = try index()
        let window = try window()
        let activationMin = try i32(), activationMax = try i32()
        let weights: [Int8] = try blob("weights")
        let bias: [Int32] = try blob("bias")
        let multipliers: [Int32] = try blob("multipliers")
        let shifts: [Int32] = try blob("shifts")
        return WeightedOperation(
            input: input, output: output, window: window, weights: weights, bias: bias,
            requantization: Requantization(multipliers: multipliers, shifts: shifts,
                                           activationMin: activationMin, activationMax: activationMax))
    }

    private mutating func window() throws(ModelFileError) -> WindowGeometry {
        WindowGeometry(kernelHeight: try dimension(), kernelWidth: try dimension(), strideHeight: try dimension(),
                       strideWidth: try dimension(), padTop: try dimension(), padLeft: try dimension())
    }

    // MARK: Primitive reads, bounded by the description section (or the header while reading it).

    private mutating func take(_ count: Int) throws(ModelFileError) -> Int {
        let end = descriptionEnd == 0 ? ModelFile.headerLength : descriptionEnd
        guard count <= end - position else {
            throw descriptionEnd == 0
                ? fail("truncated at byte \(bytes.count)")
                : fail("the description is truncated: it ends at byte \(end) while reading byte \(position + count)")
        }
        defer { position += count }
        return position
    }

    private mutating func little<Value: FixedWidthInteger>(_: Value.Type) throws(ModelFileError) -> Value {
        let start = try take(MemoryLayout<Value>.size)
        var value: Value = 0
        for index in 0..<MemoryLayout<Value>.size {
            value |= Value(truncatingIfNeeded: bytes[start + index]) << (8 * index)
        }
        return value
    }

    private mutating func u8() throws(ModelFileError) -> UInt8 { try little(UInt8.self) }
    private mutating func u32() throws(ModelFileError) -> UInt32 { try little(UInt32.self) }
    private mutating func u64() throws(ModelFileError) -> UInt64 { try little(UInt64.self) }
    private mutating func i32() throws(ModelFileError) -> Int32 { try little(Int32.self) }
    private mutating func f32() throws(ModelFileError) -> Float { Float(bitPattern: try u32()) }

    /// A dimension, index or window field; bounded so that products of a few never overflow.
    private mutating func dimension() throws(ModelFileError) -> Int {
        let value = try u32()
        guard value <= UInt32(QuantizedModel.maximumDimension) else {
            throw fail("field value \(value) at byte \(position - 4) is out of range (at most \(QuantizedModel.maximumDimension))")
        }
        return Int(value)
    }

    private mutating func index() throws(ModelFileError) -> Int { try dimension() }

    /// An element count, at most what the rest of the description could hold.
    private mutating func count(minimumBytesEach: Int, _ what: String) throws(ModelFileError) -> Int {
        let value = Int(try u32())
        guard value <= (descriptionEnd - position) / minimumBytesEach else {
            throw fail("claims \(value) \(what), more than the description at byte \(position - 4) can hold")
        }
        return value
    }

    private mutating func string(_ what: String) throws(ModelFileError) -> String {
        let length = Int(try u32())
        guard length <= descriptionEnd - position else {
            throw fail("the \(what) at byte \(position - 4) claims \(length) bytes, beyond the description")
        }
        let start = try take(length)
        guard let text = String(validating: bytes[start..<(start + length)], as: UTF8.self) else {
            throw fail("the \(what) at byte \(start) is not valid UTF-8")
        }
        return text
    }

    private mutating func blob<Element: FixedWidthInteger>(_ what: String) throws(ModelFileError) -> [Element] {
        let offset = try u64(), count = try u64()
        let size = UInt64(MemoryLayout<Element>.size)
        let available = UInt64(dataRange.count)
        guard offset % UInt64(ModelFile.alignment) == 0, offset <= available, count <= (available - offset) / size else {
            throw fail("the \(what) array (offset \(offset), \(count) elements) lies outside the data section or is misaligned")
        }
        let start = dataRange.lowerBound + Int(offset)
        return (0..<Int(count)).map { element in
            var value: Element = 0
            for index in 0..<Int(size) {
                value |= Element(truncatingIfNeeded: bytes[start + element * Int(size) + index]) << (8 * index)
            }
            return value
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
