import Foundation
import EdgeBoardConfig

// PENDING: replaced by the EdgeDevices V4L2 adapter when the board branch lands its camera.
public enum CameraFrameSource {
    public static func reconnecting(config: CameraConfig, log: @escaping @Sendable (String) -> Void) -> FrameSource {
        ReconnectingSource(describe: "camera", log: log) {
            throw OutputSetupError(path: "camera", problem: "V4L2 capture is not in this build yet")
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

    /// The device node a config names, when it names one by path.
    public static func devicePath(_ config: CameraConfig) -> String? {
        if case let .path(path) = config.source { return path }
        return nil
    }
}
