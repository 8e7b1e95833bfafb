/// One frame handed to the consumer (its gray pixels went into the consumer's buffer).
public struct CapturedFrame: Sendable, Equatable {
    /// Driver sequence number (gaps: frames the driver dropped).
    public var sequence: UInt32
    /// Capture time in seconds, from the driver (CLOCK_MONOTONIC for almost all drivers).
    public var timestamp: Double
    public var width: Int
    public var height: Int
}
