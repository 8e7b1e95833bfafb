import CV4L2
import EdgeSystem

/// The V4L2 ioctl requests the camera uses (`VIDIOC_*` from linux/videodev2.h, which Swift cannot import
/// as macros), with the payload types that fix their size field.
enum V4L2Request {
    private static let v4l2Type = UInt8(ascii: "V")
    static let queryCapability = IoctlRequest.read("VIDIOC_QUERYCAP", type: v4l2Type, number: 0, v4l2_capability.self)
    static let enumerateFormat = IoctlRequest.readWrite("VIDIOC_ENUM_FMT", type: v4l2Type, number: 2, v4l2_fmtdesc.self)
    static let getFormat = IoctlRequest.readWrite("VIDIOC_G_FMT", type: v4l2Type, number: 4, v4l2_format.self)
    static let setFormat = IoctlRequest.readWrite("VIDIOC_S_FMT", type: v4l2Type, number: 5, v4l2_format.self)
    static let requestBuffers = IoctlRequest.readWrite("VIDIOC_REQBUFS", type: v4l2Type, number: 8, v4l2_requestbuffers.self)
    static let queryBuffer = IoctlRequest.readWrite("VIDIOC_QUERYBUF", type: v4l2Type, number: 9, v4l2_buffer.self)
    static let queueBuffer = IoctlRequest.readWrite("VIDIOC_QBUF", type: v4l2Type, number: 15, v4l2_buffer.self)
    static let dequeueBuffer = IoctlRequest.readWrite("VIDIOC_DQBUF", type: v4l2Type, number: 17, v4l2_buffer.self)
    static let streamOn = IoctlRequest.write("VIDIOC_STREAMON", type: v4l2Type, number: 18, Int32.self)
    static let streamOff = IoctlRequest.write("VIDIOC_STREAMOFF", type: v4l2Type, number: 19, Int32.self)
    static let getParameters = IoctlRequest.readWrite("VIDIOC_G_PARM", type: v4l2Type, number: 21, v4l2_streamparm.self)
    static let setParameters = IoctlRequest.readWrite("VIDIOC_S_PARM", type: v4l2Type, number: 22, v4l2_streamparm.self)
}

/// A V4L2 pixel format code (`v4l2_fourcc('Y','U','Y','V')`).
public struct FourCC: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ code: String) {
        let bytes = Array(code.utf8) + [0x20, 0x20, 0x20, 0x20]
        rawValue = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    public static let grey = FourCC("GREY")
    public static let yuyv = FourCC("YUYV")
    public static let mjpeg = FourCC("MJPG")
    /// Planar YUV 4:2:0 (`YU12`): what libv4l decodes MJPEG into; its first plane is the gray image.
    public static let yuv420 = FourCC("YU12")

    public var description: String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> ($0 * 8)) }, as: UTF8.self)
    }
}

/// Fixed-size C char arrays (imported as tuples) read as strings.
func cString<Tuple>(_ tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { bytes in String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }
}
