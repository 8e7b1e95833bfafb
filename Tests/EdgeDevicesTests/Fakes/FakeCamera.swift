import CV4L2
import EdgeSystem
@testable import EdgeDevices

/// A V4L2 capture device: YUYV only (like many webcams), mmap streaming, frames whose luma is
/// (x + 3y + frame) mod 256 so tests can check the gray conversion exactly.
final class FakeCamera: FakeDevice {
    var card = "Fake Webcam"
    var width = 0, height = 0
    var unplugged = false
    /// When true, poll never reports a frame (a stalled stream).
    var stalled = false
    private(set) var streaming = false
    private var queued: [Int] = []
    private var buffers: [UnsafeMutableRawPointer] = []
    private var sequence: UInt32 = 0
    private(set) var requestedInterval: (UInt32, UInt32)?

    deinit { buffers.forEach { $0.deallocate() } }

    var frameBytes: Int { width * height * 2 }

    static func luma(x: Int, y: Int, frame: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: x + 3 * y + Int(frame)) }

    override func poll(_ events: PollEvents) throws -> PollEvents {
        if unplugged { return [.error, .hangUp] }
        if stalled || queued.isEmpty { return [] }
        return .input
    }

    override func map(length: Int, offset: Int) throws -> UnsafeMutableRawPointer {
        let index = offset >> 20
        guard buffers.indices.contains(index) else { throw SystemError(.invalidArgument, operation: "mmap") }
        return buffers[index]
    }

    override func ioctl(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, system: FakeSystem) throws -> Int32 {
        if unplugged { throw SystemError(.noDevice, operation: request.name) }
        switch request {
        case V4L2Request.queryCapability:
            let capability = argument!.assumingMemoryBound(to: v4l2_capability.self)
            let flags = UInt32(V4L2_CAP_VIDEO_CAPTURE) | UInt32(V4L2_CAP_STREAMING)
            capability.pointee.capabilities = flags | UInt32(V4L2_CAP_DEVICE_CAPS)
            capability.pointee.device_caps = flags
            withUnsafeMutableBytes(of: &capability.pointee.card) { bytes in
                for (index, byte) in card.utf8.enumerated() { bytes[index] = byte }
            }
        case V4L2Request.setFormat:
            let format = argument!.assumingMemoryBound(to: v4l2_format.self)
            // Like a real driver: any request is answered with the nearest supported format (YUYV).
            format.pointee.fmt.pix.pixelformat = FourCC.yuyv.rawValue
            width = Int(format.pointee.fmt.pix.width)
            height = Int(format.pointee.fmt.pix.height)
            format.pointee.fmt.pix.bytesperline = UInt32(width * 2)
            format.pointee.fmt.pix.sizeimage = UInt32(frameBytes)
        case V4L2Request.getParameters:
            let parameters = argument!.assumingMemoryBound(to: v4l2_streamparm.self)
            parameters.pointee.parm.capture.capability = UInt32(V4L2_CAP_TIMEPERFRAME)
            parameters.pointee.parm.capture.timeperframe.numerator = 1
            parameters.pointee.parm.capture.timeperframe.denominator = 5
        case V4L2Request.setParameters:
            let parameters = argument!.assumingMemoryBound(to: v4l2_streamparm.self)
            let interval = parameters.pointee.parm.capture.timeperframe
            requestedInterval = (interval.numerator, interval.denominator)
        case V4L2Request.requestBuffers:
            let request = argument!.assumingMemoryBound(to: v4l2_requestbuffers.self)
            buffers.forEach { $0.deallocate() }
            buffers = (0..<Int(request.pointee.count)).map { _ in
                UnsafeMutableRawPointer.allocate(byteCount: frameBytes, alignment: 16)
            }
            queued = []
        case V4L2Request.queryBuffer:
            let buffer = argument!.assumingMemoryBound(to: v4l2_buffer.self)
            buffer.pointee.length = UInt32(frameBytes)
            buffer.pointee.m.offset = buffer.pointee.index << 20
        case V4L2Request.queueBuffer:
            queued.append(Int(argument!.assumingMemoryBound(to: v4l2_buffer.self).pointee.index))
        case V4L2Request.dequeueBuffer:
            guard streaming, !queued.isEmpty else { throw SystemError(.wouldBlock, operation: request.name) }
            let buffer = argument!.assumingMemoryBound(to: v4l2_buffer.self)
            let index = queued.removeFirst()
            fill(buffers[index], frame: sequence)
            buffer.pointee.index = UInt32(index)
            buffer.pointee.bytesused = UInt32(frameBytes)
            buffer.pointee.sequence = sequence
            buffer.pointee.timestamp.tv_sec = Int(sequence / 25)
            buffer.pointee.timestamp.tv_usec = Int(sequence % 25) * 40000
            sequence += 1
        case V4L2Request.streamOn: streaming = true
        case V4L2Request.streamOff: streaming = false
        default:
            throw SystemError(.notATerminal, operation: request.name)
        }
        return 0
    }

    private func fill(_ buffer: UnsafeMutableRawPointer, frame: UInt32) {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        for y in 0..<height {
            for x in 0..<width {
                bytes[(y * width + x) * 2] = Self.luma(x: x, y: y, frame: frame)
                bytes[(y * width + x) * 2 + 1] = 128
            }
        }
    }
}
