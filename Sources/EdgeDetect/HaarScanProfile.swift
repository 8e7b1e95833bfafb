import CHaarKernels
import EdgeImage

/// What the lane scan evaluates on one pyramid level (`edge_haar_level_profile`), for speed models.
public struct HaarLevelProfile: Sendable {
    public var columns, rows, step: Int
    /// Window origins scanned (one norm each) and those passing the variance test.
    public var windows, normalized: Int
    /// Stump evaluations on a block of `lanes` consecutive windows, on one window, on a lane group of gathered
    /// survivors, on a block around survivors (the stages after the row stages).
    public var blockStumps, scalarStumps, listStumps, survivorBlockStumps: Int
    /// Windows evaluated by stage s (the last entry counts every later stage too).
    public var reach: [Int]
    public var hits: Int
}

extension HaarKernels {
    /// A scan that returns the reference's windows and records what a variant with `lanes` windows per
    /// block and `rowStages` row stages evaluates (per level, calling thread: use a one-thread detector);
    /// read the record with `takeProfile()`.
    public static func profiling(lanes: Int, rowStages: Int) -> HaarKernels {
        HaarKernels(table: edge_haar_profile_kernels(Int32(lanes), Int32(rowStages)))
    }

    /// A scan that evaluates nothing: times the pyramid (resize, integral images) alone.
    public static var noScan: HaarKernels { HaarKernels(table: edge_haar_no_scan_kernels()) }

    /// The levels recorded by a `profiling` scan on this thread since the last call.
    public static func takeProfile() -> [HaarLevelProfile] {
        var record = edge_haar_profile_take()
        return withUnsafeBytes(of: &record.levels) { raw in
            let levels = raw.bindMemory(to: edge_haar_level_profile.self)
            return (0..<Int(record.level_count)).map { index in
                var level = levels[index]
                let reach = withUnsafeBytes(of: &level.reach) { Array($0.bindMemory(to: UInt64.self)).map { Int($0) } }
                return HaarLevelProfile(
                    columns: Int(level.columns), rows: Int(level.rows), step: Int(level.step), windows: Int(level.windows),
                    normalized: Int(level.normalized), blockStumps: Int(level.block_stumps),
                    scalarStumps: Int(level.scalar_stumps), listStumps: Int(level.list_stumps),
                    survivorBlockStumps: Int(level.survivor_block_stumps), reach: reach,
                    hits: Int(level.hits))
            }
        }
    }
}

extension RegionDetector {
    /// What a region scan evaluates, one record per scanned pyramid level (the detector must scan with
    /// `HaarKernels.profiling`; calling thread). Each level is scanned alone with the profile merging the region
    /// scan's row-by-row calls; the walk back for the skip rule (left of the region) is not counted.
    public func profile(_ image: GrayImage, in region: ScanRegion,
                        parameters: DetectionParameters = DetectionParameters()) throws -> [HaarLevelProfile] {
        var widths: [Int] = []
        for level in try scannableLevels(image, parameters: parameters)
        where region.windowWidths.contains(level.frameWidth) && widths.last != level.frameWidth {
            widths.append(level.frameWidth)
        }
        edge_haar_profile_merge_calls(1)
        defer { edge_haar_profile_merge_calls(0) }
        var result: [HaarLevelProfile] = []
        for width in widths {
            var level = region
            level.windowWidths = width...width
            _ = HaarKernels.takeProfile()
            _ = try candidates(image, in: level, parameters: parameters)
            result += HaarKernels.takeProfile()
        }
        return result
    }
}
