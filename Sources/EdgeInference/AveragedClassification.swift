extension Interpreter {
    /// Test-time augmentation's result: the mean, class by class, of the scores `classify(pixels:into:)`
    /// gives each input (after the model's softmax: probabilities are averaged, not logits; see README,
    /// "Test-time augmentation"). One input gives exactly `classify(pixels:into:)`. The inputs run as
    /// batches of up to `batchCapacity` (`classifyEach`); the sum is taken in input order (`average(_:)`),
    /// so the result does not depend on the batch capacity, the thread count or anything else.
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

    /// The averaged scores of each face's views (`classifyAveraging(_:)` of every face), all views of all
    /// faces run together as batches of up to `batchCapacity` images (the faces of one frame).
    public func classifyAveraging(faces: [[[UInt8]]]) throws(InterpreterError) -> [[Float]] {
        let each = try classifyEach(faces.flatMap { $0 })
        var result: [[Float]] = []
        result.reserveCapacity(faces.count)
        var next = 0
        for views in faces {
            result.append(Self.average(Array(each[next..<next + views.count])))
            next += views.count
        }
        return result
    }

    /// `classify(pixels:)` of every input, in order: run as consecutive batches of up to `batchCapacity`
    /// images (`classify(batch:count:into:)`, bit for bit the one-at-a-time scores).
    public func classifyEach(_ inputs: [[UInt8]]) throws(InterpreterError) -> [[Float]] {
        guard !inputs.isEmpty else { throw InterpreterError.inputSize(expected: inputShape.elementCount, got: 0) }
        let size = inputShape.elementCount, classes = classCount
        for input in inputs where input.count != size { throw InterpreterError.inputSize(expected: size, got: input.count) }
        var result: [[Float]] = []
        result.reserveCapacity(inputs.count)
        var pixels = [UInt8](repeating: 0, count: size * min(inputs.count, batchCapacity))
        var scores = [Float](repeating: 0, count: classes * min(inputs.count, batchCapacity))
        for first in stride(from: 0, to: inputs.count, by: batchCapacity) {
            let count = min(batchCapacity, inputs.count - first)
            for image in 0..<count { pixels.replaceSubrange(image * size..<(image + 1) * size, with: inputs[first + image]) }
            try pixels.withUnsafeBufferPointer { (all) throws(InterpreterError) in
                try scores.withUnsafeMutableBufferPointer { (out) throws(InterpreterError) in
                    try classify(batch: UnsafeBufferPointer(rebasing: all[0..<count * size]), count: count,
                                 into: UnsafeMutableBufferPointer(rebasing: out[0..<count * classes]))
                }
            }
            for image in 0..<count { result.append(Array(scores[image * classes..<(image + 1) * classes])) }
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
