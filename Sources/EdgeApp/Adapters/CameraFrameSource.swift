import EdgeBoardConfig
import EdgeDevices
import Foundation

/// The board's V4L2 camera (EdgeDevices) as a frame source. EdgeDevices' camera reconnects by itself after an
/// unplug or stall; this adds the wait at start-up: a camera missing when edge-run starts is retried with
/// backoff (ReconnectingSource), logging why, until it appears.
public final class CameraFrameSource: FrameSource {
    private let camera: V4L2Camera
    private var gray: [UInt8] = []
    private var index = 0

    init(camera: V4L2Camera) {
        self.camera = camera
    }

    public var summary: String {
        "camera \(camera.devicePath ?? camera.settings.source.description)" + (camera.format.map { " \($0)" } ?? "")
    }

    public func nextFrame() throws -> GrayFrame? {
        guard let captured = try camera.nextFrame(into: &gray) else { throw FrameSourceError.noFrameYet }
        let count = captured.width * captured.height
        let pixels = gray.count == count ? gray : Array(gray[0..<count])
        defer { index += 1 }
        return GrayFrame(width: captured.width, height: captured.height, pixels: pixels, index: index,
                         timestamp: captured.timestamp, origin: camera.devicePath ?? "camera")
    }

    public func close() {
        camera.close()  // stream off, buffers unmapped, descriptor closed
    }

    public static func settings(_ config: CameraConfig) -> CameraSettings {
        let source: CameraSettings.Source = switch config.source {
        case let .path(path): .path(path)
        case let .card(card): .card(card)
        }
        let format = CameraSettings.PixelFormat(rawValue: config.format.rawValue) ?? .yuyv
        return CameraSettings(source: source, format: format, width: config.width, height: config.height,
                              framesPerSecond: config.framesPerSecond, bufferCount: config.buffers)
    }

    /// Opens the configured camera on first use, waiting and retrying (logged) while it is missing.
    public static func reconnecting(config: CameraConfig, log: @escaping @Sendable (String) -> Void) -> FrameSource {
        ReconnectingSource(describe: "camera \(describe(config))", log: log) {
            let camera = V4L2Camera(settings: settings(config), log: { log("camera: \($0)") })
            try camera.open()
            return CameraFrameSource(camera: camera)
        }
    }

    /// True when the configured device node exists (by path), or any /dev/video* exists (by card name).
    public static func isPresent(_ config: CameraConfig) -> Bool {
        switch config.source {
        case let .path(path): return FileManager.default.fileExists(atPath: path)
        case .card: return ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).contains { $0.hasPrefix("video") }
        }
    }

    public static func describe(_ config: CameraConfig) -> String {
        switch config.source {
        case let .path(path): return path
        case let .card(card): return "card \"\(card)\""
        }
    }
}
