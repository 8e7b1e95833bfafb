import CEdgeKernels
import Synchronization

/// One implementation of every int8 op (`edge_kernel_table`), chosen once at start-up.
public struct KernelTable: @unchecked Sendable {  // points at a static, immutable C table
    let table: UnsafePointer<edge_kernel_table>

    /// "reference", "avx2", "neon", ...
    public var name: String { String(cString: table.pointee.name) }

    /// The scalar reference kernels: the definition of right.
    public static var reference: KernelTable { KernelTable(table: edge_kernels_reference()) }

    /// The variant named `name`, or the fastest this CPU supports when `name` is nil; logs the
    /// choice once per variant on standard error ("kernels: reference").
    public static func select(_ name: String? = nil) throws(KernelSelectionError) -> KernelTable {
        guard let table = name.map({ edge_kernels_select($0) }) ?? edge_kernels_select(nil) else {
            throw KernelSelectionError(name: name ?? "", available: supportedNames())
        }
        let kernels = KernelTable(table: table)
        let first = announced.withLock { $0.insert(kernels.name).inserted }
        if first {
            var standardError = StandardError()
            print("kernels: \(kernels.name)", to: &standardError)
        }
        return kernels
    }

    /// The variant named by the environment variable EDGE_KERNELS, or the fastest one.
    public static func fromEnvironment() throws(KernelSelectionError) -> KernelTable {
        try select(environmentValue("EDGE_KERNELS"))
    }

    /// Names of the variants this CPU can run, fastest first (the reference last).
    public static func supportedNames() -> [String] {
        var tables = [UnsafePointer<edge_kernel_table>?](repeating: nil, count: 8)
        let count = edge_kernels_supported(&tables, tables.count)
        return tables.prefix(min(count, tables.count)).compactMap { $0.map { String(cString: $0.pointee.name) } }
    }

    private static let announced = Mutex<Set<String>>([])
}

/// A kernel variant that does not exist or that this CPU cannot run.
public struct KernelSelectionError: Error, CustomStringConvertible {
    public var name: String
    /// What this CPU can run instead, fastest first.
    public var available: [String]
    public var description: String {
        "kernels '\(name)' are unknown or not supported by this CPU; EDGE_KERNELS / --kernels can name: "
            + available.joined(separator: ", ")
    }
}
