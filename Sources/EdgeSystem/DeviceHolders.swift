/// Explains why a device could not be opened: which processes hold it (EBUSY) or which group the user
/// lacks (EACCES). Reads /proc/<pid>/fd links and the device node's group through `SystemCalls`.
public struct DeviceHolders: Sendable {
    public let system: any SystemCalls
    public init(system: any SystemCalls) { self.system = system }

    /// A process that has the device open.
    public struct Holder: Sendable, Hashable, CustomStringConvertible {
        public var processID: Int32
        public var command: String
        public var description: String { "\(command) (pid \(processID))" }
    }

    /// Processes other than this one with an open descriptor on `path` (only those whose /proc/<pid>/fd
    /// this user may read).
    public func holders(of path: String) -> [Holder] {
        let own = system.processID()
        guard let entries = try? system.directoryEntries("/proc") else { return [] }
        var found: [Holder] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != own,
                  let descriptors = try? system.directoryEntries("/proc/\(pid)/fd") else { continue }
            let holdsDevice = descriptors.contains { (try? system.readLink("/proc/\(pid)/fd/\($0)")) == path }
            if holdsDevice {
                let command = (try? system.readSmallText("/proc/\(pid)/comm")) ?? "?"
                found.append(Holder(processID: pid, command: command))
            }
        }
        return found
    }

    /// The error `error` (from opening `path`) with a hint saying what to do.
    public func explain(_ error: SystemError, path: String) -> SystemError {
        switch error.errno {
        case .busy:
            let holders = holders(of: path)
            if holders.isEmpty {
                return error.withHint("Another process holds it; stop it (`fuser -v \(path)` shows which)")
            }
            let list = holders.map(\.description).joined(separator: ", ")
            return error.withHint("Held by \(list); stop it or choose another device")
        case .permissionDenied:
            guard let status = try? system.status(path) else {
                return error.withHint("Check the permissions of \(path)")
            }
            let group = system.groupName(status.groupID) ?? "gid \(status.groupID)"
            if system.processGroupIDs().contains(status.groupID) {
                return error.withHint("Group '\(group)' may open it but the mode forbids it; check udev rules")
            }
            return error.withHint("Add the user to group '\(group)' (`sudo usermod -aG \(group) $USER`, then log in again)")
        case .noSuchFileOrDirectory:
            return error.withHint("The device is not present; check the cable, the driver and the config")
        default:
            return error
        }
    }

    /// Opens `path`, turning EBUSY/EACCES/ENOENT into errors that say what to do.
    public func open(_ path: String, flags: OpenFlags) throws -> DeviceFile {
        do {
            return try DeviceFile(path: path, flags: flags, system: system)
        } catch let error as SystemError {
            throw explain(error.on(path), path: path)
        }
    }
}
