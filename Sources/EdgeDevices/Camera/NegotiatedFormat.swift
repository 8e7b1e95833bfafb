/// What the driver agreed to.
public struct NegotiatedFormat: Sendable, Equatable, CustomStringConvertible {
    public var pixelFormat: FourCC
    public var width: Int
    public var height: Int
    /// Bytes between rows of the (first) plane.
    public var bytesPerLine: Int
    /// Frame interval the driver set, as a fraction of a second (0/0 when it has none).
    public var intervalNumerator: UInt32
    public var intervalDenominator: UInt32

    public var framesPerSecond: Double {
        intervalNumerator == 0 ? 0 : Double(intervalDenominator) / Double(intervalNumerator)
    }

    public var description: String {
        "\(width)x\(height) \(pixelFormat) at \(intervalNumerator)/\(intervalDenominator) s"
    }
}
