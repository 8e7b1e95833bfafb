import CEdgeKernels
import EdgeTestSupport
import Testing

/// The int16-activation (`_s16`) ops of every kernel table this CPU can run must give the
/// reference's values on random shapes, inputs anywhere the contract allows (|x - zero_point| <=
/// 32768, or the narrower bound a wide sum needs) and random row splits (tools/kernel-check does the same natively and under qemu-aarch64).
@Suite struct Int16KernelTableEquivalenceTests {
    static var optimizedNames: [String] { KernelTableEquivalenceTests.optimizedNames }

    /// `table`'s conv2d_s16 on `window`: its pack function writes into a buffer of garbage, then the
    /// kernel runs on a random split of the output rows.
    static func packedConvolution(_ table: edge_kernel_table, _ window: Window, _ quant: Quantization16, input: [Int16],
                                  filter: [Int8], rng: inout SeededGenerator) -> [Int16] {
        let split = RowSplit.random(&rng, rows: window.params.output_height)
        return quant.run(window) { w, rq, bias, out in
            let packed = PackedBytes(count: table.conv2d_s16_pack(w, rq, filter, bias, nil), garbage: &rng)
            _ = table.conv2d_s16_pack(w, rq, filter, bias, packed.pointer)
            for (begin, end) in split.ranges {
                table.conv2d_s16(w, rq, input, filter, bias, packed.pointer, begin, end, out)
            }
        }
    }

    @Test(arguments: optimizedNames) func convolutionsMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0x16C0)
        for round in 0..<60 {
            let pointwise = round % 3 == 0
            let kernel: Int32 = pointwise ? 1 : rng.chance(70) ? 3 : Int32(rng.next(in: 1...4))
            let inputChannels = Int32(pointwise ? rng.next(in: 1...130) : rng.next(in: 1...40))
            let window = Window.random(&rng, inputChannels: inputChannels,
                                       outputChannels: Int32(rng.next(in: 1...40)), kernel: kernel)
            let taps = Int(kernel * kernel * inputChannels)
            let quant = Quantization16.random(&rng, channels: Int(window.params.output_channels), taps: taps)
            let input = rng.inputs16(window.inputCount, zeroPoint: quant.inputZeroPoint, amplitude: quant.amplitude)
            let filter = rng.weights(Int(window.params.output_channels) * taps)
            let expected = quant.run(window) { w, rq, bias, out in
                edge_s16_conv2d_ref(w, rq, input, filter, bias, nil, 0, w.pointee.output_height, out)
            }
            let got = Self.packedConvolution(table, window, quant, input: input, filter: filter, rng: &rng)
            #expect(got == expected, "\(name) conv2d_s16 \(window) zp \(quant.inputZeroPoint)")
        }
    }

    /// ResNet-width convs (3x3 over 64 to 512 channels, 576 to 4608 terms) on inputs narrowed to the
    /// bound B the quantizer gives them (taps x B x 127 + bias < 2^31): every table matches the
    /// reference, and at the bound itself (every input +-B, every weight +-127 of the same sign,
    /// the largest bias) the reference's sum is the exact integer (checked against Int64 here).
    @Test(arguments: optimizedNames) func wideConvolutionsOnNarrowedInputsAreExact(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0x16B0)
        for round in 0..<12 {
            let inputChannels = Int32([64, 96, 128, 256, 512][round % 5])
            let outputChannels = Int32(rng.next(in: 1...12))
            var window = Window.random(&rng, inputChannels: inputChannels, outputChannels: outputChannels, kernel: 3)
            let taps = Int(9 * inputChannels)
            let atBound = round % 2 == 0
            if atBound {  // one valid 3x3 window: no padding tap
                window.params.input_height = 3; window.params.input_width = 3
                window.params.output_height = 1; window.params.output_width = 1
                window.params.stride_height = 1; window.params.stride_width = 1
                window.params.pad_top = 0; window.params.pad_left = 0
            }
            let bias = Int(rng.next(in: 0...(1 << 24)))
            let amplitude = (Int(Int32.max) - 1 - bias) / (taps * 127)
            let sign = rng.chance(50) ? 1 : -1
            var quant = Quantization16.random(&rng, channels: Int(outputChannels), taps: 1)
            quant.inputZeroPoint = 0
            quant.amplitude = Int32(amplitude)
            quant.bias = (0..<Int(outputChannels)).map { _ in Int32(sign * (atBound ? bias : Int(rng.next(in: 0...bias)))) }
            let input = atBound ? [Int16](repeating: Int16(sign * amplitude), count: window.inputCount)
                : rng.inputs16(window.inputCount, zeroPoint: 0, amplitude: quant.amplitude)
            let filter = atBound ? [Int8](repeating: 127, count: Int(outputChannels) * taps) : rng.weights(Int(outputChannels) * taps)
            let expected = quant.run(window) { w, rq, bias, out in
                edge_s16_conv2d_ref(w, rq, input, filter, bias, nil, 0, w.pointee.output_height, out)
            }
            if atBound {
                let sum = Int64(sign) * (Int64(taps) * Int64(amplitude) * 127 + Int64(bias))
                #expect(sum.magnitude < UInt64(Int32.max), "the test's sum must be the largest int32 the contract allows")
                let exact = (0..<Int(outputChannels)).map { c -> Int16 in
                    let scaled = Int64(edge_requantize(Int32(sum), quant.multiplier[c], quant.shift[c])) + Int64(quant.outputZeroPoint)
                    return Int16(min(max(scaled, Int64(quant.activationMin)), Int64(quant.activationMax)))
                }
                #expect(expected == exact, "reference sum over \(taps) taps at the bound \(amplitude)")
            }
            let got = Self.packedConvolution(table, window, quant, input: input, filter: filter, rng: &rng)
            #expect(got == expected, "\(name) conv2d_s16 \(window) over \(taps) taps, inputs within \(amplitude)")
        }
    }

    @Test(arguments: optimizedNames) func depthwiseConvolutionsMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0x16D3)
        for _ in 0..<60 {
            let channels = Int32(rng.chance(50) ? 8 * rng.next(in: 1...16) : rng.next(in: 1...70))
            let multiplier: Int32 = rng.chance(80) ? 1 : 2
            let window = Window.random(&rng, inputChannels: channels, outputChannels: channels * multiplier, kernel: 3)
            let quant = Quantization16.random(&rng, channels: Int(channels * multiplier), taps: 9)
            let input = rng.inputs16(window.inputCount, zeroPoint: quant.inputZeroPoint, amplitude: quant.amplitude)
            let filter = rng.weights(9 * Int(channels * multiplier))
            let expected = quant.run(window) { w, rq, bias, out in
                edge_s16_depthwise_conv2d_ref(w, multiplier, rq, input, filter, bias, nil, 0, w.pointee.output_height, out)
            }
            let split = RowSplit.random(&rng, rows: window.params.output_height)
            let got = quant.run(window) { w, rq, bias, out in
                let bytes = table.depthwise_conv2d_s16_pack(w, multiplier, rq, filter, bias, nil)
                let packed = PackedBytes(count: bytes, garbage: &rng)
                _ = table.depthwise_conv2d_s16_pack(w, multiplier, rq, filter, bias, packed.pointer)
                for (begin, end) in split.ranges {
                    table.depthwise_conv2d_s16(w, multiplier, rq, input, filter, bias, packed.pointer, begin, end, out)
                }
            }
            #expect(got == expected, "\(name) depthwise_s16 \(window) m\(multiplier) zp \(quant.inputZeroPoint)")
        }
    }

    @Test(arguments: optimizedNames) func fullyConnectedMatchesTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0x16FC)
        for _ in 0..<30 {
            let inputs = Int32(rng.chance(20) ? rng.next(in: 300...3000) : rng.next(in: 1...300))
            let outputs = Int32(rng.next(in: 1...40))
            let quant = Quantization16.random(&rng, channels: Int(outputs), taps: 1)
            let input = rng.inputs16(Int(inputs), zeroPoint: quant.inputZeroPoint, amplitude: quant.amplitude)
            let filter = rng.weights(Int(inputs * outputs))
            var window = Window(params: edge_window_params())
            window.params.output_height = 1; window.params.output_width = 1; window.params.output_channels = outputs
            let expected = quant.run(window) { _, rq, bias, out in
                edge_s16_fully_connected_ref(inputs, outputs, rq, input, filter, bias, nil, out)
            }
            let got = quant.run(window) { _, rq, bias, out in
                let bytes = table.fully_connected_s16_pack(inputs, outputs, rq, filter, bias, nil)
                let packed = PackedBytes(count: bytes, garbage: &rng)
                _ = table.fully_connected_s16_pack(inputs, outputs, rq, filter, bias, packed.pointer)
                table.fully_connected_s16(inputs, outputs, rq, input, filter, bias, packed.pointer, out)
            }
            #expect(got == expected, "\(name) fully_connected_s16 \(inputs)->\(outputs)")
        }
    }

    @Test(arguments: optimizedNames) func poolsAndAddMatchTheReference(name: String) throws {
        let table = try #require(edge_kernels_select(name)).pointee
        var rng = SeededGenerator(seed: 0x16AD)
        for _ in 0..<60 {
            let channels = Int32(rng.next(in: 1...70))
            let window = Window.random(&rng, inputChannels: channels, outputChannels: channels, kernel: 3)
            let zeroPoint = rng.zeroPoint16()
            let input = rng.inputs16(window.inputCount, zeroPoint: zeroPoint, amplitude: 32768)
            let (lo, hi) = rng.clamp16(zeroPoint: zeroPoint)
            var params = window.params
            for average in [false, true] {
                let pool = average ? table.average_pool_s16 : table.max_pool_s16
                let reference = average ? edge_s16_average_pool_ref : edge_s16_max_pool_ref
                var expected = [Int16](repeating: 0x5A5A, count: window.outputCount), got = expected
                reference(&params, lo, hi, input, 0, params.output_height, &expected)
                for (begin, end) in RowSplit.random(&rng, rows: params.output_height).ranges {
                    pool!(&params, lo, hi, input, begin, end, &got)
                }
                #expect(got == expected, "\(name) \(average ? "average" : "max")_pool_s16 \(window)")
            }

            let count = rng.next(in: 1...300)
            var add = edge_add_params()
            add.left_shift = rng.chance(80) ? 15 : Int32(rng.next(in: 0...15))
            add.a_zero_point = rng.zeroPoint16(); add.b_zero_point = rng.zeroPoint16()
            add.output_zero_point = rng.chance(50) ? 0 : Int32(rng.next(in: -2000...2000))
            add.a_multiplier = rng.multiplier(); add.b_multiplier = rng.multiplier()
            add.output_multiplier = rng.multiplier()
            add.a_shift = Int32(rng.next(in: 0...31)); add.b_shift = Int32(rng.next(in: 0...31))
            add.output_shift = rng.shift()
            (add.activation_min, add.activation_max) = rng.clamp16(zeroPoint: add.output_zero_point)
            let a = rng.inputs16(count, zeroPoint: add.a_zero_point, amplitude: 32768)
            let b = rng.inputs16(count, zeroPoint: add.b_zero_point, amplitude: 32768)
            var addExpected = [Int16](repeating: 0, count: count), addGot = addExpected
            edge_s16_add_ref(count, &add, a, b, &addExpected)
            table.add_s16(count, &add, a, b, &addGot)
            #expect(addGot == addExpected, "\(name) add_s16 n=\(count)")
        }
    }
}

/// Requantization of an int16-activation layer summing `taps` products of at most 32768 * 127:
/// |bias| and the input amplitude keep taps * amplitude * 127 + |bias| below 2^31, the int32 bound
/// the model validator enforces.
struct Quantization16: LayerRequantization {
    var multiplier: [Int32], shift: [Int32], bias: [Int32]
    var inputZeroPoint: Int32, outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32
    var amplitude: Int32

    static func random(_ rng: inout SeededGenerator, channels: Int, taps: Int) -> Quantization16 {
        let inputZeroPoint = rng.zeroPoint16()
        let limit = Int(Int32.max), products = limit - (1 << 20)
        var amplitude = inputZeroPoint == -128 && rng.chance(33) ? 255 : 32768
        if taps * amplitude * 127 > products { amplitude = products / (taps * 127) }
        let biasLimit = min(limit - taps * amplitude * 127, 1 << 29)
        let outputZeroPoint: Int32 = rng.chance(60) ? 0 : Int32(rng.next(in: -2000...2000))
        let (lo, hi) = rng.clamp16(zeroPoint: outputZeroPoint)
        return Quantization16(
            multiplier: (0..<channels).map { _ in rng.multiplier() }, shift: (0..<channels).map { _ in rng.shift() },
            bias: (0..<channels).map { _ in Int32(rng.next(in: -biasLimit...biasLimit)) },
            inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint, activationMin: lo, activationMax: hi,
            amplitude: Int32(amplitude))
    }
}

extension SeededGenerator {
    /// 0 (the quantizer's symmetric tensors), -128 (pixel - 128 inputs), the int16 extremes or small.
    mutating func zeroPoint16() -> Int32 {
        switch next(in: 0...9) {
        case 0...3: 0
        case 4, 5: -128
        case 6: -32768
        case 7: 32767
        default: Int32(next(in: -1000...1000))
        }
    }

    /// Values within `amplitude` of the zero point and inside int16, all at one extreme in some cases.
    mutating func inputs16(_ count: Int, zeroPoint: Int32, amplitude: Int32) -> [Int16] {
        let lo = Int(max(-32768, zeroPoint - amplitude)), hi = Int(min(32767, zeroPoint + amplitude))
        switch next(in: 0...9) {
        case 0: return [Int16](repeating: Int16(lo), count: count)
        case 1: return [Int16](repeating: Int16(hi), count: count)
        default: return (0..<count).map { _ in Int16(next(in: lo...hi)) }
        }
    }

    /// No clamp, ReLU from the zero point, or an arbitrary range inside int16.
    mutating func clamp16(zeroPoint: Int32) -> (Int32, Int32) {
        switch next(in: 0...2) {
        case 0: return (-32768, 32767)
        case 1: return (zeroPoint, Int32(next(in: Int(zeroPoint)...32767)))
        default:
            let lo = Int32(next(in: -32768...32767))
            return (lo, Int32(next(in: Int(lo)...32767)))
        }
    }
}
