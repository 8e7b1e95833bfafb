/// A picture whose pixels a screenshot check can predict: seven vertical bars in the emotion colours
/// (FER2013 order, left to right) over the top two thirds, an eight-step gray ramp (0, 36, ..., 252)
/// below, and a caption in the top-left corner of the first bar.
public enum TestPattern {
    public static let barColors = (0..<7).map { EmotionPalette.color(emotionIndex: $0) }
    public static let rampSteps = 8

    /// Gray level of ramp step `index` (0..<8): 0, 36, ..., 252.
    public static func rampLevel(_ index: Int) -> UInt8 { UInt8(index * 36) }

    public static func draw(on canvas: Canvas, caption: String = "EDGE DEVICES TEST") {
        let barBottom = canvas.height * 2 / 3
        for (index, color) in barColors.enumerated() {
            let left = canvas.width * index / barColors.count
            let right = canvas.width * (index + 1) / barColors.count
            canvas.fillRectangle(x: left, y: 0, width: right - left, height: barBottom, color)
        }
        for step in 0..<rampSteps {
            let left = canvas.width * step / rampSteps
            let right = canvas.width * (step + 1) / rampSteps
            canvas.fillRectangle(x: left, y: barBottom, width: right - left, height: canvas.height - barBottom,
                                 XRGBColor(gray: rampLevel(step)))
        }
        let scale = max(1, canvas.width / 400)
        canvas.fillRectangle(x: 0, y: 0, width: BitmapFont.width(of: caption, scale: scale) + 4 * scale,
                             height: (BitmapFont.glyphHeight + 4) * scale, .black)
        canvas.drawText(caption, x: 2 * scale, y: 2 * scale, scale: scale, .white)
    }
}
