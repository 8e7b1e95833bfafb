/// A face to draw over a frame: its box in frame pixels, a label and the label's emotion.
public struct OverlayFace: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// Text under the box, e.g. "happy 87%".
    public var label: String
    /// FER2013 class index of the emotion (chooses the colour); nil draws white.
    public var emotionIndex: Int?

    public init(x: Int, y: Int, width: Int, height: Int, label: String, emotionIndex: Int?) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.label = label
        self.emotionIndex = emotionIndex
    }
}

/// The picture the board shows: the gray frame scaled to fit on black, a coloured box per face with its
/// label on a dark band, and an optional status line at the top left.
public enum FrameOverlay {
    public static func draw(on canvas: Canvas, gray: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                            faces: [OverlayFace], status: String? = nil) {
        canvas.fill(.black)
        let placement = canvas.drawGray(gray, width: width, height: height)
        // Text scale grows with the screen: 2 on 640 wide, 3 on 1280, 4 on 1920.
        let scale = max(1, canvas.width / 400)
        let thickness = max(2, canvas.width / 320)
        for face in faces {
            let color = face.emotionIndex.map { EmotionPalette.color(emotionIndex: $0) } ?? .white
            let box = placement.map(x: face.x, y: face.y, width: face.width, height: face.height)
            canvas.strokeRectangle(x: box.x, y: box.y, width: box.width, height: box.height, thickness: thickness, color)
            let textHeight = BitmapFont.glyphHeight * scale
            let bandHeight = textHeight + 2 * scale
            let labelY = box.y + box.height + bandHeight <= canvas.height ? box.y + box.height : max(0, box.y - bandHeight)
            canvas.fillRectangle(x: box.x, y: labelY, width: BitmapFont.width(of: face.label, scale: scale) + 2 * scale,
                                 height: bandHeight, .black)
            canvas.drawText(face.label, x: box.x + scale, y: labelY + scale, scale: scale, color)
        }
        if let status {
            canvas.drawText(status, x: 2 * scale, y: 2 * scale, scale: scale, .white)
        }
    }
}
