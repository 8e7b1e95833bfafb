import EdgeOverlay

/// A dumb buffer registered as a framebuffer and mapped for drawing (XRGB8888).
public struct DumbFramebuffer {
    public var framebufferID: UInt32
    public var handle: UInt32
    public var width: Int
    public var height: Int
    /// Bytes per row.
    public var pitch: Int
    public var size: Int
    public var pixels: UnsafeMutablePointer<UInt32>

    public init(framebufferID: UInt32, handle: UInt32, width: Int, height: Int, pitch: Int, size: Int,
                pixels: UnsafeMutablePointer<UInt32>) {
        self.framebufferID = framebufferID
        self.handle = handle
        self.width = width
        self.height = height
        self.pitch = pitch
        self.size = size
        self.pixels = pixels
    }

    public var canvas: Canvas { Canvas(base: pixels, width: width, height: height, stride: pitch / 4) }
}
