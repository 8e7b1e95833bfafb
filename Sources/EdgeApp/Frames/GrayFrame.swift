/// One 8-bit gray frame as it travels through the pipeline, row-major, `width * height` bytes, no padding.
public struct GrayFrame: Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]
    /// Frame number assigned by the source, counting from 0; gaps mean the source skipped frames.
    public var index: Int
    /// Capture time in seconds on the monotonic clock (camera timestamp, or the replay schedule).
    public var timestamp: Double
    /// Where the frame came from (file name, device), for logs and snapshots.
    public var origin: String

    public init(width: Int, height: Int, pixels: [UInt8], index: Int, timestamp: Double, origin: String = "") {
        precondition(width > 0 && height > 0 && pixels.count == width * height,
                     "GrayFrame: \(width)x\(height) needs \(width * height) bytes, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.index = index
        self.timestamp = timestamp
        self.origin = origin
    }

    @inline(__always) public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}
