import CHaarKernels
import EdgeImage

/// The detectors' pyramid level resize: `ExactBilinearResizer`'s taps (so the pixels of `GrayImage.resizedExactly`,
/// OpenCV's INTER_LINEAR_EXACT) run by a Haar kernel table's `resize_rows` (scalar reference, AVX2, NEON; every one
/// bit-exact). Keeps one set of taps and a kernel workspace per size pair, reused frame after frame: one per thread.
final class LevelResizer {
    let kernels: HaarKernels
    private var plans: [SizePair: LevelPlan] = [:]

    private struct SizePair: Hashable {
        var sourceWidth, sourceHeight, width, height: Int
    }

    init(kernels: HaarKernels) {
        self.kernels = kernels
    }

    /// Rows `rows` x columns `columns` (clamped to the level; nil: every column) of `source` (`sourceWidth` x
    /// `sourceHeight`, packed) resized to `width` x `height`, written from `destination` on in rows of the selected
    /// columns' count: every output pixel depends only on its own row and column taps, so they equal the whole
    /// level's (a column range is the plan with its column taps offset).
    func resize(_ source: UnsafePointer<UInt8>, sourceWidth: Int, sourceHeight: Int, width: Int, height: Int,
                rows: Range<Int>, columns: Range<Int>? = nil, into destination: UnsafeMutablePointer<UInt8>) {
        let key = SizePair(sourceWidth: sourceWidth, sourceHeight: sourceHeight, width: width, height: height)
        let plan = plans[key] ?? LevelPlan(key)
        plans[key] = plan
        let selectedRows = rows.clamped(to: 0..<height)
        let selectedColumns = (columns ?? 0..<width).clamped(to: 0..<width)
        guard !selectedRows.isEmpty && !selectedColumns.isEmpty else { return }
        var taps = plan.plan
        taps.column_taps += selectedColumns.lowerBound
        taps.column_weights += 2 * selectedColumns.lowerBound
        taps.width = Int32(selectedColumns.count)
        withUnsafePointer(to: taps) { taps in
            kernels.table.pointee.resize_rows(taps, source, Int32(sourceWidth), Int32(selectedRows.lowerBound),
                                              Int32(selectedRows.upperBound), destination,
                                              Int32(selectedColumns.count), plan.workspace.baseAddress)
        }
    }

    /// One size pair's taps in the kernels' form, in memory of its own (the C plan points into it).
    private final class LevelPlan {
        let taps: UnsafeMutableBufferPointer<Int32>  // columns, then rows
        let weights: UnsafeMutableBufferPointer<Int16>
        let workspace: UnsafeMutableBufferPointer<UInt32>
        let plan: edge_u8_resize_bilinear_exact_plan

        init(_ size: SizePair) {
            let resizer = ExactBilinearResizer(sourceWidth: size.sourceWidth, sourceHeight: size.sourceHeight,
                                               destinationWidth: size.width, destinationHeight: size.height)
            let columns = resizer.columnTaps, rows = resizer.rowTaps
            taps = .allocate(capacity: size.width + size.height)
            _ = taps.initialize(from: columns.first + rows.first)
            weights = .allocate(capacity: 2 * (size.width + size.height))
            _ = weights.initialize(from: columns.weights + rows.weights)
            workspace = .allocate(capacity: 3 * size.width)  // EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE
            workspace.initialize(repeating: 0)
            plan = edge_u8_resize_bilinear_exact_plan(
                source_width: Int32(size.sourceWidth), source_height: Int32(size.sourceHeight),
                width: Int32(size.width), height: Int32(size.height),
                column_taps: UnsafePointer(taps.baseAddress!), column_weights: UnsafePointer(weights.baseAddress!),
                row_taps: UnsafePointer(taps.baseAddress! + size.width),
                row_weights: UnsafePointer(weights.baseAddress! + 2 * size.width))
        }

        deinit {
            taps.deallocate()
            weights.deallocate()
            workspace.deallocate()
        }
    }
}
