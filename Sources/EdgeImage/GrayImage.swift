/// An 8-bit single-channel image, rows packed top to bottom without padding
/// (pixel (x, y) is `pixels[y * width + x]`).
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// Wraps `pixels`; throws when the size is outside `ImageLimits` or the buffer does not match it.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard ImageLimits.accepts(width: width, height: height) else {
            throw ImageError.badDimensions(path: "<memory>", width: width, height: height)
        }
        guard pixels.count == width * height else {
            throw ImageError.invalidArgument(
                "GrayImage \(width)x\(height) needs \(width * height) pixels, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A `width` x `height` image filled with `value`.
    public init(width: Int, height: Int, filledWith value: UInt8 = 0) throws {
        try self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    /// Checked by callers that built `pixels` themselves with the right size.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}
