public struct GPIOChipInfo: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// Kernel name (`gpiochip0`).
    public var name: String
    /// Driver label (`pinctrl-bcm2711`, `pinctrl-rp1`, `gpio-sim.0-node0`).
    public var label: String
    public var lineCount: Int
    public var description: String { "\(path) \(name) [\(label)] \(lineCount) lines" }
}
