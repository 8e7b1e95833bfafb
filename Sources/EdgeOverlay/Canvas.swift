/// Drawing on XRGB8888 pixels someone else owns: a DRM dumb buffer (rows `stride` pixels apart) or an
/// `XRGBImage`. Every operation clips to the canvas, so callers may pass boxes partly off screen.
public struct Canvas {
    public let base: UnsafeMutablePointer<UInt32>
    public let width: Int
    public let height: Int
    /// Distance between rows, in pixels (a DRM buffer's pitch / 4).
    public let stride: Int

    public init(base: UnsafeMutablePointer<UInt32>, width: Int, height: Int, stride: Int) {
        precondition(width >= 0 && height >= 0 && stride >= width, "Canvas: bad geometry")
        self.base = base
        self.width = width
        self.height = height
        self.stride = stride
    }

    public subscript(x: Int, y: Int) -> XRGBColor {
        get { XRGBColor(rawValue: base[y * stride + x]) }
        nonmutating set { base[y * stride + x] = newValue.rawValue }
    }

    public func fill(_ color: XRGBColor) {
        fillRectangle(x: 0, y: 0, width: width, height: height, color)
    }

    public func fillRectangle(x: Int, y: Int, width rectangleWidth: Int, height rectangleHeight: Int, _ color: XRGBColor) {
        let left = max(x, 0), right = min(x + rectangleWidth, width)
        let top = max(y, 0), bottom = min(y + rectangleHeight, height)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            (base + row * stride + left).update(repeating: color.rawValue, count: right - left)
        }
    }

    /// A rectangle outline `thickness` pixels wide, drawn inside the given bounds.
    public func strokeRectangle(x: Int, y: Int, width rectangleWidth: Int, height rectangleHeight: Int,
                                thickness: Int, _ color: XRGBColor) {
        let t = max(1, min(thickness, rectangleWidth / 2 + 1, rectangleHeight / 2 + 1))
        fillRectangle(x: x, y: y, width: rectangleWidth, height: t, color)
        fillRectangle(x: x, y: y + rectangleHeight - t, width: rectangleWidth, height: t, color)
        fillRectangle(x: x, y: y, width: t, height: rectangleHeight, color)
        fillRectangle(x: x + rectangleWidth - t, y: y, width: t, height: rectangleHeight, color)
    }

    /// `text` in the built-in font, top-left at (x, y), each font pixel `scale` x `scale` screen pixels.
    public func drawText(_ text: String, x: Int, y: Int, scale: Int, _ color: XRGBColor) {
        let scale = max(1, scale)
        for (index, character) in text.enumerated() {
            let glyphX = x + index * BitmapFont.advance * scale
            let rows = BitmapFont.rows(of: character)
            for (row, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                    fillRectangle(x: glyphX + column * scale, y: y + row * scale, width: scale, height: scale, color)
                }
            }
        }
    }

    /// Draws a `sourceWidth` x `sourceHeight` 8-bit gray image scaled (nearest neighbour) to the largest
    /// size that fits while keeping its aspect ratio, centred; the rest of the canvas is left as it was.
    /// - Returns: where it went, to map frame coordinates (face boxes) onto the canvas.
    @discardableResult
    public func drawGray(_ pixels: UnsafeBufferPointer<UInt8>, width sourceWidth: Int, height sourceHeight: Int,
                         rowStride: Int? = nil) -> Placement {
        let sourceStride = rowStride ?? sourceWidth
        precondition(pixels.count >= (sourceHeight - 1) * sourceStride + sourceWidth, "drawGray: buffer too small")
        let placement = Placement.fitting(sourceWidth: sourceWidth, sourceHeight: sourceHeight,
                                          into: width, height)
        guard placement.width > 0, placement.height > 0 else { return placement }
        // Source column for each destination column, computed once: x * sourceWidth / width < sourceWidth.
        let sourceColumns = (0..<placement.width).map { $0 * sourceWidth / placement.width }
        for row in 0..<placement.height {
            let sourceRow = pixels.baseAddress! + (row * sourceHeight / placement.height) * sourceStride
            let destination = base + (placement.y + row) * stride + placement.x
            for column in 0..<placement.width {
                let gray = UInt32(sourceRow[sourceColumns[column]])
                destination[column] = gray << 16 | gray << 8 | gray
            }
        }
        return placement
    }
}

/// Where a scaled source image landed on a canvas.
public struct Placement: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public var sourceWidth: Int
    public var sourceHeight: Int

    /// The largest aspect-preserving fit of the source into a `canvasWidth` x `canvasHeight` area, centred.
    public static func fitting(sourceWidth: Int, sourceHeight: Int, into canvasWidth: Int, _ canvasHeight: Int) -> Placement {
        guard sourceWidth > 0, sourceHeight > 0 else {
            return Placement(x: 0, y: 0, width: 0, height: 0, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
        }
        // Compare canvasWidth / sourceWidth with canvasHeight / sourceHeight without division.
        var width = canvasWidth, height = canvasHeight
        if canvasWidth * sourceHeight > canvasHeight * sourceWidth {
            width = canvasHeight * sourceWidth / sourceHeight
        } else {
            height = canvasWidth * sourceHeight / sourceWidth
        }
        return Placement(x: (canvasWidth - width) / 2, y: (canvasHeight - height) / 2, width: width, height: height,
                         sourceWidth: sourceWidth, sourceHeight: sourceHeight)
    }

    /// A rectangle in source coordinates mapped onto the canvas.
    public func map(x sourceX: Int, y sourceY: Int, width sourceBoxWidth: Int, height sourceBoxHeight: Int)
        -> (x: Int, y: Int, width: Int, height: Int) {
        (x + sourceX * width / sourceWidth, y + sourceY * height / sourceHeight,
         sourceBoxWidth * width / sourceWidth, sourceBoxHeight * height / sourceHeight)
    }
}
