import CEdgeKernels
import EdgeInference
import EdgeModel
import EdgeTestSupport
import Testing

@Suite struct InterpreterTests {
    private func pixels(seed: UInt64, count: Int) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    @Test func memoryReuseChangesNothingButTheArenaSize() throws {
        let model = SampleModel.make()
        let shared = try Interpreter(model: model)
        let separate = try Interpreter(model: model, reuseMemory: false)
        #expect(shared.plan.byteCount < separate.plan.byteCount)
        for seed in 0..<20 {
            let input = pixels(seed: UInt64(seed), count: 64)
            let a = try input.withUnsafeBufferPointer { try shared.classify(pixels: $0) }
            let b = try input.withUnsafeBufferPointer { try separate.classify(pixels: $0) }
            #expect(a == b)
            #expect(abs(a.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func liveTensorsNeverShareBytes() {
        let model = SampleModel.make()
        let plan = ArenaPlan(model: model)
        // Tensors read by the same operation or written while another is still needed must be apart.
        for (step, operation) in model.operations.enumerated() {
            if case .flatten = operation { continue }
            let live = Set(model.operations[step...].flatMap(\.inputs)).union([operation.output])
                .filter { tensor in model.operations[..<step].contains { $0.output == tensor } || tensor == model.inputTensor || tensor == operation.output }
            for a in live {
                for b in live where a < b {
                    let ra = plan.offsets[a]..<(plan.offsets[a] + model.tensors[a].shape.elementCount)
                    let rb = plan.offsets[b]..<(plan.offsets[b] + model.tensors[b].shape.elementCount)
                    let aliased = model.operations.contains { $0 == .flatten(input: a, output: b) }
                    #expect(aliased || !ra.overlaps(rb), "tensors \(a) and \(b) overlap at step \(step)")
                }
            }
        }
    }

    @Test(arguments: ActivationType.allCases) func foldedInputEncodingIsPixelMinus128(activations: ActivationType) throws {
        let model = SampleModel.make(activations: activations)
        let interpreter = try Interpreter(model: model, reuseMemory: false)
        let input = pixels(seed: 3, count: 64)
        try input.withUnsafeBufferPointer { try interpreter.invoke(pixels: $0) }
        #expect(interpreter.values(ofTensor: 0) == input.map { Int32($0) - 128 })
    }

    /// The first conv recomputed in Swift from the contract: acc = bias + sum((x - zp) * w), then
    /// edge_requantize, + output zero point, clamp.
    @Test(arguments: ActivationType.allCases) func convolutionFollowsTheContract(activations: ActivationType) throws {
        let model = SampleModel.make(seed: 11, activations: activations)
        guard case .conv2D(let conv) = model.operations[0] else { Issue.record("sample starts with a conv"); return }
        let interpreter = try Interpreter(model: model, reuseMemory: false)
        let input = pixels(seed: 5, count: 64)
        try input.withUnsafeBufferPointer { try interpreter.invoke(pixels: $0) }
        let x = input.map { Int32($0) - 128 }
        let inZero = model.tensors[0].zeroPoint, outZero = model.tensors[1].zeroPoint
        let output = interpreter.values(ofTensor: 1)
        for oy in 0..<6 {
            for ox in 0..<6 {
                for oc in 0..<4 {
                    var acc = conv.bias[oc]
                    for ky in 0..<3 {
                        for kx in 0..<3 {
                            acc += (x[(oy + ky) * 8 + ox + kx] - inZero) * Int32(conv.weights[oc * 9 + ky * 3 + kx])
                        }
                    }
                    let rq = conv.requantization
                    let y = edge_requantize(acc, rq.multipliers[oc], rq.shifts[oc]) + outZero
                    #expect(output[(oy * 6 + ox) * 4 + oc] == min(max(y, rq.activationMin), rq.activationMax))
                }
            }
        }
    }

    /// The lookup and multiply operations recomputed in Swift from the contract (edge_kernels.h),
    /// with the arena shared between tensors as the runtime runs it.
    @Test(arguments: ActivationType.allCases) func lookupAndMultiplyFollowTheContract(activations: ActivationType) throws {
        let model = SampleModel.makeElementwise(seed: 12, activations: activations)
        guard case .lookup(let swish) = model.operations[1], case .multiply(let gate) = model.operations[4],
              case .multiply(let square) = model.operations[5] else {
            Issue.record("the elementwise sample has lookup, multiply, multiply at 1, 4, 5")
            return
        }
        let separate = try Interpreter(model: model, reuseMemory: false)
        let shared = try Interpreter(model: model)
        // The hard swish reading the conv runs fused into it; the hard sigmoid after the pool does not.
        let steps = shared.stepDescriptions
        #expect(steps.count == 6, "\(steps)")
        #expect(steps.first?.hasPrefix("conv2d 8x8x1 -> 6x6x4") == true && steps.first?.hasSuffix(" + lookup 144") == true, "\(steps)")
        #expect(steps.filter { $0.hasPrefix("lookup 4") }.count == 1, "\(steps)")
        // A part's epilogue writes the hard swish's rows while another part's conv still reads its
        // input: the plan keeps the two apart although the input's last reader is the conv.
        func bytes(_ id: TensorID) -> Range<Int> {
            shared.plan.offsets[id]..<shared.plan.offsets[id] + model.tensors[id].byteCount
        }
        #expect(!model.operations[0].inputs.contains { bytes($0).overlaps(bytes(swish.output)) })
        for seed in UInt64(20)..<24 {
            let input = pixels(seed: seed, count: 64)
            try input.withUnsafeBufferPointer { try separate.invoke(pixels: $0) }
            let scores = try input.withUnsafeBufferPointer { try shared.classify(pixels: $0) }
            #expect(try input.withUnsafeBufferPointer { try separate.classify(pixels: $0) } == scores)
            let conv = separate.values(ofTensor: 1)
            let looked = conv.map { x -> Int32 in
                if activations == .int8 { return Int32(swish.table[Int(x) + 128]) }
                let u = Int(x) + 32768
                let base = Int32(swish.table[u >> 7]), next = Int32(swish.table[(u >> 7) + 1])
                return base + (((next - base) * Int32(u & 127) + 64) >> 7)
            }
            #expect(separate.values(ofTensor: 2) == looked)
            func product(_ op: MultiplyOperation, _ a: Int32, _ b: Int32) -> Int32 {
                let za = model.tensors[op.a].zeroPoint, zb = model.tensors[op.b].zeroPoint
                let y = Int64(edge_requantize((a - za) * (b - zb), op.multiplier, op.shift)) + Int64(model.tensors[op.output].zeroPoint)
                return Int32(min(max(y, Int64(op.activationMin)), Int64(op.activationMax)))
            }
            let map = separate.values(ofTensor: 2), gateValues = separate.values(ofTensor: 4)
            let gated = map.indices.map { product(gate, map[$0], gateValues[$0 % 4]) }
            #expect(separate.values(ofTensor: 5) == gated)
            #expect(separate.values(ofTensor: 6) == gated.indices.map { product(square, gated[$0], map[$0]) })
        }
    }

    @Test func rejectsAWronglySizedInput() throws {
        let interpreter = try Interpreter(model: SampleModel.make())
        let input = [UInt8](repeating: 0, count: 63)
        #expect(throws: InterpreterError.inputSize(expected: 64, got: 63)) {
            try input.withUnsafeBufferPointer { try interpreter.invoke(pixels: $0) }
        }
    }

    @Test func selectsKernelsByName() throws {
        #expect(try KernelTable.select("reference").name == "reference")
        #expect(throws: KernelSelectionError.self) { try KernelTable.select("no-such-kernels") }
    }
}

/// The float logits of the final dense layer, recomputed in Swift from the model's numbers:
/// acc = bias + sum((x - zp) * w) in Int64, logit = Float(acc) * scale.
@Suite struct FloatLogitTests {
    @Test(arguments: ActivationType.allCases) func logitsAreTheAccumulatorTimesTheScale(activations: ActivationType) throws {
        for seed in UInt64(1)...4 {
            let model = SampleModel.make(seed: seed, activations: activations)
            guard case .fullyConnected(let dense)? = model.operations.last, let scales = model.logitScales else {
                Issue.record("the sample ends in a dense layer with float logits"); return
            }
            let interpreter = try Interpreter(model: model, reuseMemory: false)
            var random = SeededGenerator(seed: seed + 100)
            for _ in 0..<20 {
                let pixels = (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }
                let scores = try pixels.withUnsafeBufferPointer { try interpreter.classify(pixels: $0) }
                let input = interpreter.values(ofTensor: dense.input)
                let zeroPoint = Int64(model.tensors[dense.input].zeroPoint)
                var expected: [Float] = []
                for c in 0..<scales.count {
                    var acc = Int64(dense.bias[c])
                    for i in input.indices {
                        acc += (Int64(input[i]) - zeroPoint) * Int64(dense.weights[c * input.count + i])
                    }
                    expected.append(Float(acc) * scales[c])
                }
                let logits = try #require(interpreter.logits)
                #expect(Array(logits) == expected)
                // classify = softmax of exactly those logits.
                var softmax = expected
                softmax.withUnsafeMutableBufferPointer { Interpreter.softmax($0) }
                #expect(scores == softmax)
            }
        }
    }

    @Test(arguments: ActivationType.allCases) func withoutLogitScalesScoresComeFromTheOutputTensor(activations: ActivationType) throws {
        let model = SampleModel.make(seed: 2, floatLogits: false, activations: activations)
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.logits == nil)
        let pixels = [UInt8](repeating: 77, count: 64)
        let scores = try pixels.withUnsafeBufferPointer { try interpreter.classify(pixels: $0) }
        var expected = interpreter.output.map { model.tensors[model.outputTensor].dequantize($0) }
        expected.withUnsafeMutableBufferPointer { Interpreter.softmax($0) }
        #expect(scores == expected)
    }
}
