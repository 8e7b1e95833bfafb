import EdgeGraph
import Foundation
import Testing

@testable import EdgeKerasImport
import EdgeTestSupport

/// Seeded mutations of a real model config (numbers, strings, deleted keys) against the real
/// weights: each either imports into a graph the executor accepts, or is a `KerasModelProblem`.
@Suite struct KerasConfigFuzzTests {
    @Test func mutatedConfigsFailCleanly() throws {
        HDF5File.lock.lock()
        defer { HDF5File.lock.unlock() }
        let file = try HDF5File(path: Fixtures.path("every_layer.h5"))
        let json = try #require(try file.stringAttribute("model_config"))
        let original = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let weights = try CachedWeights(LegacyH5WeightStore(file: file), layers: KerasModelConfig(json: json).layers)
        var random = SeededGenerator(seed: 0xc0f1_9)
        var imported = 0
        var rejected = 0
        for _ in 0..<200 {
            let mutated = Self.mutate(original, &random, depth: 0)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: mutated), as: UTF8.self)
            do {
                let config = try KerasModelConfig(json: text)
                let graph = try KerasGraphConverter.convert(
                    config, weights: weights, preprocessing: .symmetricUnit,
                    labels: { _ in [] }, provenance: "fuzz")
                _ = try FloatExecutor(graph: graph)
                imported += 1
            } catch is KerasModelProblem {
                rejected += 1
            }
        }
        // Not fixed figures: only that both outcomes occurred, so mutations reached deep code.
        #expect(rejected > 0)
        #expect(imported + rejected == 200)
    }

    /// Mutates one randomly chosen leaf on each level with some probability.
    static func mutate(_ value: Any, _ random: inout SeededGenerator, depth: Int) -> Any {
        let roll = Int.random(in: 0..<100, using: &random)
        if depth > 0, roll < 3 { return NSNull() }
        switch value {
        case var dictionary as [String: Any]:
            let keys = dictionary.keys.sorted()
            guard !keys.isEmpty else { return dictionary }
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            if roll < 8 {
                dictionary[key] = nil
            } else {
                dictionary[key] = mutate(dictionary[key]!, &random, depth: depth + 1)
            }
            return dictionary
        case var list as [Any]:
            guard !list.isEmpty else { return list }
            let index = Int.random(in: 0..<list.count, using: &random)
            if roll < 6 {
                list.remove(at: index)
            } else {
                list[index] = mutate(list[index], &random, depth: depth + 1)
            }
            return list
        case is String:
            let choices = ["same", "valid", "relu", "tanh", "Conv2D", "Dense", "", "channels_first", "input_layer"]
            return choices[Int.random(in: 0..<choices.count, using: &random)]
        case is NSNumber:
            return [0, -1, 1, 2, 3, 7, 1000, 1 << 40][Int.random(in: 0..<8, using: &random)]
        default:
            return value
        }
    }
}

/// Every layer's weights read once, served by layer name (a mutated name gets none).
struct CachedWeights: KerasWeightStore {
    private var byName: [String: [String: KerasTensor]] = [:]

    init(_ store: some KerasWeightStore, layers: [KerasLayer]) throws {
        for layer in layers { byName[layer.name] = try store.weights(of: layer) }
    }

    func weights(of layer: KerasLayer) throws(KerasModelProblem) -> [String: KerasTensor] {
        byName[layer.name] ?? [:]
    }
}
