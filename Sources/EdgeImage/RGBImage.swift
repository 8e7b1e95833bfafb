/// An 8-bit three-channel image, samples interleaved R, G, B, rows packed without padding.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard ImageLimits.accepts(width: width, height: height) else {
            throw ImageError.badDimensions(path: "<memory>", width: width, height: height)
        }
        guard pixels.count == width * height * 3 else {
            throw ImageError.invalidArgument(
                "RGBImage \(width)x\(height) needs \(width * height * 3) samples, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
