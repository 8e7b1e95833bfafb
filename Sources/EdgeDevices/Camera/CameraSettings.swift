/// What to open and how to stream it.
public struct CameraSettings: Sendable, Equatable {
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A device node such as `/dev/video0`.
        case path(String)
        /// A V4L2 card name (case-insensitive substring of `VIDIOC_QUERYCAP`'s card), searched on /dev/video*.
        case card(String)

        public var description: String {
            switch self {
            case .path(let path): path
            case .card(let card): "card \"\(card)\""
            }
        }
    }

    /// Format asked for first. GREY and YUYV come from the driver as they are; MJPEG is decoded by
    /// libv4l into planar YUV 4:2:0, whose first plane is the gray image.
    public enum PixelFormat: String, Sendable, CaseIterable {
        case grey = "GREY", yuyv = "YUYV", mjpeg = "MJPEG"
    }

    public var source: Source
    public var format: PixelFormat
    public var width: Int
    public var height: Int
    public var framesPerSecond: Int
    /// mmap buffers queued to the driver; at least 3 so the driver always has one to fill while the
    /// application holds one and another is ready.
    public var bufferCount: Int
    /// Longest a `nextFrame` call waits in poll(2).
    public var pollTimeoutMilliseconds: Int32
    /// No frame for this long while streaming counts as a stalled stream and triggers a reconnect.
    public var stallSeconds: Double
    /// First reconnect delay; doubles after each failed attempt up to `maximumBackoffSeconds`.
    public var initialBackoffSeconds: Double
    public var maximumBackoffSeconds: Double

    public init(source: Source, format: PixelFormat = .yuyv, width: Int = 640, height: Int = 480,
                framesPerSecond: Int = 30, bufferCount: Int = 4, pollTimeoutMilliseconds: Int32 = 250,
                stallSeconds: Double = 3, initialBackoffSeconds: Double = 0.25, maximumBackoffSeconds: Double = 4) {
        self.source = source
        self.format = format
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.bufferCount = max(3, bufferCount)
        self.pollTimeoutMilliseconds = pollTimeoutMilliseconds
        self.stallSeconds = stallSeconds
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
    }
}
