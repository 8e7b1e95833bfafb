extension Interpreter {
    /// Test-time augmentation's result: the mean, class by class, of the scores `classify(pixels:into:)`
    /// gives each input (after the model's softmax: probabilities are averaged, not logits; see README,
    /// "Test-time augmentation"). One input gives exactly `classify(pixels:into:)`. The inputs run one
    /// after the other; the sum is taken in input order (`average(_:)`), so the result does not depend
    /// on anything else.
    public func classifyAveraging(
        _ inputs: [[UInt8]], into scores: UnsafeMutableBufferPointer<Float>
    ) throws(InterpreterError) {
        let each = try classifyEach(inputs)
        guard each.allSatisfy({ $0.count == scores.count }) else {
            throw InterpreterError.outputSize(expected: each.first?.count ?? 0, got: scores.count)
        }
        for (index, value) in Self.average(each).enumerated() { scores[index] = value }
    }

    /// The averaged scores of `inputs` (see `classifyAveraging(_:into:)`).
    public func classifyAveraging(_ inputs: [[UInt8]]) throws(InterpreterError) -> [Float] {
        Self.average(try classifyEach(inputs))
    }

    /// `classify(pixels:)` of every input, in order.
    public func classifyEach(_ inputs: [[UInt8]]) throws(InterpreterError) -> [[Float]] {
        guard !inputs.isEmpty else { throw InterpreterError.inputSize(expected: inputShape.elementCount, got: 0) }
        var result: [[Float]] = []
        result.reserveCapacity(inputs.count)
        for input in inputs {
            result.append(try input.withUnsafeBufferPointer { (pixels) throws(InterpreterError) in try classify(pixels: pixels) })
        }
        return result
    }

    /// Class-by-class mean of equally long score vectors, summed in the given order then divided by
    /// their count; a single vector is returned unchanged.
    public static func average(_ scores: [[Float]]) -> [Float] {
        guard var sum = scores.first, scores.count > 1 else { return scores.first ?? [] }
        for vector in scores.dropFirst() {
            for index in sum.indices { sum[index] += vector[index] }
        }
        let count = Float(scores.count)
        return sum.map { $0 / count }
    }
}
