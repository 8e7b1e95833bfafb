import CV4L2
import EdgeSystem

/// The V4L2 devices present: /dev/video* with their card names and whether they capture.
public struct CameraDirectory {
    public struct Entry: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var card: String
        public var driver: String
        public var canCapture: Bool
        public var description: String { "\(path) \"\(card)\" (\(driver))\(canCapture ? "" : ", no capture")" }
    }

    let system: any SystemCalls
    let devicesDirectory: String

    public init(system: any SystemCalls = LinuxSystemCalls(), devicesDirectory: String = "/dev") {
        self.system = system
        self.devicesDirectory = devicesDirectory
    }

    /// Every /dev/video* node that answers VIDIOC_QUERYCAP, by node number.
    public func entries() -> [Entry] {
        let names = (try? system.directoryEntries(devicesDirectory)) ?? []
        let videoNodes = names.filter { $0.hasPrefix("video") && Int($0.dropFirst(5)) != nil }
            .sorted { Int($0.dropFirst(5))! < Int($1.dropFirst(5))! }
        return videoNodes.compactMap { name in
            let path = "\(devicesDirectory)/\(name)"
            guard let file = try? DeviceFile(path: path, flags: [.readWrite, .nonBlocking], system: system) else { return nil }
            defer { file.close() }
            var capability = v4l2_capability()
            guard (try? file.ioctl(V4L2Request.queryCapability, &capability)) != nil else { return nil }
            let capabilities = capability.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0
                ? capability.device_caps : capability.capabilities
            let capture = capabilities & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0 && capabilities & UInt32(V4L2_CAP_STREAMING) != 0
            return Entry(path: path, card: cString(capability.card), driver: cString(capability.driver), canCapture: capture)
        }
    }

    /// The first capture node whose card name contains `card` (case-insensitive).
    public func path(ofCard card: String) throws -> String {
        let all = entries()
        if let match = all.first(where: { $0.canCapture && $0.card.lowercased().contains(card.lowercased()) }) {
            return match.path
        }
        throw CameraError.noDeviceWithCard(card, seen: all.map(\.description))
    }
}
