import CV4L2
import EdgeSystem

/// A V4L2 camera that keeps delivering gray frames across unplugs and stalls: when the device vanishes
/// (ENODEV, EIO, poll error) or sends nothing for `stallSeconds`, it closes everything and reopens
/// (by card name again, since a replugged USB camera may get another /dev/videoN) with exponential backoff.
/// Used from one thread.
public final class V4L2Camera {
    public let settings: CameraSettings
    private let system: any SystemCalls
    private let clock: any DeviceClock
    private let log: (String) -> Void
    private var stream: V4L2Stream?
    private var lastFrameTime = 0.0
    private var nextAttemptTime = 0.0
    private var backoff: Double
    /// Successful reopenings after a loss.
    public private(set) var reconnects = 0
    /// The device path in use (resolved from the card name when configured so).
    public private(set) var devicePath: String?

    public init(settings: CameraSettings, system: any SystemCalls = V4L2SystemCalls(),
                clock: any DeviceClock = MonotonicClock(), log: @escaping (String) -> Void = { _ in }) {
        self.settings = settings
        self.system = system
        self.clock = clock
        self.log = log
        self.backoff = settings.initialBackoffSeconds
    }

    deinit { close() }

    /// The format of the current session, nil while disconnected.
    public var format: NegotiatedFormat? { stream?.format }
    public var isConnected: Bool { stream != nil }

    /// Opens the camera and starts streaming.
    /// - Throws: `SystemError`/`CameraError` saying which device and what to do; no retry at start-up.
    public func open() throws {
        let path = try resolvePath()
        stream = try V4L2Stream(path: path, settings: settings, system: system)
        devicePath = path
        lastFrameTime = clock.now()
    }

    /// The next frame's gray pixels into `gray` (at least width x height of the negotiated format).
    /// Waits at most the poll timeout; returns nil when no frame came (timeout, reconnect pending).
    /// - Throws: errors that reconnecting cannot cure (format refused, permission lost, bad ioctl).
    public func nextFrame(into gray: UnsafeMutableBufferPointer<UInt8>) throws -> CapturedFrame? {
        guard let stream else {
            try attemptReconnect()
            return nil
        }
        do {
            if let frame = try stream.dequeue(into: gray, timeoutMilliseconds: settings.pollTimeoutMilliseconds) {
                lastFrameTime = clock.now()
                return frame
            }
            if clock.now() - lastFrameTime > settings.stallSeconds {
                lose("no frame for \(settings.stallSeconds) s (stalled stream)")
            }
            return nil
        } catch let error as SystemError where Self.meansDeviceGone(error.errno) {
            lose("\(error)")
            return nil
        }
    }

    /// Convenience: a frame into an array resized to the negotiated size.
    public func nextFrame(into gray: inout [UInt8]) throws -> CapturedFrame? {
        if let format, gray.count < format.width * format.height {
            gray = [UInt8](repeating: 0, count: format.width * format.height)
        }
        if format == nil { return try nextFrame(into: UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)) }
        return try gray.withUnsafeMutableBufferPointer { try nextFrame(into: $0) }
    }

    public func close() {
        stream?.stop()
        stream = nil
    }

    static func meansDeviceGone(_ errno: Errno) -> Bool {
        [.noDevice, .ioError, .noSuchDeviceOrAddress, .badFileDescriptor, .noSuchFileOrDirectory].contains(errno)
    }

    private func lose(_ reason: String) {
        let name = devicePath ?? settings.source.description
        stream?.stop()
        stream = nil
        backoff = settings.initialBackoffSeconds
        nextAttemptTime = clock.now() + backoff
        log("camera \(name) lost: \(reason); reconnecting")
    }

    private func attemptReconnect() throws {
        let now = clock.now()
        if now < nextAttemptTime {
            // Wait here (bounded by the poll timeout) so callers looping on nextFrame do not spin.
            clock.sleep(seconds: min(nextAttemptTime - now, Double(settings.pollTimeoutMilliseconds) / 1000))
            if clock.now() < nextAttemptTime { return }
        }
        do {
            try open()
            reconnects += 1
            backoff = settings.initialBackoffSeconds
            log("camera \(devicePath ?? "?") reconnected (\(format?.description ?? ""))")
        } catch let error as SystemError
            where Self.meansDeviceGone(error.errno) || [.busy, .permissionDenied].contains(error.errno) {
            // Right after a replug udev may not have set the node's group yet (EACCES) and the old
            // session may still be closing (EBUSY): both pass, so they are retried like a missing node.
            scheduleRetry(after: "\(error)")
        } catch is CameraError {
            // A card name not (yet) enumerated is the usual state of a camera being replugged.
            scheduleRetry(after: "\(settings.source) not present")
        }
    }

    private func scheduleRetry(after reason: String) {
        nextAttemptTime = clock.now() + backoff
        log("camera reconnect failed (\(reason)); next try in \(backoff) s")
        backoff = min(backoff * 2, settings.maximumBackoffSeconds)
    }

    /// The device node for the configured source.
    private func resolvePath() throws -> String {
        switch settings.source {
        case .path(let path):
            return path
        case .card(let card):
            return try CameraDirectory(system: system).path(ofCard: card)
        }
    }
}
