import Foundation

/// The quantized model file (`.edgemodel`), format version 4 (version 3 files are version 4 without the
/// lookup and multiply operations, version 2 files are version 3 with every tensor int8, version 1
/// files are version 2 without the float logit scales; the writer writes the lowest version that
/// holds the model, so a model without the newer features reads with older builds). All integers
/// little-endian.
///
/// ```
/// header, 64 bytes
///    0  8  magic "EDGEMODL"
///    8  4  u32 format version (4, 3 or 2; 1 accepted)
///   12  4  u32 header length (64)
///   16  8  u64 file length
///   24  8  u64 description offset (64)
///   32  8  u64 description length
///   40  8  u64 data offset (a multiple of 64, after the description)
///   48  8  u64 data length (data offset + data length = file length)
///   56  4  u32 CRC-32C of bytes [0, 56) followed by bytes [60, file length)
///   60  4  u32 reserved, 0
/// description: values in this order (u8/u32/i32, f32 = IEEE-754 binary32, str = u32 byte count
/// + UTF-8, blob = u64 byte offset from the data section start (a multiple of 64) + u64 element
/// count; blobs lie inside the data section, so every array is 64-byte aligned when the file is
/// mapped at a page boundary)
///   str provenance, str calibration method, str rounding mode ("sqrdmulh-rshift-half-up")
///   f32 preprocessing scale, f32 preprocessing offset (model input = pixel * scale + offset)
///   u8 input encoding (0 affine, 1 offset folded into the first layers' biases)
///   u32 label count, str label...
///   u32 tensor count, per tensor: str name, u32 height, u32 width, u32 channels, f32 scale, i32 zero point,
///     [version 3 and later] u8 element type (1 int8, 2 int16: `ActivationType`)
///   u32 input tensor, u32 output tensor, u8 output activation (0 none, 1 softmax in float)
///   [version 2 and later] u32 logit scale count (0, or the output tensor's channel count), f32 scale...:
///     when present the last operation is a fully connected layer writing the output tensor and
///     the scores come from its int32 accumulators, logit[c] = acc[c] * scale[c] (float), not from
///     the requantized int8 output (`QuantizedModel.logitScales`)
///   u32 operation count, per operation: u8 op code, then
///     1 conv2d, 2 depthwise_conv2d, 3 fully_connected:
///        [depthwise only: u32 depth multiplier] u32 input, u32 output,
///        window = u32 kernel height, kernel width, stride height, stride width, pad top, pad left,
///        i32 activation min, i32 activation max, blob int8 weights (conv OHWI, depthwise HWC,
///        dense [out][in]), blob int32 bias, blob int32 multipliers, blob int32 shifts
///     4 max_pool, 5 average_pool: u32 input, u32 output, window, i32 activation min, i32 activation max
///     6 add: u32 a, u32 b, u32 output, i32 left shift, a multiplier, a shift, b multiplier, b shift,
///        output multiplier, output shift, activation min, activation max
///     7 flatten: u32 input, u32 output
///     [version 4] 8 lookup: u32 input, u32 output, str function name, blob int16 table (256 entries for
///        int8 tensors, 513 for int16: `LookupOperation`)
///     [version 4] 9 multiply: u32 a, u32 b, u32 output, i32 multiplier, shift, activation min,
///        activation max (`MultiplyOperation`)
///   the description ends exactly at its length.
/// ```
/// The reader checks all of it (`QuantizedModel.validate()`: indices, shapes, windows, multiplier
/// ranges against the kernel contract) and fails with a `ModelFileError`, never a crash.
public enum ModelFile {
    public static let magic: [UInt8] = Array("EDGEMODL".utf8)
    public static let formatVersion: UInt32 = 4
    /// The version written for a model without lookup or multiply operations.
    public static let elementTypeFormatVersion: UInt32 = 3
    /// The version written for such a model whose tensors are all int8 (it has no element types).
    public static let int8FormatVersion: UInt32 = 2
    /// Older versions the reader still accepts.
    public static let readableVersions: ClosedRange<UInt32> = 1...4
    public static let headerLength = 64
    public static let alignment = 64
    static let checksumOffset = 56

    /// The version `model` is written in.
    public static func version(of model: QuantizedModel) -> UInt32 {
        let newOperations = model.operations.contains {
            switch $0 {
            case .lookup, .multiply: return true
            default: return false
            }
        }
        if newOperations { return formatVersion }
        return model.tensors.allSatisfy { $0.elementType == .int8 } ? int8FormatVersion : elementTypeFormatVersion
    }

    /// The file's bytes. Throws when the model breaks the format or the kernel contract.
    public static func encode(_ model: QuantizedModel) throws(ModelValidationError) -> [UInt8] {
        try model.validate()
        return ModelFileWriter(model).bytes()
    }

    public static func decode(_ bytes: [UInt8], file: String) throws(ModelFileError) -> QuantizedModel {
        var reader = ModelFileReader(bytes: bytes, file: file)
        return try reader.read()
    }

    public static func write(_ model: QuantizedModel, to path: String) throws(ModelFileError) {
        let bytes: [UInt8]
        do {
            bytes = try encode(model)
        } catch {
            throw ModelFileError(file: path, problem: "cannot write an invalid model: \(error.problem)")
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError(file: path, problem: "cannot write: \(error.localizedDescription)")
        }
    }

    public static func load(path: String) throws(ModelFileError) -> QuantizedModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw ModelFileError(
                file: path,
                problem: !exists ? "no such file" : isDirectory.boolValue ? "is a directory, not a model file" : "cannot read it")
        }
        return try decode([UInt8](data), file: path)
    }

    /// CRC-32C over the whole file except the checksum field itself.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes[0..<checksumOffset])
        crc.update(bytes[(checksumOffset + 4)...])
        return crc.value
    }

    enum OpCode: UInt8 {
        case conv2D = 1, depthwiseConv2D, fullyConnected, maxPool, averagePool, add, flatten, lookup, multiply

        /// The first format version with this op code.
        var firstVersion: UInt32 { rawValue >= OpCode.lookup.rawValue ? 4 : 1 }
    }
}
