import CHaarKernels
import Foundation
import Synchronization

/// One implementation of the Haar scan (`edge_haar_kernels`: reference, avx2, neon), chosen once at
/// start-up; every one returns exactly the reference's windows.
public struct HaarKernels: @unchecked Sendable {  // points at a static, immutable C table
    let table: UnsafePointer<edge_haar_kernels>

    /// "reference", "avx2", "neon".
    public var name: String { String(cString: table.pointee.name) }

    /// The scalar reference scan: the definition of right.
    public static var reference: HaarKernels { HaarKernels(table: edge_haar_kernels_select("reference")) }

    /// The variant named `name`, or the fastest this CPU supports when `name` is nil; logs the choice
    /// once per variant on standard error ("haar kernels: avx2").
    public static func select(_ name: String? = nil) throws(HaarKernelSelectionError) -> HaarKernels {
        guard let table = edge_haar_kernels_select(name) else {
            throw HaarKernelSelectionError(name: name ?? "", available: supportedNames())
        }
        let kernels = HaarKernels(table: table)
        if announced.withLock({ $0.insert(kernels.name).inserted }) {
            FileHandle.standardError.write(Data("haar kernels: \(kernels.name)\n".utf8))
        }
        return kernels
    }

    /// The variant named by the environment variable EDGE_HAAR_KERNELS, or the fastest one.
    public static func fromEnvironment() throws(HaarKernelSelectionError) -> HaarKernels {
        try select(ProcessInfo.processInfo.environment["EDGE_HAAR_KERNELS"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// What a detector uses unless told otherwise: `fromEnvironment()`, or, when EDGE_HAAR_KERNELS names
    /// a variant this CPU cannot run, the fastest one after saying so once on standard error.
    public static let standard: HaarKernels = {
        do {
            return try fromEnvironment()
        } catch {
            FileHandle.standardError.write(Data("\(error); using the fastest\n".utf8))
            return try! select(nil)  // nil always names a supported table
        }
    }()

    /// Names of the variants this CPU can run, fastest first (the reference last).
    public static func supportedNames() -> [String] {
        var tables = [UnsafePointer<edge_haar_kernels>?](repeating: nil, count: 4)
        let count = edge_haar_kernels_supported(&tables, tables.count)
        return tables.prefix(min(count, tables.count)).compactMap { $0.map { String(cString: $0.pointee.name) } }
    }

    func scan(_ cascade: UnsafePointer<edge_haar_cascade>, sum: UnsafePointer<Int32>, squareSum: UnsafePointer<UInt32>,
              stride: Int, columns: Int, rows: Int, step: Int, hits: UnsafeMutablePointer<Int32>?, capacity: Int) -> Int {
        table.pointee.scan(cascade, sum, squareSum, Int32(stride), Int32(columns), Int32(rows), Int32(step), hits, capacity)
    }

    private static let announced = Mutex<Set<String>>([])
}

/// A Haar kernel variant that does not exist or that this CPU cannot run.
public struct HaarKernelSelectionError: Error, CustomStringConvertible {
    public var name: String
    /// What this CPU can run instead, fastest first.
    public var available: [String]
    public var description: String {
        "haar kernels '\(name)' are unknown or not supported by this CPU; EDGE_HAAR_KERNELS can name: "
            + available.joined(separator: ", ")
    }
}
