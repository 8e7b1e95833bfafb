@testable import EdgeInference
import EdgeModel
import EdgeTestSupport
import Testing

/// Every kernel table this CPU runs must give the interpreter the reference's bytes in every
/// tensor, for several sample models and many inputs (the kernels' own tests cover random shapes;
/// this covers the runtime's use of them: strides, views, arena reuse).
@Suite struct KernelPathEquivalenceTests {
    static var optimizedTables: [KernelTable] {
        ["avx2", "avx512vnni", "neon", "neon-dotprod"].compactMap { try? KernelTable.select($0) }
    }

    @Test(arguments: ActivationType.allCases) func everyTableGivesTheReferenceValuesInEveryTensor(activations: ActivationType) throws {
        let tables = Self.optimizedTables
        #if arch(x86_64) || arch(arm64)
        #expect(!tables.isEmpty, "an x86_64 or arm64 CPU runs at least one SIMD table")
        #endif
        var random = SeededGenerator(seed: 99)
        for seed in UInt64(1)...6 {
            // Seeds 5 and 6: the lookup and multiply operations.
            let model = seed <= 4 ? SampleModel.make(seed: seed, activations: activations)
                : SampleModel.makeElementwise(seed: seed, activations: activations)
            let reference = try Interpreter(model: model, kernels: .reference, reuseMemory: false)
            let candidates = try tables.map { try Interpreter(model: model, kernels: $0, reuseMemory: false) }
            for _ in 0..<40 {
                let pixels = (0..<model.inputShape.elementCount).map { _ in UInt8.random(in: 0...255, using: &random) }
                try pixels.withUnsafeBufferPointer { try reference.invoke(pixels: $0) }
                for candidate in candidates {
                    try pixels.withUnsafeBufferPointer { try candidate.invoke(pixels: $0) }
                    #expect(candidate.logits.map { $0.map(\.bitPattern) } == reference.logits.map { $0.map(\.bitPattern) },
                            "\(candidate.kernels.name): float logits, model seed \(seed)")
                    for id in model.tensors.indices {
                        #expect(candidate.values(ofTensor: id) == reference.values(ofTensor: id),
                                "\(candidate.kernels.name): tensor \(model.tensors[id].name), model seed \(seed)")
                    }
                }
            }
        }
    }
}

/// Intra-op threads split layers into row (or element) ranges: every thread count must give the
/// one-thread bytes in every tensor, with every table, whatever the split.
@Suite struct ThreadSplitEquivalenceTests {
    @Test(arguments: [2, 3, 4], ActivationType.allCases)
    func everyThreadCountGivesTheOneThreadValues(threads: Int, activations: ActivationType) throws {
        let tables = [KernelTable.reference] + KernelPathEquivalenceTests.optimizedTables
        var random = SeededGenerator(seed: 7 + UInt64(threads))
        for seed in UInt64(1)...4 {
            // Seed 4: the lookup and multiply operations.
            let model = seed <= 3 ? SampleModel.make(seed: seed, activations: activations)
                : SampleModel.makeElementwise(seed: seed, activations: activations)
            for table in tables {
                let single = try Interpreter(model: model, kernels: table, reuseMemory: false)
                // parallelMinimumWork 0: even the sample model's tiny layers are split.
                let split = try Interpreter(model: model, kernels: table, reuseMemory: false, threads: threads,
                                            parallelMinimumWork: 0)
                #expect(split.threads == threads)
                for _ in 0..<15 {
                    let pixels = (0..<model.inputShape.elementCount).map { _ in UInt8.random(in: 0...255, using: &random) }
                    try pixels.withUnsafeBufferPointer { try single.invoke(pixels: $0) }
                    try pixels.withUnsafeBufferPointer { try split.invoke(pixels: $0) }
                    for id in model.tensors.indices {
                        #expect(split.values(ofTensor: id) == single.values(ofTensor: id),
                                "\(table.name), \(threads) threads: tensor \(model.tensors[id].name), model seed \(seed)")
                    }
                    #expect(split.logits.map { $0.map(\.bitPattern) } == single.logits.map { $0.map(\.bitPattern) })
                }
            }
        }
    }
}
