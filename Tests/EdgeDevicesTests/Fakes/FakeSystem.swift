import EdgeSystem

/// A device node the fake system can open: answers ioctls, reads, writes, polls and mmaps.
class FakeDevice {
    func ioctl(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, system: FakeSystem) throws -> Int32 {
        throw SystemError(.notATerminal, operation: request.name)
    }
    func poll(_ events: PollEvents) throws -> PollEvents { events }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
    func write(_ buffer: UnsafeRawBufferPointer) throws -> Int { buffer.count }
    func map(length: Int, offset: Int) throws -> UnsafeMutableRawPointer {
        throw SystemError(.noDevice, operation: "mmap")
    }
    /// Called when a descriptor on this device is closed.
    func closed() {}
}

/// An in-memory `SystemCalls`: device nodes, directories, /proc links and errors scripted by the test.
final class FakeSystem: SystemCalls, @unchecked Sendable {
    var devices: [String: FakeDevice] = [:]
    var files: [String: [UInt8]] = [:]
    var directories: [String: [String]] = [:]
    var links: [String: String] = [:]
    var statuses: [String: FileStatus] = [:]
    var groups: [UInt32: String] = [:]
    var ownGroups: [UInt32] = [1000]
    /// Errors `open` fails with, per path, consumed one at a time (the last one stays).
    var openErrors: [String: [Errno]] = [:]
    private(set) var openDescriptors: [Int32: String] = [:]
    private(set) var openCount: [String: Int] = [:]
    private(set) var closedPaths: [String] = []
    private var nextDescriptor: Int32 = 10
    private var mappings: [UnsafeMutableRawPointer: Int] = [:]

    func device(_ descriptor: FileDescriptor) throws -> FakeDevice {
        guard let path = openDescriptors[descriptor.rawValue], let device = devices[path] else {
            throw SystemError(.badFileDescriptor, operation: "fake")
        }
        return device
    }

    /// Registers a descriptor that is not a path (a GPIO line request); returns it.
    func addAnonymousDescriptor(for device: FakeDevice, name: String) -> Int32 {
        let descriptor = nextDescriptor
        nextDescriptor += 1
        devices[name] = device
        openDescriptors[descriptor] = name
        return descriptor
    }

    func open(_ path: String, _ flags: OpenFlags, permissions: UInt32) throws -> FileDescriptor {
        openCount[path, default: 0] += 1
        if var errors = openErrors[path], let first = errors.first {
            if errors.count > 1 { errors.removeFirst() }
            openErrors[path] = errors
            throw SystemError(first, operation: "open", path: path)
        }
        guard devices[path] != nil || files[path] != nil else {
            throw SystemError(.noSuchFileOrDirectory, operation: "open", path: path)
        }
        let descriptor = nextDescriptor
        nextDescriptor += 1
        openDescriptors[descriptor] = path
        return FileDescriptor(rawValue: descriptor)
    }

    func close(_ descriptor: FileDescriptor) throws {
        guard let path = openDescriptors.removeValue(forKey: descriptor.rawValue) else {
            throw SystemError(.badFileDescriptor, operation: "close")
        }
        closedPaths.append(path)
        devices[path]?.closed()
    }

    private var readOffsets: [Int32: Int] = [:]

    func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let path = openDescriptors[descriptor.rawValue], let content = files[path] {
            let offset = readOffsets[descriptor.rawValue, default: 0]
            let count = min(buffer.count, content.count - offset)
            for index in 0..<count { buffer[index] = content[offset + index] }
            readOffsets[descriptor.rawValue] = offset + count
            return count
        }
        return try device(descriptor).read(into: buffer)
    }

    func write(_ descriptor: FileDescriptor, from buffer: UnsafeRawBufferPointer) throws -> Int {
        try device(descriptor).write(buffer)
    }

    func ioctl(_ descriptor: FileDescriptor, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?) throws -> Int32 {
        try device(descriptor).ioctl(request, argument, system: self)
    }

    func mapShared(_ descriptor: FileDescriptor, length: Int, offset: Int, protection: MemoryProtection) throws
        -> UnsafeMutableRawPointer {
        let address = try device(descriptor).map(length: length, offset: offset)
        mappings[address] = length
        return address
    }

    func unmap(_ address: UnsafeMutableRawPointer, length: Int) throws {
        guard mappings.removeValue(forKey: address) != nil else { throw SystemError(.invalidArgument, operation: "munmap") }
    }

    var mappingCount: Int { mappings.count }

    func poll(_ descriptor: FileDescriptor, events: PollEvents, timeoutMilliseconds: Int32) throws -> PollEvents {
        try device(descriptor).poll(events)
    }

    var terminal: [Int32: TerminalAttributes] = [:]
    func terminalAttributes(_ descriptor: FileDescriptor) throws -> TerminalAttributes {
        _ = try device(descriptor)
        return terminal[descriptor.rawValue] ?? TerminalAttributes()
    }
    func setTerminalAttributes(_ descriptor: FileDescriptor, _ attributes: TerminalAttributes) throws {
        _ = try device(descriptor)
        terminal[descriptor.rawValue] = attributes
    }

    func directoryEntries(_ path: String) throws -> [String] {
        guard let entries = directories[path] else { throw SystemError(.noSuchFileOrDirectory, operation: "opendir", path: path) }
        return entries
    }

    func readLink(_ path: String) throws -> String {
        guard let target = links[path] else { throw SystemError(.invalidArgument, operation: "readlink", path: path) }
        return target
    }

    func status(_ path: String) throws -> FileStatus {
        guard let status = statuses[path] else { throw SystemError(.noSuchFileOrDirectory, operation: "stat", path: path) }
        return status
    }

    func groupName(_ id: UInt32) -> String? { groups[id] }
    func processGroupIDs() -> [UInt32] { ownGroups }
    func processID() -> Int32 { 4242 }
}

/// A clock that only moves when slept on or advanced by the test.
final class FakeClock: DeviceClock, @unchecked Sendable {
    var time = 100.0
    private(set) var sleeps: [Double] = []
    func now() -> Double { time }
    func sleep(seconds: Double) {
        sleeps.append(seconds)
        time += seconds
    }
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}
