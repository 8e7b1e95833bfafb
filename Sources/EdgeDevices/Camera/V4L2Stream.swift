import CV4L2
import EdgeSystem

/// One open, streaming session on a V4L2 capture device: format negotiated, buffers mapped and queued,
/// stream on. `stop()` (or release) streams off, unmaps and closes. A reconnect makes a new one.
final class V4L2Stream {
    let file: DeviceFile
    private(set) var format = NegotiatedFormat(pixelFormat: .grey, width: 0, height: 0, bytesPerLine: 0,
                                               intervalNumerator: 0, intervalDenominator: 0)
    private var buffers: [(address: UnsafeMutableRawPointer, length: Int)] = []
    private var streaming = false

    /// Opens `path` and starts streaming.
    /// - Throws: `SystemError` naming the device (EBUSY with the holder, EACCES with the group), `CameraError`.
    init(path: String, settings: CameraSettings, system: any SystemCalls) throws {
        let holders = DeviceHolders(system: system)
        file = try holders.open(path, flags: [.readWrite, .nonBlocking])
        do {
            var capability = v4l2_capability()
            try file.ioctl(V4L2Request.queryCapability, &capability)
            let capabilities = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0
                ? capability.device_caps : capability.capabilities
            guard capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0, capabilities & UInt32(V4L2_CAP_STREAMING) != 0 else {
                throw CameraError.notACaptureDevice(path: path, card: cString(capability.card))
            }
            var negotiated = try Self.negotiateFormat(file, settings: settings)
            Self.setFrameRate(file, settings: settings, into: &negotiated)
            format = negotiated
            try mapBuffers(count: settings.bufferCount)
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            try file.ioctl(V4L2Request.streamOn, &type)
            streaming = true
        } catch let error as SystemError where error.errno == .busy {
            stop()
            throw holders.explain(error, path: path)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Formats to ask for, in order: the configured one, then the others the consumer can take gray from.
    static func candidates(for preferred: CameraSettings.PixelFormat) -> [FourCC] {
        let first: FourCC = switch preferred {
        case .grey: .grey
        case .yuyv: .yuyv
        case .mjpeg: .yuv420
        }
        return [first] + [FourCC.grey, .yuyv, .yuv420].filter { $0 != first }
    }

    private static func negotiateFormat(_ file: DeviceFile, settings: CameraSettings) throws -> NegotiatedFormat {
        let candidates = candidates(for: settings.format)
        for pixelFormat in candidates {
            var format = v4l2_format()
            format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            format.fmt.pix.width = UInt32(settings.width)
            format.fmt.pix.height = UInt32(settings.height)
            format.fmt.pix.pixelformat = pixelFormat.rawValue
            format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
            do {
                try file.ioctl(V4L2Request.setFormat, &format)
            } catch let error as SystemError where error.errno == .invalidArgument {
                continue
            }
            // Drivers answer S_FMT with the nearest format they have; accept only one we can read.
            let granted = FourCC(rawValue: format.fmt.pix.pixelformat)
            guard granted == pixelFormat else { continue }
            let width = Int(format.fmt.pix.width), height = Int(format.fmt.pix.height)
            let minimumLine = granted == .yuyv ? width * 2 : width
            return NegotiatedFormat(pixelFormat: granted, width: width, height: height,
                                    bytesPerLine: max(Int(format.fmt.pix.bytesperline), minimumLine),
                                    intervalNumerator: 0, intervalDenominator: 0)
        }
        throw CameraError.formatRefused(path: file.path, asked: candidates.map(\.description),
                                        offered: offeredFormats(file))
    }

    private static func offeredFormats(_ file: DeviceFile) -> [String] {
        var names: [String] = []
        for index in 0..<64 {
            var description = v4l2_fmtdesc()
            description.index = UInt32(index)
            description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard (try? file.ioctl(V4L2Request.enumerateFormat, &description)) != nil else { break }
            names.append(FourCC(rawValue: description.pixelformat).description)
        }
        return names
    }

    /// Asks for 1/fps with VIDIOC_S_PARM; drivers round to what they can do (vivid: 1/30 gives 1/25).
    /// A driver without frame-interval control keeps its own rate: not an error.
    private static func setFrameRate(_ file: DeviceFile, settings: CameraSettings, into format: inout NegotiatedFormat) {
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        if (try? file.ioctl(V4L2Request.getParameters, &parameters)) != nil,
           parameters.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0 {
            parameters.parm.capture.timeperframe.numerator = 1
            parameters.parm.capture.timeperframe.denominator = UInt32(settings.framesPerSecond)
            _ = try? file.ioctl(V4L2Request.setParameters, &parameters)
        }
        format.intervalNumerator = parameters.parm.capture.timeperframe.numerator
        format.intervalDenominator = parameters.parm.capture.timeperframe.denominator
    }

    private func mapBuffers(count: Int) throws {
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try file.ioctl(V4L2Request.requestBuffers, &request)
        guard request.count >= 3 else { throw CameraError.tooFewBuffers(path: file.path, granted: Int(request.count)) }
        for index in 0..<request.count {
            var buffer = v4l2_buffer()
            buffer.index = index
            buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            buffer.memory = V4L2_MEMORY_MMAP.rawValue
            try file.ioctl(V4L2Request.queryBuffer, &buffer)
            let length = Int(buffer.length)
            let address = try file.mapShared(length: length, offset: Int(buffer.m.offset))
            buffers.append((address, length))
            try file.ioctl(V4L2Request.queueBuffer, &buffer)
        }
    }

    /// Waits up to `timeoutMilliseconds` for a frame and writes its gray pixels (width x height, no
    /// padding) into `gray`. Returns nil on timeout or when the driver had no complete frame.
    func dequeue(into gray: UnsafeMutableBufferPointer<UInt8>, timeoutMilliseconds: Int32) throws -> CapturedFrame? {
        let events = try file.poll(.input, timeoutMilliseconds: timeoutMilliseconds)
        if events.isEmpty { return nil }
        if !events.isDisjoint(with: [.error, .hangUp, .invalid]) {
            throw SystemError(.noDevice, operation: "poll (device reported an error or hang-up)", path: file.path)
        }
        var buffer = v4l2_buffer()
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        do {
            try file.ioctl(V4L2Request.dequeueBuffer, &buffer)
        } catch let error as SystemError where error.errno == .wouldBlock {
            return nil
        }
        defer { _ = try? file.ioctl(V4L2Request.queueBuffer, &buffer) }
        let index = Int(buffer.index)
        guard buffers.indices.contains(index) else { return nil }
        guard gray.count >= format.width * format.height else {
            throw CameraError.bufferTooSmall(path: file.path, needed: format.width * format.height, given: gray.count)
        }
        let source = UnsafeRawBufferPointer(start: buffers[index].address,
                                            count: min(Int(buffer.bytesused), buffers[index].length))
        guard GrayExtraction.extract(from: source, format: format, into: gray) else { return nil }
        let timestamp = Double(buffer.timestamp.tv_sec) + Double(buffer.timestamp.tv_usec) * 1e-6
        return CapturedFrame(sequence: buffer.sequence, timestamp: timestamp, width: format.width, height: format.height)
    }

    func stop() {
        if streaming {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = try? file.ioctl(V4L2Request.streamOff, &type)
            streaming = false
        }
        for buffer in buffers { try? file.unmap(buffer.address, length: buffer.length) }
        buffers = []
        file.close()
    }
}
