/// Which card, connector and mode to use; nil fields mean "the first that works" / "preferred".
public struct DisplaySettings: Sendable, Equatable {
    /// `/dev/dri/card1`, or a driver name (`vc4`, `bochs`; a name also matches `<name>-...` like `bochs-drm`).
    public var card: String?
    /// `HDMI-A-1`.
    public var connector: String?
    public var width: Int?
    public var height: Int?
    public var refreshHz: Int?

    public init(card: String? = nil, connector: String? = nil, width: Int? = nil, height: Int? = nil, refreshHz: Int? = nil) {
        self.card = card
        self.connector = connector
        self.width = width
        self.height = height
        self.refreshHz = refreshHz
    }
}
