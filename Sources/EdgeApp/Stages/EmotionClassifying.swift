/// Scores one 64x64 gray face crop (raw 0...255 pixels; the classifier applies its own input scaling).
/// Used by one thread at a time.
public protocol EmotionClassifying: AnyObject {
    /// Side of the square crop the classifier takes (64 for fer's mini-Xception).
    var inputSide: Int { get }
    func classify(crop: [UInt8]) throws -> EmotionScores
    /// Test-time augmentation: the mean of the probabilities of several views of one face (the first is
    /// the plain crop). One crop gives exactly `classify(crop:)`.
    func classify(crops: [[UInt8]]) throws -> EmotionScores
    /// `classify(crops:)` of each face of one frame (each face's views), in order; a classifier may run
    /// them all together (the int8 model runs them as batches), with the same result.
    func classify(faces: [[[UInt8]]]) throws -> [EmotionScores]
}

extension EmotionClassifying {
    public func classify(crops: [[UInt8]]) throws -> EmotionScores {
        precondition(!crops.isEmpty, "classify(crops:) needs at least one crop")
        var sum = try classify(crop: crops[0])
        guard crops.count > 1 else { return sum }
        for crop in crops.dropFirst() {
            let scores = try classify(crop: crop)
            for index in sum.values.indices { sum.values[index] += scores.values[index] }
        }
        return EmotionScores(sum.values.map { $0 / Double(crops.count) })
    }

    public func classify(faces: [[[UInt8]]]) throws -> [EmotionScores] {
        try faces.map { try classify(crops: $0) }
    }
}
