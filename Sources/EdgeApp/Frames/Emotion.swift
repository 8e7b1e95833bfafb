/// The seven FER2013 classes in the model's output order.
public enum Emotion: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case angry = 0, disgust, fear, happy, sad, surprise, neutral

    public var label: String {
        switch self {
        case .angry: "angry"
        case .disgust: "disgust"
        case .fear: "fear"
        case .happy: "happy"
        case .sad: "sad"
        case .surprise: "surprise"
        case .neutral: "neutral"
        }
    }

    public var description: String { label }

    public init?(label: String) {
        guard let match = Emotion.allCases.first(where: { $0.label == label.lowercased() }) else { return nil }
        self = match
    }

    public static var labels: [String] { allCases.map(\.label) }
}

/// Seven probabilities in `Emotion` order (softmax output, or its smoothed version).
public struct EmotionScores: Sendable, Equatable {
    public var values: [Double]

    public init(_ values: [Double]) {
        precondition(values.count == Emotion.allCases.count, "EmotionScores needs 7 values, got \(values.count)")
        self.values = values
    }

    public subscript(emotion: Emotion) -> Double { values[emotion.rawValue] }

    /// The highest-scoring emotion; ties go to the lower class index, as numpy's argmax does.
    public var top: Emotion {
        var best = 0
        for index in 1..<values.count where values[index] > values[best] { best = index }
        return Emotion(rawValue: best)!
    }
}
