/// A fleet output (MQTT, metrics) that cannot start: which file or setting, and what to do.
public struct FleetSetupError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }
}
