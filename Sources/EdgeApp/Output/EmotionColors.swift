/// One colour per emotion for boxes and labels (RGB), chosen to stay distinct on a gray picture.
public enum EmotionColors {
    public static func rgb(for emotion: Emotion?) -> (UInt8, UInt8, UInt8) {
        switch emotion {
        case .angry: (230, 40, 40)
        case .disgust: (120, 170, 30)
        case .fear: (150, 60, 200)
        case .happy: (250, 210, 0)
        case .sad: (40, 110, 240)
        case .surprise: (250, 130, 0)
        case .neutral: (200, 200, 200)
        case nil: (0, 220, 220)
        }
    }
}
