public enum CameraError: Error, Equatable, CustomStringConvertible {
    case noDeviceWithCard(String, seen: [String])
    case notACaptureDevice(path: String, card: String)
    case formatRefused(path: String, asked: [String], offered: [String])
    case tooFewBuffers(path: String, granted: Int)
    case bufferTooSmall(path: String, needed: Int, given: Int)

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
        case let .bufferTooSmall(path, needed, given):
            return "\(path): the gray buffer holds \(given) bytes, the frame needs \(needed) (size changed on reconnect?)"
        }
    }
}
