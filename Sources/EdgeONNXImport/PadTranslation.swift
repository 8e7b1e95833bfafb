import EdgeGraph

/// An explicit Pad waiting for the Conv or pool that reads it, which absorbs it into its own
/// padding (PyTorch writes TensorFlow's SAME max pool as `F.pad(x, (0, 1, 0, 1), value=-inf)`
/// before `MaxPool2d`).
struct PendingPad {
    var source: TranslatedValue
    var padding: Padding
    var value: Float
    var node: String

    /// Below this a pad value is "minus infinity" for a max pool: no activation the runtime
    /// quantizes gets near it.
    static let negativeInfinityBound: Float = -1e30
}

extension ONNXGraphTranslator {
    /// Pad in constant mode of the H and W axes of a feature map: remembered, not emitted.
    mutating func translatePad(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let mode = node.attributes.string("mode", default: "constant")
        guard mode == "constant" else {
            throw node.error("mode '\(mode)' is not supported; only constant padding (folded into the next Conv or pool) is")
        }
        let dims = input.layout.onnxDims(shape(of: input))
        var pads: [Int]
        var value: Float = 0
        if node.opset >= 11 {
            pads = try constant(node.requiredInput(1), for: node).integers()
            if let name = node.input(2) {
                let values = try FoldedTensor(constant(name, for: node)).floats
                guard values.count == 1 else { throw node.error("constant_value must be a scalar") }
                value = values[0]
            }
            if let name = node.input(3) {
                // Opset 18: pads only for the listed axes.
                let axes = try constant(name, for: node).integers().map { $0 < 0 ? $0 + dims.count : $0 }
                guard pads.count == 2 * axes.count, axes.allSatisfy({ (0..<dims.count).contains($0) }) else {
                    throw node.error("pads \(pads) do not match axes \(axes)")
                }
                var full = [Int](repeating: 0, count: 2 * dims.count)
                for (k, axis) in axes.enumerated() {
                    full[axis] = pads[k]
                    full[dims.count + axis] = pads[axes.count + k]
                }
                pads = full
            }
        } else {
            pads = try node.attributes.ints("pads") ?? []
            value = try node.attributes.float("value", default: 0)
        }
        guard input.layout == .channelsFirst, dims.count == 4, pads.count == 8 else {
            throw node.error("pads \(pads) of a \(input.layout) tensor \(dims): only padding of NCHW feature maps is supported")
        }
        guard pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0 else {
            throw node.error("pads \(pads) pad the batch or channel axis; only height and width padding is supported")
        }
        guard pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 12 }) else {
            throw node.error("pads \(pads): negative pads (cropping) or huge pads are not supported")
        }
        var padding = Padding(top: pads[2], left: pads[3], bottom: pads[6], right: pads[7])
        var source = input
        // Two Pads in a row add up when their values agree.
        if let earlier = pendingPads[try node.requiredInput(0)] {
            guard earlier.value == value || (earlier.value <= PendingPad.negativeInfinityBound && value <= PendingPad.negativeInfinityBound) else {
                throw node.error("follows another Pad with a different value (\(earlier.value) then \(value))")
            }
            padding = padding.adding(earlier.padding)
            source = earlier.source
        }
        pendingPads[try node.output(0)] = PendingPad(source: source, padding: padding, value: value, node: node.name)
    }
}

extension Padding {
    func adding(_ other: Padding) -> Padding {
        Padding(top: top + other.top, left: left + other.left, bottom: bottom + other.bottom, right: right + other.right)
    }
}
