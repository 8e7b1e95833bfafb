#if canImport(Glibc)
import Glibc
#endif
import CV4L2
import EdgeSystem

/// System calls for a V4L2 device routed through libv4l2, so that formats the camera does not have
/// natively (MJPEG-only webcams) are converted by libv4lconvert; everything else is `LinuxSystemCalls`.
public struct V4L2SystemCalls: SystemCalls {
    private let base = LinuxSystemCalls()
    public init() {}

    public func open(_ path: String, _ flags: OpenFlags, permissions: UInt32) throws -> FileDescriptor {
        do {
            return FileDescriptor(rawValue: try retryingOnInterrupt("open") { edge_v4l2_open(path, flags.rawValue) })
        } catch let error as SystemError {
            throw error.on(path)
        }
    }

    public func close(_ descriptor: FileDescriptor) throws {
        if v4l2_close(descriptor.rawValue) == -1, Errno.current != .interrupted {
            throw SystemError(.current, operation: "close")
        }
    }

    public func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try retryingOnInterrupt("read") { v4l2_read(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    public func write(_ descriptor: FileDescriptor, from buffer: UnsafeRawBufferPointer) throws -> Int {
        try retryingOnInterrupt("write") { v4l2_write(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    public func ioctl(_ descriptor: FileDescriptor, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?) throws -> Int32 {
        try retryingOnInterrupt(request.name) { edge_v4l2_ioctl(descriptor.rawValue, request.rawValue, argument) }
    }

    public func mapShared(_ descriptor: FileDescriptor, length: Int, offset: Int,
                          protection: MemoryProtection) throws -> UnsafeMutableRawPointer {
        let address = v4l2_mmap(nil, length, protection.rawValue, MAP_SHARED, descriptor.rawValue, Int64(offset))
        guard let address, address != MAP_FAILED else { throw SystemError(.current, operation: "mmap") }
        return address
    }

    public func unmap(_ address: UnsafeMutableRawPointer, length: Int) throws {
        if v4l2_munmap(address, length) == -1 { throw SystemError(.current, operation: "munmap") }
    }

    public func poll(_ descriptor: FileDescriptor, events: PollEvents, timeoutMilliseconds: Int32) throws -> PollEvents {
        try base.poll(descriptor, events: events, timeoutMilliseconds: timeoutMilliseconds)
    }
    public func terminalAttributes(_ descriptor: FileDescriptor) throws -> TerminalAttributes {
        try base.terminalAttributes(descriptor)
    }
    public func setTerminalAttributes(_ descriptor: FileDescriptor, _ attributes: TerminalAttributes) throws {
        try base.setTerminalAttributes(descriptor, attributes)
    }
    public func directoryEntries(_ path: String) throws -> [String] { try base.directoryEntries(path) }
    public func readLink(_ path: String) throws -> String { try base.readLink(path) }
    public func status(_ path: String) throws -> FileStatus { try base.status(path) }
    public func groupName(_ id: UInt32) -> String? { base.groupName(id) }
    public func processGroupIDs() -> [UInt32] { base.processGroupIDs() }
    public func processID() -> Int32 { base.processID() }
}
