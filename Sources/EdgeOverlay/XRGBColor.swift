/// A pixel in DRM's XRGB8888 layout: one little-endian 32-bit word, 0x00RRGGBB.
public struct XRGBColor: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue & 0x00FF_FFFF }
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        rawValue = UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
    }
    public init(gray: UInt8) { self.init(red: gray, green: gray, blue: gray) }

    public var red: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 16) }
    public var green: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    public var blue: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    public static let black = XRGBColor(rawValue: 0)
    public static let white = XRGBColor(rawValue: 0xFF_FFFF)
}

/// One colour per FER2013 emotion, chosen to be told apart on a small screen and in print.
public enum EmotionPalette {
    /// Labels in the model's output order.
    public static let labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    private static let colors: [XRGBColor] = [
        XRGBColor(red: 230, green: 40, blue: 40),    // angry: red
        XRGBColor(red: 120, green: 170, blue: 30),   // disgust: olive green
        XRGBColor(red: 160, green: 70, blue: 200),   // fear: purple
        XRGBColor(red: 250, green: 210, blue: 0),    // happy: yellow
        XRGBColor(red: 40, green: 110, blue: 240),   // sad: blue
        XRGBColor(red: 255, green: 140, blue: 0),    // surprise: orange
        XRGBColor(red: 200, green: 200, blue: 200),  // neutral: light gray
    ]

    /// Colour of the emotion at `index` in FER2013 order; white for an index outside 0..<7.
    public static func color(emotionIndex index: Int) -> XRGBColor {
        colors.indices.contains(index) ? colors[index] : .white
    }

    /// Colour of the emotion labelled `label` (case-insensitive); white when unknown.
    public static func color(label: String) -> XRGBColor {
        color(emotionIndex: labels.firstIndex(of: label.lowercased()) ?? -1)
    }
}
