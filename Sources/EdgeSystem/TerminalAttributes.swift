#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `struct termios`, with the one configuration the project uses: raw 8N1 at a given baud rate.
public struct TerminalAttributes: @unchecked Sendable {
    public var raw: termios
    public init(_ raw: termios) { self.raw = raw }
    public init() { self.raw = termios() }

    /// Baud rates the kernel's termios speed table has, highest to lowest that boards use.
    public static let supportedBaudRates: [Int: speed_t] = [
        9600: speed_t(B9600), 19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600),
        115200: speed_t(B115200), 230400: speed_t(B230400), 460800: speed_t(B460800),
        500000: speed_t(B500000), 921600: speed_t(B921600), 1000000: speed_t(B1000000),
        1500000: speed_t(B1500000), 2000000: speed_t(B2000000), 3000000: speed_t(B3000000),
    ]

    /// Raw mode (no echo, no line discipline, no output processing, 8 data bits, no parity, one stop
    /// bit, receiver on, modem lines ignored) at `baud`.
    /// - Throws: `SystemError(EINVAL)` naming the allowed rates when `baud` is not one of them.
    public mutating func makeRaw(baud: Int) throws {
        guard let speed = Self.supportedBaudRates[baud] else {
            let allowed = Self.supportedBaudRates.keys.sorted().map(String.init).joined(separator: ", ")
            throw SystemError(.invalidArgument, operation: "set baud \(baud)", hint: "allowed: \(allowed)")
        }
        cfmakeraw(&raw)
        raw.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD)
        raw.c_cflag &= ~(tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
        cfsetispeed(&raw, speed)
        cfsetospeed(&raw, speed)
    }

    public var outputSpeed: speed_t {
        var copy = raw
        return cfgetospeed(&copy)
    }
}
