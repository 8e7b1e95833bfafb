extension Interpreter {
    /// Test-time augmentation's result: the mean, class by class, of the scores `classify(pixels:into:)`
    /// gives each input (after the model's softmax: probabilities are averaged, not logits). One input
    /// gives exactly `classify(pixels:into:)`. The inputs run one after the other; the order does not
    /// change the result beyond float rounding of the sum, which is taken in input order.
    public func classifyAveraging(
        _ inputs: [[UInt8]], into scores: UnsafeMutableBufferPointer<Float>
    ) throws(InterpreterError) {
        guard let first = inputs.first else { throw InterpreterError.inputSize(expected: inputShape.elementCount, got: 0) }
        try first.withUnsafeBufferPointer { (pixels) throws(InterpreterError) in try classify(pixels: pixels, into: scores) }
        guard inputs.count > 1 else { return }
        var single = [Float](repeating: 0, count: scores.count)
        for input in inputs.dropFirst() {
            try single.withUnsafeMutableBufferPointer { (buffer) throws(InterpreterError) in
                try input.withUnsafeBufferPointer { (pixels) throws(InterpreterError) in try classify(pixels: pixels, into: buffer) }
            }
            for index in 0..<scores.count { scores[index] += single[index] }
        }
        let count = Float(inputs.count)
        for index in 0..<scores.count { scores[index] /= count }
    }

    /// The averaged scores of `inputs` (see `classifyAveraging(_:into:)`).
    public func classifyAveraging(_ inputs: [[UInt8]]) throws(InterpreterError) -> [Float] {
        var scores = [Float](repeating: 0, count: model.tensors[model.outputTensor].shape.elementCount)
        try scores.withUnsafeMutableBufferPointer { (buffer) throws(InterpreterError) in try classifyAveraging(inputs, into: buffer) }
        return scores
    }
}
