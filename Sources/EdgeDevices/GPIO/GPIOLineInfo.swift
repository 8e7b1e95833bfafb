/// A GPIO line as the kernel describes it.
public struct GPIOLineInfo: Sendable, Equatable, CustomStringConvertible {
    public var chipPath: String
    public var chipLabel: String
    public var offset: Int
    public var name: String
    /// Who holds the line (the `consumer` of its request), empty when free.
    public var consumer: String
    public var isUsed: Bool
    public var isOutput: Bool
    public var isActiveLow: Bool

    public var description: String {
        let use = isUsed ? "used by \"\(consumer)\"" : "free"
        return "\(chipPath):\(offset) \"\(name)\" \(isOutput ? "output" : "input")\(isActiveLow ? " active-low" : "") \(use)"
    }
}
