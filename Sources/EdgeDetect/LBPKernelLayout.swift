import CHaarKernels
import Foundation
import Synchronization

/// An LBP cascade in the C kernel's layout (lbp_kernels.h): stumps with their grids, stage thresholds
/// less the stage's right leaves. Immutable after init, so several threads may scan with one layout.
final class LBPKernelLayout: LevelKernel {
    let stride: Int
    private let stages: [edge_lbp_stage]
    private let stumps: [edge_lbp_stump]
    private let kernel: LBPKernel

    init(cascade: LBPCascade, stride: Int, kernel: LBPKernel) {
        self.stride = stride
        self.kernel = kernel
        var stages: [edge_lbp_stage] = []
        var stumps: [edge_lbp_stump] = []
        for stage in cascade.stages {
            // Exact: every term is below 2^52 in magnitude (LBPCascade's checks).
            let rightLeaves = stage.stumps.reduce(Int64(0)) { $0 + $1.right }
            stages.append(edge_lbp_stage(stump_count: Int32(stage.stumps.count), threshold: stage.threshold - rightLeaves))
            for stump in stage.stumps {
                let feature = cascade.features[stump.feature]
                let s = stump.subset
                stumps.append(edge_lbp_stump(
                    subset: (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]), difference: stump.left - stump.right,
                    x: UInt8(feature.x), y: UInt8(feature.y), block_width: UInt8(feature.blockWidth),
                    block_height: UInt8(feature.blockHeight)))
            }
        }
        self.stages = stages
        self.stumps = stumps
    }

    func scan(levelImage: UnsafePointer<UInt8>, width: Int, height: Int, integralRows: Int, columns: Int, rows: Int,
              step: Int, scratch: LevelScratch, hits: inout [Int32]) -> Int {
        let integralCount = stride * integralRows
        if scratch.sum.count < integralCount { scratch.sum = [Int32](repeating: 0, count: integralCount) }
        let words = edge_lbp_workspace_bytes(Int32(stumps.count), Int32(stride), Int32(integralRows)) / 8 + 1
        if scratch.workspace.count < words { scratch.workspace = [UInt64](repeating: 0, count: words) }
        return scratch.sum.withUnsafeMutableBufferPointer { sum in
            edge_lbp_integral(levelImage, Int32(width), Int32(height), Int32(width), sum.baseAddress, Int32(stride))
            return scratch.workspace.withUnsafeMutableBytes { workspace in
                stages.withUnsafeBufferPointer { stagePointer in
                    stumps.withUnsafeBufferPointer { stumpPointer in
                        var cascade = edge_lbp_cascade(stage_count: Int32(stages.count), stages: stagePointer.baseAddress,
                                                       stumps: stumpPointer.baseAddress, stump_count: Int32(stumps.count))
                        while true {
                            let capacity = hits.count / 2
                            let found = hits.withUnsafeMutableBufferPointer { buffer in
                                kernel.scan(&cascade, sum.baseAddress, Int32(stride), Int32(columns), Int32(rows),
                                            Int32(step), buffer.baseAddress, capacity, workspace.baseAddress)
                            }
                            if found <= capacity { return found }
                            hits = [Int32](repeating: 0, count: 2 * found)
                        }
                    }
                }
            }
        }
    }
}

/// One LBP scan variant (lbp_kernels.h), chosen once: the fastest the CPU runs, or the one named by
/// the environment variable EDGE_LBP_KERNELS ("reference", "avx2", "neon"); the choice is printed
/// once on standard error ("lbp kernels: avx2").
struct LBPKernel: @unchecked Sendable {  // points at a static, immutable C table entry
    let entry: UnsafePointer<edge_lbp_kernel>

    var name: String { String(cString: entry.pointee.name) }
    var scan: edge_lbp_scan_fn { entry.pointee.scan }

    static func select(_ name: String?) throws -> LBPKernel {
        guard let entry = name.map({ edge_lbp_kernel_select($0) }) ?? edge_lbp_kernel_select(nil) else {
            throw DetectionError.kernelUnavailable(
                "EDGE_LBP_KERNELS=\(name ?? "") is unknown or not supported by this CPU; it can name: "
                    + supportedNames().joined(separator: ", "))
        }
        let kernel = LBPKernel(entry: entry)
        if announced.withLock({ $0.insert(kernel.name).inserted }) {
            FileHandle.standardError.write(Data("lbp kernels: \(kernel.name)\n".utf8))
        }
        return kernel
    }

    static func fromEnvironment() throws -> LBPKernel {
        let value = ProcessInfo.processInfo.environment["EDGE_LBP_KERNELS"]
        return try select(value?.isEmpty == false ? value : nil)
    }

    static func supportedNames() -> [String] {
        var entries = [UnsafePointer<edge_lbp_kernel>?](repeating: nil, count: 4)
        let count = edge_lbp_kernels_supported(&entries, entries.count)
        return entries.prefix(min(count, entries.count)).compactMap { $0.map { String(cString: $0.pointee.name) } }
    }

    private static let announced = Mutex<Set<String>>([])
}
