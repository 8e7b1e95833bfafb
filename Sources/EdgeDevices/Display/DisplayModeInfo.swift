/// A display mode of a connector.
public struct DisplayModeInfo: Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var refreshHz: Int
    public var isPreferred: Bool
    /// The kernel's mode record (`drmModeModeInfo`), passed back unchanged to set the mode.
    public var raw: [UInt8]

    public init(width: Int, height: Int, refreshHz: Int, isPreferred: Bool, raw: [UInt8] = []) {
        self.width = width
        self.height = height
        self.refreshHz = refreshHz
        self.isPreferred = isPreferred
        self.raw = raw
    }

    public var description: String { "\(width)x\(height)@\(refreshHz)\(isPreferred ? " (preferred)" : "")" }
}
