/// The system calls the board code makes, as one seam: `LinuxSystemCalls` makes them for real, tests
/// substitute a fake that plays back unplugs, busy devices and permission errors.
///
/// Every method throws `SystemError` on failure; `EINTR` is retried inside, never surfaced.
public protocol SystemCalls: Sendable {
    func open(_ path: String, _ flags: OpenFlags, permissions: UInt32) throws -> FileDescriptor
    func close(_ descriptor: FileDescriptor) throws
    /// Reads up to `buffer.count` bytes; 0 means end of file.
    func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes up to `buffer.count` bytes; returns how many were written.
    func write(_ descriptor: FileDescriptor, from buffer: UnsafeRawBufferPointer) throws -> Int
    /// `ioctl(fd, request, argument)`; returns the call's non-negative result.
    @discardableResult
    func ioctl(_ descriptor: FileDescriptor, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?) throws -> Int32
    /// A shared mapping of `length` bytes at `offset` of the file.
    func mapShared(_ descriptor: FileDescriptor, length: Int, offset: Int,
                   protection: MemoryProtection) throws -> UnsafeMutableRawPointer
    func unmap(_ address: UnsafeMutableRawPointer, length: Int) throws
    /// Waits up to `timeoutMilliseconds` (-1: forever) for `events` on the descriptor; returns the
    /// events that happened, empty on timeout.
    func poll(_ descriptor: FileDescriptor, events: PollEvents, timeoutMilliseconds: Int32) throws -> PollEvents
    func terminalAttributes(_ descriptor: FileDescriptor) throws -> TerminalAttributes
    func setTerminalAttributes(_ descriptor: FileDescriptor, _ attributes: TerminalAttributes) throws

    // File system queries used to explain errors and to enumerate devices.
    func directoryEntries(_ path: String) throws -> [String]
    func readLink(_ path: String) throws -> String
    func status(_ path: String) throws -> FileStatus
    /// The name of group `id`, if the group database has it.
    func groupName(_ id: UInt32) -> String?
    /// The effective and supplementary group IDs of this process.
    func processGroupIDs() -> [UInt32]
    func processID() -> Int32
}

extension SystemCalls {
    public func open(_ path: String, _ flags: OpenFlags) throws -> FileDescriptor {
        try open(path, flags, permissions: 0)
    }

    /// The whole content of a small file (sysfs, procfs), read until end of file.
    public func readSmallFile(_ path: String, limit: Int = 65536) throws -> [UInt8] {
        let descriptor = try open(path, [.readOnly, .closeOnExec])
        defer { try? close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = try chunk.withUnsafeMutableBytes { try read(descriptor, into: $0) }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Text of a small file with the trailing newline removed.
    public func readSmallText(_ path: String) throws -> String {
        var text = String(decoding: try readSmallFile(path), as: UTF8.self)
        while text.last == "\n" || text.last == "\0" { text.removeLast() }
        return text
    }

    /// Writes all of `bytes`, looping over partial writes.
    public func writeAll(_ descriptor: FileDescriptor, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                offset += try write(descriptor, from: UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            }
        }
    }

    public func fileExists(_ path: String) -> Bool { (try? status(path)) != nil }
}
