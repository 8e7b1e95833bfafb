#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CEdgeSyscalls

/// The real system calls.
public struct LinuxSystemCalls: SystemCalls {
    public init() {}

    public func open(_ path: String, _ flags: OpenFlags, permissions: UInt32) throws -> FileDescriptor {
        do {
            let raw = try retryingOnInterrupt("open") { Glibc.open(path, flags.rawValue, mode_t(permissions)) }
            return FileDescriptor(rawValue: raw)
        } catch let error as SystemError {
            throw error.on(path)
        }
    }

    public func close(_ descriptor: FileDescriptor) throws {
        // close(2) must not be retried on EINTR on Linux: the descriptor is released either way.
        if Glibc.close(descriptor.rawValue) == -1, Errno.current != .interrupted {
            throw SystemError(.current, operation: "close")
        }
    }

    public func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try retryingOnInterrupt("read") { Glibc.read(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    public func write(_ descriptor: FileDescriptor, from buffer: UnsafeRawBufferPointer) throws -> Int {
        try retryingOnInterrupt("write") { Glibc.write(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    @discardableResult
    public func ioctl(_ descriptor: FileDescriptor, _ request: IoctlRequest,
                      _ argument: UnsafeMutableRawPointer?) throws -> Int32 {
        try retryingOnInterrupt(request.name) { edge_ioctl(descriptor.rawValue, request.rawValue, argument) }
    }

    public func mapShared(_ descriptor: FileDescriptor, length: Int, offset: Int,
                          protection: MemoryProtection) throws -> UnsafeMutableRawPointer {
        let address = mmap(nil, length, protection.rawValue, MAP_SHARED, descriptor.rawValue, off_t(offset))
        guard let address, address != MAP_FAILED else { throw SystemError(.current, operation: "mmap") }
        return address
    }

    public func unmap(_ address: UnsafeMutableRawPointer, length: Int) throws {
        if munmap(address, length) == -1 { throw SystemError(.current, operation: "munmap") }
    }

    public func poll(_ descriptor: FileDescriptor, events: PollEvents, timeoutMilliseconds: Int32) throws -> PollEvents {
        var entry = pollfd(fd: descriptor.rawValue, events: events.rawValue, revents: 0)
        let ready = try retryingOnInterrupt("poll") { Glibc.poll(&entry, 1, timeoutMilliseconds) }
        return ready == 0 ? [] : PollEvents(rawValue: entry.revents)
    }

    public func terminalAttributes(_ descriptor: FileDescriptor) throws -> TerminalAttributes {
        var raw = termios()
        _ = try retryingOnInterrupt("tcgetattr") { tcgetattr(descriptor.rawValue, &raw) }
        return TerminalAttributes(raw)
    }

    public func setTerminalAttributes(_ descriptor: FileDescriptor, _ attributes: TerminalAttributes) throws {
        var raw = attributes.raw
        _ = try retryingOnInterrupt("tcsetattr") { tcsetattr(descriptor.rawValue, TCSANOW, &raw) }
    }

    public func directoryEntries(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw SystemError(.current, operation: "opendir", path: path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func readLink(_ path: String) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { readlink(path, $0.baseAddress!, $0.count) }
        }
        guard count >= 0 else { throw SystemError(.current, operation: "readlink", path: path) }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    public func status(_ path: String) throws -> FileStatus {
        var raw = stat()
        guard stat(path, &raw) == 0 else { throw SystemError(.current, operation: "stat", path: path) }
        return FileStatus(mode: UInt32(raw.st_mode), ownerID: UInt32(raw.st_uid), groupID: UInt32(raw.st_gid),
                          deviceNumber: UInt64(raw.st_rdev))
    }

    public func groupName(_ id: UInt32) -> String? {
        guard let entry = getgrgid(gid_t(id)), let name = entry.pointee.gr_name else { return nil }
        return String(cString: name)
    }

    public func processGroupIDs() -> [UInt32] {
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let filled = getgroups(count, &groups)
        return [UInt32(getegid())] + groups.prefix(Int(max(filled, 0))).map { UInt32($0) }
    }

    public func processID() -> Int32 { getpid() }
}
