import Foundation

/// A constant tensor of the ONNX graph (an initializer or a Constant node's value), decoded on use.
struct ONNXConstant {
    var name: String
    var dims: [Int]
    var tensor: Onnx_TensorProto

    var elementCount: Int { dims.reduce(1, *) }

    init(_ tensor: Onnx_TensorProto, name: String? = nil) throws(TranslationError) {
        self.name = name ?? tensor.name
        self.tensor = tensor
        guard tensor.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
            throw TranslationError(node: self.name, "tensor has invalid dimensions \(tensor.dims)")
        }
        dims = tensor.dims.map { Int($0) }
        // Overflow-checked: a corrupt file can claim any dimensions.
        var count = 1
        for dim in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= 1 << 31 else {
                throw TranslationError(node: self.name, "tensor dimensions \(dims) are too large")
            }
            count = product
        }
        if tensor.dataLocation == .external {
            throw TranslationError(node: self.name, "tensor data is stored in an external file; re-export with the weights embedded (torch.onnx.export(..., external_data=False) or onnx.save(model, path, save_as_external_data=False))")
        }
    }

    /// True for integer tensors (shape arithmetic), false for float ones.
    /// True for integer and BOOL tensors (shape arithmetic, Where's condition), false for float ones.
    var isInteger: Bool { [.int64, .int32, .int8, .uint8, .bool].contains(dataType) }

    private var dataType: Onnx_TensorProto.DataType? { Onnx_TensorProto.DataType(rawValue: Int(tensor.dataType)) }

    /// The values as floats (FLOAT and DOUBLE tensors, inline or little-endian raw data).
    func floats() throws(TranslationError) -> [Float] {
        let count = elementCount
        let values: [Float]
        switch dataType {
        case .float?:
            values = tensor.hasRawData ? try littleEndian(UInt32.self).map { Float(bitPattern: $0) } : tensor.floatData
        case .double?:
            values = tensor.hasRawData
                ? try littleEndian(UInt64.self).map { Float(Double(bitPattern: $0)) } : tensor.doubleData.map { Float($0) }
        default:
            throw TranslationError(node: name, "has data type \(typeName); weights must be float32 (or float64)")
        }
        guard values.count == count else {
            throw TranslationError(node: name, "holds \(values.count) values for dimensions \(dims) (\(count) expected)")
        }
        return values
    }

    /// The values as integers (INT64 and INT32 tensors, inline or little-endian raw data).
    func integers() throws(TranslationError) -> [Int] {
        let count = elementCount
        let values: [Int]
        switch dataType {
        case .int64?:
            values = tensor.hasRawData ? try littleEndian(UInt64.self).map { Int(Int64(bitPattern: $0)) } : tensor.int64Data.map { Int($0) }
        case .int32?:
            values = tensor.hasRawData ? try littleEndian(UInt32.self).map { Int(Int32(bitPattern: $0)) } : tensor.int32Data.map { Int($0) }
        case .bool?, .uint8?:
            values = tensor.hasRawData ? tensor.rawData.map { Int($0) } : tensor.int32Data.map { Int($0) }
        case .int8?:
            values = tensor.hasRawData ? tensor.rawData.map { Int(Int8(bitPattern: $0)) } : tensor.int32Data.map { Int($0) }
        default:
            throw TranslationError(node: name, "has data type \(typeName); an integer tensor was expected")
        }
        guard values.count == count else {
            throw TranslationError(node: name, "holds \(values.count) values for dimensions \(dims) (\(count) expected)")
        }
        return values
    }

    private var typeName: String { dataType.map { "\($0)" } ?? "#\(tensor.dataType)" }

    private func littleEndian<Word: FixedWidthInteger>(_: Word.Type) throws(TranslationError) -> [Word] {
        let raw = tensor.rawData
        let size = MemoryLayout<Word>.size
        guard raw.count % size == 0 else {
            throw TranslationError(node: name, "raw_data has \(raw.count) bytes, not a multiple of \(size)")
        }
        var words = [Word](repeating: 0, count: raw.count / size)
        _ = words.withUnsafeMutableBytes { raw.copyBytes(to: $0) }
        return words.map { Word(littleEndian: $0) }
    }
}
