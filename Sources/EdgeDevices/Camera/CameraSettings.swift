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

/// What the driver agreed to.
public struct NegotiatedFormat: Sendable, Equatable, CustomStringConvertible {
    public var pixelFormat: FourCC
    public var width: Int
    public var height: Int
    /// Bytes between rows of the (first) plane.
    public var bytesPerLine: Int
    /// Frame interval the driver set, as a fraction of a second (0/0 when it has none).
    public var intervalNumerator: UInt32
    public var intervalDenominator: UInt32

    public var framesPerSecond: Double {
        intervalNumerator == 0 ? 0 : Double(intervalDenominator) / Double(intervalNumerator)
    }

    public var description: String {
        "\(width)x\(height) \(pixelFormat) at \(intervalNumerator)/\(intervalDenominator) s"
    }
}

/// One frame handed to the consumer (its gray pixels went into the consumer's buffer).
public struct CapturedFrame: Sendable, Equatable {
    /// Driver sequence number (gaps: frames the driver dropped).
    public var sequence: UInt32
    /// Capture time in seconds, from the driver (CLOCK_MONOTONIC for almost all drivers).
    public var timestamp: Double
    public var width: Int
    public var height: Int
}

public enum CameraError: Error, Equatable, CustomStringConvertible {
    case noDeviceWithCard(String, seen: [String])
    case notACaptureDevice(path: String, card: String)
    case formatRefused(path: String, asked: [String], offered: [String])
    case tooFewBuffers(path: String, granted: Int)

    public var description: String {
        switch self {
        case let .noDeviceWithCard(card, seen):
            let list = seen.isEmpty ? "no V4L2 capture devices found" : "found: " + seen.joined(separator: ", ")
            return "no camera whose card name contains \"\(card)\" (\(list)); check the cable and `v4l2-ctl --list-devices`"
        case let .notACaptureDevice(path, card):
            return "\(path) (\(card)) is not a video capture device with streaming I/O; choose another /dev/video node"
        case let .formatRefused(path, asked, offered):
            return "\(path): none of \(asked.joined(separator: ", ")) is available (the camera offers \(offered.joined(separator: ", "))); change camera.format"
        case let .tooFewBuffers(path, granted):
            return "\(path): the driver granted \(granted) buffers, at least 3 are needed"
        }
    }
}
