import CEdgeKernels
import EdgeTestSupport
import Testing

/// Every kernel table this CPU can run must give the reference's bytes on random shapes and
/// quantization parameters (the C driver tools/kernel-check does the same under qemu-aarch64).
@Suite struct KernelTableEquivalenceTests {
    static var tables: [UnsafePointer<edge_kernel_table>] {
        var found = [UnsafePointer<edge_kernel_table>?](repeating: nil, count: 8)
        let count = edge_kernels_supported(&found, 8)
        return found.prefix(count).compactMap { $0 }
    }

    static var optimizedNames: [String] { tables.map { String(cString: $0.pointee.name) }.filter { $0 != "reference" } }

    @Test func selectionPrefersAnOptimizedTableAndHonoursNames() throws {
        let best = try #require(edge_kernels_select(nil))
        #expect(best == Self.tables.first)
        #expect(String(cString: try #require(edge_kernels_select("reference")).pointee.name) == "reference")
        #expect(edge_kernels_select("no-such-kernels") == nil)
        for table in Self.tables {
            #expect(edge_kernels_select(table.pointee.name) == table)
        }
        #if arch(x86_64) || arch(arm64)
        #expect(Self.tables.count >= 2, "an x86_64 or arm64 CPU runs at least one SIMD table")
        #endif
    }

    @Test(arguments: optimizedNames) func convolutionsMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0xC0DE)
        for _ in 0..<60 {
            let kernel = rng.chance(60) ? 3 : Int32(rng.next(in: 1...4))
            let window = Window.random(&rng, inputChannels: Int32(rng.next(in: 1...40)),
                                       outputChannels: Int32(rng.next(in: 1...37)), kernel: kernel)
            let quant = Quantization.random(&rng, channels: Int(window.params.output_channels))
            let input = rng.inputs(window.inputCount)
            let filter = rng.weights(window.outputCount / window.pixels * Int(kernel * kernel) * Int(window.params.input_channels))
            let expected = quant.run(window) { w, rq, bias, out in
                edge_s8_conv2d_ref(w, rq, input, filter, bias, nil, 0, w.pointee.output_height, out)
            }
            let split = RowSplit.random(&rng, rows: window.params.output_height)
            let got = quant.run(window) { w, rq, bias, out in
                let packed = PackedBytes(count: table.conv2d_pack(w, rq, filter, bias, nil), garbage: &rng)
                _ = table.conv2d_pack(w, rq, filter, bias, packed.pointer)
                for (begin, end) in split.ranges {
                    table.conv2d(w, rq, input, filter, bias, packed.pointer, begin, end, out)
                }
            }
            #expect(got == expected, "\(name) conv2d \(window)")
        }
    }

    @Test(arguments: optimizedNames) func depthwiseConvolutionsMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0xD3E7)
        for _ in 0..<60 {
            let channels = Int32(rng.next(in: 1...70))
            let window = Window.random(&rng, inputChannels: channels, outputChannels: channels, kernel: 3)
            let quant = Quantization.random(&rng, channels: Int(channels))
            let input = rng.inputs(window.inputCount)
            let filter = rng.weights(9 * Int(channels))
            let expected = quant.run(window) { w, rq, bias, out in
                edge_s8_depthwise_conv2d_ref(w, 1, rq, input, filter, bias, nil, 0, w.pointee.output_height, out)
            }
            let split = RowSplit.random(&rng, rows: window.params.output_height)
            let got = quant.run(window) { w, rq, bias, out in
                let packed = PackedBytes(count: table.depthwise_conv2d_pack(w, 1, rq, filter, bias, nil), garbage: &rng)
                _ = table.depthwise_conv2d_pack(w, 1, rq, filter, bias, packed.pointer)
                for (begin, end) in split.ranges {
                    table.depthwise_conv2d(w, 1, rq, input, filter, bias, packed.pointer, begin, end, out)
                }
            }
            #expect(got == expected, "\(name) depthwise \(window)")
        }
    }

    @Test(arguments: optimizedNames) func poolsAndAddMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0xADD)
        for _ in 0..<60 {
            let channels = Int32(rng.next(in: 1...70))
            let window = Window.random(&rng, inputChannels: channels, outputChannels: channels, kernel: 3)
            let input = rng.inputs(window.inputCount)
            let lo = Int32(rng.next(in: -128...127)), hi = Int32(rng.next(in: Int(lo)...127))
            var params = window.params
            var expected = [Int8](repeating: 0, count: window.outputCount), got = expected
            edge_s8_max_pool_ref(&params, lo, hi, input, 0, params.output_height, &expected)
            for (begin, end) in RowSplit.random(&rng, rows: params.output_height).ranges {
                table.max_pool(&params, lo, hi, input, begin, end, &got)
            }
            #expect(got == expected, "\(name) max_pool \(window)")

            let count = rng.next(in: 1...300)
            let a = rng.inputs(count), b = rng.inputs(count)
            var add = edge_add_params()
            add.left_shift = 20
            add.a_zero_point = rng.zeroPoint(); add.b_zero_point = rng.zeroPoint()
            add.output_zero_point = rng.zeroPoint()
            add.a_multiplier = rng.multiplier(); add.b_multiplier = rng.multiplier()
            add.output_multiplier = rng.multiplier()
            add.a_shift = Int32(rng.next(in: 0...31)); add.b_shift = Int32(rng.next(in: 0...31))
            add.output_shift = rng.shift()
            add.activation_min = lo; add.activation_max = hi
            var addExpected = [Int8](repeating: 0, count: count), addGot = addExpected
            edge_s8_add_ref(count, &add, a, b, &addExpected)
            table.add(count, &add, a, b, &addGot)
            #expect(addGot == addExpected, "\(name) add n=\(count)")
        }
    }
}

/// Output rows cut into 1 to 3 consecutive ranges, run one after the other: any split must give
/// the bytes of one whole call (what intra-op threads rely on).
struct RowSplit {
    var ranges: [(Int32, Int32)]

    static func random(_ rng: inout SeededGenerator, rows: Int32) -> RowSplit {
        let cuts = (0..<rng.next(in: 0...2)).map { _ in Int32(rng.next(in: 0...Int(rows))) }.sorted()
        let bounds = [0] + cuts + [rows]
        return RowSplit(ranges: (0..<bounds.count - 1).map { (bounds[$0], bounds[$0 + 1]) })
    }
}

/// A table's packed bytes for one layer, 64-byte aligned, first filled with garbage so that bytes
/// a pack function forgets to write show up as mismatches.
final class PackedBytes {
    let pointer: UnsafeMutableRawPointer?

    init(count: Int, garbage rng: inout SeededGenerator) {
        guard count > 0 else { pointer = nil; return }
        let p = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        for i in 0..<count { p.storeBytes(of: UInt8(truncatingIfNeeded: rng.next()), toByteOffset: i, as: UInt8.self) }
        pointer = p
    }

    deinit { pointer?.deallocate() }
}

/// Conv/pool geometry with TensorFlow's VALID or SAME padding.
struct Window: CustomStringConvertible {
    var params: edge_window_params

    static func random(_ rng: inout SeededGenerator, inputChannels: Int32, outputChannels: Int32, kernel: Int32) -> Window {
        let stride = Int32(rng.next(in: 1...2)), same = rng.chance(50)
        let height = Int32(rng.next(in: (same ? 1 : Int(kernel))...12))
        let width = Int32(rng.next(in: (same ? 1 : Int(kernel))...12))
        var p = edge_window_params()
        p.input_height = height; p.input_width = width; p.input_channels = inputChannels
        p.output_channels = outputChannels; p.kernel_height = kernel; p.kernel_width = kernel
        p.stride_height = stride; p.stride_width = stride
        if same {
            p.output_height = (height + stride - 1) / stride; p.output_width = (width + stride - 1) / stride
            p.pad_top = max(0, (p.output_height - 1) * stride + kernel - height) / 2
            p.pad_left = max(0, (p.output_width - 1) * stride + kernel - width) / 2
        } else {
            p.output_height = (height - kernel) / stride + 1; p.output_width = (width - kernel) / stride + 1
        }
        return Window(params: p)
    }

    var pixels: Int { Int(params.output_height * params.output_width) }
    var inputCount: Int { Int(params.input_height * params.input_width * params.input_channels) }
    var outputCount: Int { pixels * Int(params.output_channels) }
    var description: String {
        let p = params
        return "\(p.input_height)x\(p.input_width)x\(p.input_channels)->\(p.output_height)x\(p.output_width)x"
            + "\(p.output_channels) k\(p.kernel_height) s\(p.stride_height) pad \(p.pad_top),\(p.pad_left)"
    }
}

struct Quantization: LayerRequantization {
    var multiplier: [Int32], shift: [Int32], bias: [Int32]
    var inputZeroPoint: Int32, outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32

    static func random(_ rng: inout SeededGenerator, channels: Int) -> Quantization {
        let outputZeroPoint = rng.zeroPoint()
        let lo = rng.chance(50) ? outputZeroPoint : Int32(rng.next(in: -128...127))  // ReLU or arbitrary
        return Quantization(
            multiplier: (0..<channels).map { _ in rng.multiplier() }, shift: (0..<channels).map { _ in rng.shift() },
            bias: (0..<channels).map { _ in Int32(rng.next(in: -(1 << 20)...(1 << 20))) },
            inputZeroPoint: rng.zeroPoint(), outputZeroPoint: outputZeroPoint, activationMin: lo,
            activationMax: Int32(rng.next(in: Int(lo)...127)))
    }
}

extension SeededGenerator {
    mutating func zeroPoint() -> Int32 {
        switch next(in: 0...4) { case 0: -128
        case 1: 127
        default: Int32(next(in: -128...127)) }
    }
    /// In [2^30, 2^31) or 0, extremes included.
    mutating func multiplier() -> Int32 {
        switch next(in: 0...9) { case 0: 0
        case 1: 1 << 30
        case 2: Int32.max
        default: Int32(next(in: (1 << 30)...(Int(Int32.max)))) }
    }
    /// Negative (saturating left) and extreme shifts included.
    mutating func shift() -> Int32 { chance(20) ? Int32(next(in: -31...31)) : Int32(next(in: -2...14)) }
    mutating func inputs(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(next(in: -128...127)) } }
    mutating func weights(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(next(in: -127...127)) } }
}
