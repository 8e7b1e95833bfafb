public struct DisplayConnector: Equatable, CustomStringConvertible {
    public var id: UInt32
    /// `HDMI-A-1`, `Virtual-1`, `DSI-1`.
    public var name: String
    public var isConnected: Bool
    public var modes: [DisplayModeInfo]
    /// CRTCs that can drive this connector, the one currently driving it first.
    public var crtcIDs: [UInt32]

    public init(id: UInt32, name: String, isConnected: Bool, modes: [DisplayModeInfo], crtcIDs: [UInt32]) {
        self.id = id
        self.name = name
        self.isConnected = isConnected
        self.modes = modes
        self.crtcIDs = crtcIDs
    }

    public var description: String {
        "\(name) \(isConnected ? "connected" : "disconnected")" + (modes.isEmpty ? "" : ", modes: " + modes.prefix(6).map(\.description).joined(separator: ", "))
    }
}
