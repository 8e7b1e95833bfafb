/// Scores one 64x64 gray face crop (raw 0...255 pixels; the classifier applies its own input scaling).
/// Used by one thread at a time.
public protocol EmotionClassifying: AnyObject {
    /// Side of the square crop the classifier takes (64 for fer's mini-Xception).
    var inputSide: Int { get }
    func classify(crop: [UInt8]) throws -> EmotionScores
}
