#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open file descriptor. A plain value: closing it is the owner's job (see `DeviceFile`).
public struct FileDescriptor: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
}

/// Flags for `open(2)`.
public struct OpenFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let readOnly = OpenFlags([])
    public static let writeOnly = OpenFlags(rawValue: O_WRONLY)
    public static let readWrite = OpenFlags(rawValue: O_RDWR)
    public static let nonBlocking = OpenFlags(rawValue: O_NONBLOCK)
    public static let closeOnExec = OpenFlags(rawValue: O_CLOEXEC)
    public static let noControllingTerminal = OpenFlags(rawValue: O_NOCTTY)
    public static let create = OpenFlags(rawValue: O_CREAT)
    public static let truncate = OpenFlags(rawValue: O_TRUNC)
    public static let directory = OpenFlags(rawValue: O_DIRECTORY)
}

/// Memory protection for `mmap(2)`.
public struct MemoryProtection: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let read = MemoryProtection(rawValue: PROT_READ)
    public static let write = MemoryProtection(rawValue: PROT_WRITE)
}

/// Events for `poll(2)`.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public static let input = PollEvents(rawValue: Int16(POLLIN))
    public static let priority = PollEvents(rawValue: Int16(POLLPRI))
    public static let output = PollEvents(rawValue: Int16(POLLOUT))
    public static let error = PollEvents(rawValue: Int16(POLLERR))
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
    public static let invalid = PollEvents(rawValue: Int16(POLLNVAL))
}

/// What `stat(2)` says about a file, reduced to what device code needs.
public struct FileStatus: Sendable, Hashable {
    public var mode: UInt32
    public var ownerID: UInt32
    public var groupID: UInt32
    /// Device number of a character/block device (`st_rdev`).
    public var deviceNumber: UInt64
    public var isCharacterDevice: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFCHR) }

    public init(mode: UInt32, ownerID: UInt32, groupID: UInt32, deviceNumber: UInt64) {
        self.mode = mode
        self.ownerID = ownerID
        self.groupID = groupID
        self.deviceNumber = deviceNumber
    }
}
