/// An XRGB8888 image in memory (for annotated snapshots and tests), drawn on through `Canvas`.
public struct XRGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major pixels, `width * height`, 0x00RRGGBB.
    public var pixels: [UInt32]

    public init(width: Int, height: Int, fill: XRGBColor = .black) {
        precondition(width > 0 && height > 0, "XRGBImage: empty size \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = [UInt32](repeating: fill.rawValue, count: width * height)
    }

    public subscript(x: Int, y: Int) -> XRGBColor { XRGBColor(rawValue: pixels[y * width + x]) }

    /// Runs `draw` with a canvas over this image's pixels (valid only inside the closure).
    public mutating func draw<Result>(_ draw: (Canvas) throws -> Result) rethrows -> Result {
        let (width, height) = (self.width, self.height)
        return try pixels.withUnsafeMutableBufferPointer { buffer in
            try draw(Canvas(base: buffer.baseAddress!, width: width, height: height, stride: width))
        }
    }

    /// Interleaved 8-bit RGB (for PNG/PPM writers).
    public var rgbBytes: [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(pixels.count * 3)
        for pixel in pixels {
            bytes.append(UInt8(truncatingIfNeeded: pixel >> 16))
            bytes.append(UInt8(truncatingIfNeeded: pixel >> 8))
            bytes.append(UInt8(truncatingIfNeeded: pixel))
        }
        return bytes
    }
}
