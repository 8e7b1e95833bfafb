import EdgeModel

/// Where every activation tensor lives in the model's single arena. Planned once per model from
/// tensor lifetimes: a tensor is live from the operation that writes it to the last operation
/// that reads it (the input from the start, the output to the end), tensors whose lifetimes
/// overlap never share bytes, and a flatten's output aliases its input (same bytes, same
/// quantization). A lookup the interpreter runs fused into the conv before it (`runsFused`) keeps
/// that conv's input live through it: one part's epilogue writes the lookup's rows while another
/// part's conv still reads the input. Placement is greedy, largest tensor first, at the lowest 64-byte aligned offset
/// that does not collide, which is optimal or close to it for chain-like networks.
public struct ArenaPlan: Sendable, Equatable {
    /// Byte offset of each tensor in the arena.
    public let offsets: [Int]
    /// Arena size in bytes.
    public let byteCount: Int

    public static let alignment = 64

    /// `reuseMemory: false` gives every tensor its own bytes, so all of them can be read after
    /// an inference (per-layer reports, debugging).
    public init(model: QuantizedModel, reuseMemory: Bool = true) {
        let tensorCount = model.tensors.count
        var root = Array(0..<tensorCount)
        for operation in model.operations {
            if case .flatten(let input, let output) = operation { root[output] = root[input] }
        }
        let end = model.operations.count
        var first = [Int](repeating: Int.max, count: tensorCount)
        var last = [Int](repeating: -1, count: tensorCount)
        first[root[model.inputTensor]] = -1
        for (step, operation) in model.operations.enumerated() {
            let output = root[operation.output]
            first[output] = min(first[output], step)
            last[output] = max(last[output], step)
            for input in operation.inputs {
                last[root[input]] = max(last[root[input]], step)
            }
            if Self.runsFused(model, operation: step) {
                for input in model.operations[step - 1].inputs {
                    last[root[input]] = max(last[root[input]], step)
                }
            }
        }
        last[root[model.outputTensor]] = end
        if !reuseMemory {
            for tensor in 0..<tensorCount where root[tensor] == tensor {
                first[tensor] = -1
                last[tensor] = end
            }
        }

        func aligned(_ value: Int) -> Int { (value + Self.alignment - 1) / Self.alignment * Self.alignment }
        let roots = (0..<tensorCount).filter { root[$0] == $0 && first[$0] != Int.max }
        let bySize = roots.sorted {
            let a = model.tensors[$0].byteCount, b = model.tensors[$1].byteCount
            return a != b ? a > b : $0 < $1
        }
        var rootOffsets = [Int](repeating: 0, count: tensorCount)
        var placed: [(tensor: Int, start: Int, end: Int)] = []
        var total = 0
        for tensor in bySize {
            let size = aligned(model.tensors[tensor].byteCount)
            let conflicts = placed
                .filter { first[$0.tensor] <= last[tensor] && first[tensor] <= last[$0.tensor] }
                .sorted { $0.start < $1.start }
            var offset = 0
            for conflict in conflicts where conflict.start < offset + size {
                offset = max(offset, conflict.end)
            }
            placed.append((tensor, offset, offset + size))
            rootOffsets[tensor] = offset
            total = max(total, offset + size)
        }
        offsets = (0..<tensorCount).map { rootOffsets[root[$0]] }
        byteCount = max(total, Self.alignment)
    }

    /// Whether operation `index` is a lookup reading the output of the conv or depthwise conv just
    /// before it, which the interpreter runs fused into that conv (on the rows each part writes).
    static func runsFused(_ model: QuantizedModel, operation index: Int) -> Bool {
        guard index > 0, case .lookup(let lookup) = model.operations[index] else { return false }
        switch model.operations[index - 1] {
        case .conv2D(let op), .depthwiseConv2D(let op, _): return op.output == lookup.input
        default: return false
        }
    }
}
