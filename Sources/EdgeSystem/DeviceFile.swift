/// An open device node: its path (for error messages), its descriptor and the system calls to use on
/// it. Every failure it throws names the device path. Closed by `close()` or when released.
public final class DeviceFile: @unchecked Sendable {
    public let path: String
    public let descriptor: FileDescriptor
    public let system: any SystemCalls
    private var isOpen = true

    public init(path: String, flags: OpenFlags, system: any SystemCalls) throws {
        self.path = path
        self.system = system
        self.descriptor = try system.open(path, flags.union(.closeOnExec))
    }

    deinit { close() }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        try? system.close(descriptor)
    }

    private func attributed<Result>(_ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as SystemError { throw error.on(path) }
    }

    /// `ioctl` with `payload` passed by address; the kernel's answer is written back into it.
    @discardableResult
    public func ioctl<Payload>(_ request: IoctlRequest, _ payload: inout Payload) throws -> Int32 {
        try attributed { try withUnsafeMutableBytes(of: &payload) { try system.ioctl(descriptor, request, $0.baseAddress) } }
    }

    /// `ioctl` with no payload, or with an integer argument passed by value.
    @discardableResult
    public func ioctl(_ request: IoctlRequest) throws -> Int32 {
        try attributed { try system.ioctl(descriptor, request, nil) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try attributed { try system.read(descriptor, into: buffer) }
    }

    public func write(_ bytes: [UInt8]) throws {
        try attributed { try system.writeAll(descriptor, bytes) }
    }

    public func mapShared(length: Int, offset: Int, protection: MemoryProtection = [.read, .write]) throws
        -> UnsafeMutableRawPointer {
        try attributed { try system.mapShared(descriptor, length: length, offset: offset, protection: protection) }
    }

    public func unmap(_ address: UnsafeMutableRawPointer, length: Int) throws {
        try attributed { try system.unmap(address, length: length) }
    }

    /// Waits up to `timeoutMilliseconds` for `events`; returns what happened (empty on timeout).
    public func poll(_ events: PollEvents, timeoutMilliseconds: Int32) throws -> PollEvents {
        try attributed { try system.poll(descriptor, events: events, timeoutMilliseconds: timeoutMilliseconds) }
    }

    public func terminalAttributes() throws -> TerminalAttributes {
        try attributed { try system.terminalAttributes(descriptor) }
    }

    public func setTerminalAttributes(_ attributes: TerminalAttributes) throws {
        try attributed { try system.setTerminalAttributes(descriptor, attributes) }
    }
}
