import EdgeGraph
import EdgeModel

/// How an ONNX tensor's elements sit in the HWC storage of the `Graph` node that holds it.
enum TensorLayout: Equatable {
    /// ONNX `[1, C, H, W]` (the ONNX convention); the node stores it HWC.
    case channelsFirst
    /// ONNX `[1, H, W, C]` (TensorFlow's layout, seen around a tf2onnx graph input); stored as is.
    case channelsLast
    /// ONNX `[1, N]`, held by a 1x1xN node. `graphIndex[i]` is where ONNX element `i` sits in the
    /// node (nil: at `i`). A Flatten of a CHW map yields such a permutation, which the next dense
    /// layer absorbs by permuting its weight columns.
    case vector(graphIndex: [Int]?)

    /// The ONNX dimensions of a tensor stored in a node of `shape`.
    func onnxDims(_ shape: TensorShape) -> [Int] {
        switch self {
        case .channelsFirst: return [1, shape.channels, shape.height, shape.width]
        case .channelsLast: return [1, shape.height, shape.width, shape.channels]
        case .vector: return [1, shape.elementCount]
        }
    }

    /// True when the ONNX row-major order of the tensor is the node's HWC storage order.
    func onnxOrderIsStorageOrder(_ shape: TensorShape) -> Bool {
        switch self {
        case .channelsFirst: return shape.channels == 1 || shape.height * shape.width == 1
        case .channelsLast, .vector(graphIndex: nil): return true
        case .vector: return false
        }
    }

    /// For each ONNX element of the row-major tensor, its index in HWC storage; nil when equal.
    func storageIndex(_ shape: TensorShape) -> [Int]? {
        switch self {
        case .channelsLast: return nil
        case .vector(let index): return index
        case .channelsFirst:
            if onnxOrderIsStorageOrder(shape) { return nil }
            let (height, width, channels) = (shape.height, shape.width, shape.channels)
            var index = [Int](repeating: 0, count: shape.elementCount)
            for c in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width {
                        index[(c * height + y) * width + x] = (y * width + x) * channels + c
                    }
                }
            }
            return index
        }
    }
}

/// One ONNX tensor as translated: the graph node holding its values and their layout.
struct TranslatedValue {
    var node: NodeID
    var layout: TensorLayout
}
