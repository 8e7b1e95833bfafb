/// An axis-aligned box in image pixels.
public struct Box: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var area: Int { width * height }

    /// Intersection over union; 0 when either box is empty.
    public func intersectionOverUnion(_ other: Box) -> Double {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        guard right > left, bottom > top else { return 0 }
        let intersection = (right - left) * (bottom - top)
        let union = area + other.area - intersection
        return union > 0 ? Double(intersection) / Double(union) : 0
    }

    public var description: String { "[\(x), \(y), \(width), \(height)]" }
}

/// A detected face: its box and how many raw detections were grouped into it (OpenCV's
/// `numDetections`), a confidence score.
public struct Detection: Sendable, Equatable, Hashable {
    public var box: Box
    public var neighbors: Int

    public init(box: Box, neighbors: Int) {
        self.box = box
        self.neighbors = neighbors
    }
}

/// Square size in pixels.
public struct WindowSize: Sendable, Equatable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// `detectMultiScale`'s parameters, with the same meaning and defaults as OpenCV's Python examples use.
public struct DetectionParameters: Sendable, Equatable {
    /// Each pyramid level shrinks the image by this factor (> 1).
    public var scaleFactor: Double
    /// A group needs more than this many raw detections to be reported; 0 reports raw detections.
    public var minNeighbors: Int
    /// Windows smaller than this are not searched.
    public var minSize: WindowSize
    /// Windows larger than this are not searched; nil means the image size.
    public var maxSize: WindowSize?

    public init(scaleFactor: Double = 1.1, minNeighbors: Int = 5, minSize: WindowSize = WindowSize(width: 30, height: 30),
                maxSize: WindowSize? = nil) {
        self.scaleFactor = scaleFactor
        self.minNeighbors = minNeighbors
        self.minSize = minSize
        self.maxSize = maxSize
    }
}

public enum DetectionError: Error, CustomStringConvertible, Equatable {
    case invalidParameters(String)
    case imageTooLarge(width: Int, height: Int)
    /// The kernel variant an environment variable names cannot run here.
    case kernelUnavailable(String)

    public var description: String {
        switch self {
        case .invalidParameters(let message):
            return "invalid detection parameters: \(message)"
        case .imageTooLarge(let width, let height):
            return "a \(width)x\(height) image is too large for detection (at most \(FaceDetector.maximumPixels) pixels); resize it first"
        case .kernelUnavailable(let message):
            return message
        }
    }
}
