import Foundation

/// How far a tensor's stored codes can lie from its zero point: the largest |q - zero point| that
/// the operation writing it can store, proved from that operation's own parameters (the kernels
/// honour every clamp, edge_kernels.h). The int16 kernels' no-overflow argument uses it: a conv
/// over `taps` terms reading a tensor whose codes lie within B of its zero point sums at most
/// taps x B x 127 plus its bias (`largestBias`). The quantizer narrows B below 2^15 (clamps at
/// +-B) for tensors read by convs too wide for full int16 codes.
extension QuantizedModel {
    /// The largest |q - zero point| of every tensor (the input's from the 256 pixels; a tensor no
    /// operation writes keeps its element type's full range).
    public func largestCodes() -> [Int64] {
        var codes = tensors.map { Self.fullRange($0.elementType) }
        if tensors.indices.contains(inputTensor) {
            codes[inputTensor] = Self.largestInputCode(tensors[inputTensor], encoding: inputEncoding, preprocessing: preprocessing)
        }
        for operation in operations
        where tensors.indices.contains(operation.output) && operation.inputs.allSatisfy(tensors.indices.contains) {
            codes[operation.output] = Self.largestCode(writtenBy: operation, tensors: tensors, inputCodes: codes)
        }
        return codes
    }

    /// |q - zero point| <= 128 (int8) or 32768 (int16) for any code of the type.
    public static func fullRange(_ type: ActivationType) -> Int64 {
        Int64(type.maximum) + 1
    }

    /// The input tensor's largest |q - zero point| over the 256 pixel values.
    public static func largestInputCode(_ input: ModelTensor, encoding: InputEncoding, preprocessing: Preprocessing) -> Int64 {
        (0...255).map { pixel in
            let code = encoding.quantize(pixel: UInt8(pixel), preprocessing: preprocessing, scale: input.scale,
                                         zeroPoint: input.zeroPoint, elementType: input.elementType)
            return abs(Int64(code) - Int64(input.zeroPoint))
        }.max() ?? fullRange(input.elementType)
    }

    /// The largest |q - zero point| `operation` can write, given that of each tensor it reads
    /// (`inputCodes`, by tensor): requantizing ops, add and multiply store within their clamp; a
    /// lookup stores a table entry (int8) or a rounded interpolation between two adjacent entries
    /// (int16), so within the entries' range; a max pool stores one of its inputs, an average pool
    /// a rounded mean of them (both also clamped); a flatten copies its input.
    public static func largestCode(writtenBy operation: ModelOperation, tensors: [ModelTensor], inputCodes: [Int64]) -> Int64 {
        let zeroPoint = Int64(tensors[operation.output].zeroPoint)
        func clamp(_ low: Int32, _ high: Int32) -> Int64 {
            max(abs(Int64(low) - zeroPoint), abs(Int64(high) - zeroPoint))
        }
        switch operation {
        case .conv2D(let op), .depthwiseConv2D(let op, _), .fullyConnected(let op):
            return clamp(op.requantization.activationMin, op.requantization.activationMax)
        case .add(let op):
            return clamp(op.activationMin, op.activationMax)
        case .multiply(let op):
            return clamp(op.activationMin, op.activationMax)
        case .lookup(let op):
            return op.table.map { abs(Int64($0) - zeroPoint) }.max() ?? fullRange(tensors[operation.output].elementType)
        case .maxPool(let op), .averagePool(let op):
            return min(inputCodes[op.input], clamp(op.activationMin, op.activationMax))
        case .flatten(let input, _):
            return inputCodes[input]
        }
    }

    /// How many bits of codes `largestCode` leaves: log2 of the 2 x largestCode + 1 codes.
    public static func codeBits(_ largestCode: Int64) -> Double {
        log2(Double(2 * largestCode + 1))
    }

    /// What a tensor holds, for reports: "int8", "int16", or for an int16 tensor narrowed to fit
    /// the int32 sums of a wide conv reading it, "int16 +-7300 (13.8 bits)".
    public static func precision(of type: ActivationType, largestCode: Int64) -> String {
        guard type == .int16, largestCode < Int64(type.maximum) else { return type.description }
        return "int16 +-\(largestCode) (" + String(format: "%.1f", codeBits(largestCode)) + " bits)"
    }
}
