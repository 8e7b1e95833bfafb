import CHaarKernels

/// One cascade kind's work on one pyramid level image: its integral image(s) and the window scan.
/// A kernel is laid out for one integral-image row stride and is immutable, so the detector's workers
/// share it; each worker brings its own `LevelScratch`.
protocol LevelKernel: AnyObject, Sendable {
    var stride: Int { get }
    /// Accepted window origins (x, y pairs) in `hits` (grown when too small); returns their count.
    /// `integralRows`: the most rows any level of this detection needs (the first level's height + 1).
    func scan(levelImage: UnsafePointer<UInt8>, width: Int, height: Int, integralRows: Int, columns: Int, rows: Int,
              step: Int, scratch: LevelScratch, hits: inout [Int32]) -> Int
}

/// A worker's integral images and kernel workspace, reused from level to level.
final class LevelScratch {
    var sum: [Int32] = []
    var squareSum: [UInt32] = []
    var workspace: [UInt64] = []
}

func makeLevelKernel(_ cascade: DetectorCascade, stride: Int, haarKernels: HaarKernels) throws -> any LevelKernel {
    switch cascade {
    case .haar(let haar): return CascadeKernelLayout(cascade: haar, stride: stride, kernels: haarKernels)
    case .lbp(let lbp): return LBPKernelLayout(cascade: lbp, stride: stride, kernel: try LBPKernel.fromEnvironment())
    }
}

extension CascadeKernelLayout: LevelKernel {
    func scan(levelImage: UnsafePointer<UInt8>, width: Int, height: Int, integralRows: Int, columns: Int, rows: Int,
              step: Int, scratch: LevelScratch, hits: inout [Int32]) -> Int {
        let integralCount = stride * integralRows
        if scratch.sum.count < integralCount {
            scratch.sum = [Int32](repeating: 0, count: integralCount)
            scratch.squareSum = [UInt32](repeating: 0, count: integralCount)
        }
        return scratch.sum.withUnsafeMutableBufferPointer { sum in
            scratch.squareSum.withUnsafeMutableBufferPointer { squareSum in
                kernels.table.pointee.integral(levelImage, Int32(width), Int32(height), Int32(width), sum.baseAddress,
                                               squareSum.baseAddress, Int32(stride))
                return scan(sum: sum.baseAddress!, squareSum: squareSum.baseAddress!, columns: columns, rows: rows,
                            step: step, kernels: kernels, hits: &hits)
            }
        }
    }
}
