/// Where frames come from: a camera, an image folder, a video file.
/// Each source is driven by exactly one thread (the pipeline's capture stage).
public protocol FrameSource: AnyObject {
    /// Short human description for logs: "camera /dev/video0 640x480 YUYV", "folder models/samples (4 images)".
    var summary: String { get }
    /// The next frame, `nil` at the end of a finite source. Blocks at most about `FrameSourceTiming.pollBudget`
    /// so that a stop request is noticed within a second; a source that has nothing yet throws
    /// `FrameSourceError.noFrameYet`, which the pipeline treats as "ask again".
    func nextFrame() throws -> GrayFrame?
    /// Releases the device (stream off, buffers unmapped, descriptor closed). Called once, from the capture thread.
    func close()
}

public enum FrameSourceTiming {
    /// Longest time a `nextFrame()` call may block before returning or throwing `noFrameYet`.
    public static let pollBudget: Double = 0.25
}

public enum FrameSourceError: Error, CustomStringConvertible, Equatable {
    case noFrameYet
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case empty(path: String, reason: String)

    public var description: String {
        switch self {
        case .noFrameYet: "no frame yet"
        case let .unreadable(path, reason): "\(path): cannot read: \(reason)"
        case let .malformed(path, reason): "\(path): \(reason)"
        case let .empty(path, reason): "\(path): \(reason)"
        }
    }
}
