/// An `ioctl(2)` request number, encoded like the kernel's `_IOC(dir, type, nr, size)` macros.
///
/// The layout (nr: bits 0-7, type: 8-15, size: 16-29, direction: 30-31; write = 1, read = 2) is the
/// asm-generic one used by x86, x86_64, arm and arm64: every board this project targets.
public struct IoctlRequest: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt
    /// Name used in error messages (`VIDIOC_S_FMT`).
    public let name: String

    public init(rawValue: UInt) {
        self.rawValue = rawValue
        self.name = "ioctl 0x" + String(rawValue, radix: 16)
    }

    public init(rawValue: UInt, name: String) {
        self.rawValue = rawValue
        self.name = name
    }

    private static let writeDirection: UInt = 1
    private static let readDirection: UInt = 2

    private static func encode(direction: UInt, type: UInt8, number: UInt8, size: Int) -> UInt {
        precondition(size < 1 << 14, "ioctl payload too large for the size field")
        return direction << 30 | UInt(size) << 16 | UInt(type) << 8 | UInt(number)
    }

    /// `_IO(type, nr)`: no payload.
    public static func none(_ name: String, type: UInt8, number: UInt8) -> IoctlRequest {
        IoctlRequest(rawValue: encode(direction: 0, type: type, number: number, size: 0), name: name)
    }

    /// `_IOR(type, nr, Payload)`: the kernel fills the payload.
    public static func read<Payload>(_ name: String, type: UInt8, number: UInt8, _: Payload.Type) -> IoctlRequest {
        IoctlRequest(rawValue: encode(direction: readDirection, type: type, number: number,
                                      size: MemoryLayout<Payload>.size), name: name)
    }

    /// `_IOW(type, nr, Payload)`: the kernel reads the payload.
    public static func write<Payload>(_ name: String, type: UInt8, number: UInt8, _: Payload.Type) -> IoctlRequest {
        IoctlRequest(rawValue: encode(direction: writeDirection, type: type, number: number,
                                      size: MemoryLayout<Payload>.size), name: name)
    }

    /// `_IOWR(type, nr, Payload)`: both.
    public static func readWrite<Payload>(_ name: String, type: UInt8, number: UInt8, _: Payload.Type) -> IoctlRequest {
        IoctlRequest(rawValue: encode(direction: readDirection | writeDirection, type: type, number: number,
                                      size: MemoryLayout<Payload>.size), name: name)
    }

    public var description: String { name }
}
