/// Serializes a validated model in the layout documented on `ModelFile`.
struct ModelFileWriter {
    private let model: QuantizedModel
    private var description: [UInt8] = []
    private var data: [UInt8] = []

    private let version: UInt32

    init(_ model: QuantizedModel) {
        self.model = model
        version = ModelFile.version(of: model)
    }

    consuming func bytes() -> [UInt8] {
        string(model.provenance)
        string(model.calibration)
        string(model.roundingMode)
        f32(model.preprocessing.scale)
        f32(model.preprocessing.offset)
        u8(model.inputEncoding.rawValue)
        u32(model.labels.count)
        model.labels.forEach { string($0) }
        u32(model.tensors.count)
        for tensor in model.tensors {
            string(tensor.name)
            u32(tensor.shape.height)
            u32(tensor.shape.width)
            u32(tensor.shape.channels)
            f32(tensor.scale)
            i32(tensor.zeroPoint)
            if version >= 3 { u8(tensor.elementType.rawValue) }
        }
        u32(model.inputTensor)
        u32(model.outputTensor)
        u8(model.outputActivation.rawValue)
        u32(model.logitScales?.count ?? 0)
        for scale in model.logitScales ?? [] {
            f32(scale)
        }
        u32(model.operations.count)
        for operation in model.operations {
            switch operation {
            case .conv2D(let op):
                u8(ModelFile.OpCode.conv2D.rawValue)
                weighted(op)
            case .depthwiseConv2D(let op, let depthMultiplier):
                u8(ModelFile.OpCode.depthwiseConv2D.rawValue)
                u32(depthMultiplier)
                weighted(op)
            case .fullyConnected(let op):
                u8(ModelFile.OpCode.fullyConnected.rawValue)
                weighted(op)
            case .maxPool(let op), .averagePool(let op):
                if case .maxPool = operation { u8(ModelFile.OpCode.maxPool.rawValue) } else { u8(ModelFile.OpCode.averagePool.rawValue) }
                u32(op.input)
                u32(op.output)
                window(op.window)
                i32(op.activationMin)
                i32(op.activationMax)
            case .add(let op):
                u8(ModelFile.OpCode.add.rawValue)
                u32(op.a)
                u32(op.b)
                u32(op.output)
                for value in [op.leftShift, op.aMultiplier, op.aShift, op.bMultiplier, op.bShift,
                              op.outputMultiplier, op.outputShift, op.activationMin, op.activationMax] {
                    i32(value)
                }
            case .lookup(let op):
                u8(ModelFile.OpCode.lookup.rawValue)
                u32(op.input)
                u32(op.output)
                string(op.function)
                blob(op.table)
            case .multiply(let op):
                u8(ModelFile.OpCode.multiply.rawValue)
                u32(op.a)
                u32(op.b)
                u32(op.output)
                for value in [op.multiplier, op.shift, op.activationMin, op.activationMax] {
                    i32(value)
                }
            case .flatten(let input, let output):
                u8(ModelFile.OpCode.flatten.rawValue)
                u32(input)
                u32(output)
            }
        }

        let descriptionOffset = ModelFile.headerLength
        let dataOffset = Self.aligned(descriptionOffset + description.count)
        let fileLength = dataOffset + data.count
        var file = [UInt8]()
        file.reserveCapacity(fileLength)
        file += ModelFile.magic
        Self.append(version, to: &file)
        Self.append(UInt32(ModelFile.headerLength), to: &file)
        for value in [fileLength, descriptionOffset, description.count, dataOffset, data.count] {
            Self.append(UInt64(value), to: &file)
        }
        Self.append(UInt32(0), to: &file)  // checksum, filled in below
        Self.append(UInt32(0), to: &file)
        file += description
        file += [UInt8](repeating: 0, count: dataOffset - file.count)
        file += data
        let checksum = ModelFile.checksum(file)
        for index in 0..<4 {
            file[ModelFile.checksumOffset + index] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt32(index)))
        }
        return file
    }

    static func aligned(_ offset: Int) -> Int {
        (offset + ModelFile.alignment - 1) / ModelFile.alignment * ModelFile.alignment
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private mutating func u8(_ value: UInt8) { description.append(value) }
    private mutating func u32(_ value: Int) { Self.append(UInt32(value), to: &description) }
    private mutating func i32(_ value: Int32) { Self.append(value, to: &description) }
    private mutating func f32(_ value: Float) { Self.append(value.bitPattern, to: &description) }

    private mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(utf8.count)
        description += utf8
    }

    private mutating func window(_ window: WindowGeometry) {
        for value in [window.kernelHeight, window.kernelWidth, window.strideHeight, window.strideWidth,
                      window.padTop, window.padLeft] {
            u32(value)
        }
    }

    private mutating func weighted(_ op: WeightedOperation) {
        u32(op.input)
        u32(op.output)
        window(op.window)
        i32(op.requantization.activationMin)
        i32(op.requantization.activationMax)
        blob(op.weights)
        blob(op.bias)
        blob(op.requantization.multipliers)
        blob(op.requantization.shifts)
    }

    private mutating func blob<Element: FixedWidthInteger>(_ values: [Element]) {
        let offset = Self.aligned(data.count)
        data += [UInt8](repeating: 0, count: offset - data.count)
        for value in values {
            Self.append(value, to: &data)
        }
        Self.append(UInt64(offset), to: &description)
        Self.append(UInt64(values.count), to: &description)
    }
}
