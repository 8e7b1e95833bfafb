import CHaarKernels

/// A cascade laid out for `edge_haar_scan` over integral images of one row stride: every rectangle
/// becomes four offsets relative to the window's top-left integral entry. Immutable after init, so
/// several threads may scan with one layout.
final class CascadeKernelLayout: Sendable {
    let stride: Int
    /// The scan variant this layout runs (every variant finds the same windows).
    let kernels: HaarKernels
    private let stages: [edge_haar_stage]
    private let stumps: [edge_haar_stump]
    private let trees: [edge_haar_tree]
    private let nodes: [edge_haar_node]
    private let features: [edge_haar_feature]
    private let leaves: [Int64]
    /// The stumps in 32-bit lane form when their bounds hold (haar_kernels.h), else empty.
    private let laneStumps: [edge_haar_lane_stump]
    private let normOffsets: (Int32, Int32, Int32, Int32)
    private let normArea: Int64
    private let thresholdShift: Int32

    init(cascade: HaarCascade, stride: Int, kernels: HaarKernels = .standard) {
        self.stride = stride
        self.kernels = kernels
        func corners(_ x: Int, _ y: Int, _ width: Int, _ height: Int) -> (Int32, Int32, Int32, Int32) {
            (Int32(y * stride + x), Int32(y * stride + x + width), Int32((y + height) * stride + x),
             Int32((y + height) * stride + x + width))
        }
        func placed(_ feature: HaarCascade.Feature) -> (offsets: ((Int32, Int32, Int32, Int32), (Int32, Int32, Int32, Int32), (Int32, Int32, Int32, Int32)), weights: (Int32, Int32, Int32)) {
            var rects = feature.rectangles.map { (corners($0.x, $0.y, $0.width, $0.height), $0.weight) }
            while rects.count < 3 { rects.append(((0, 0, 0, 0), 0)) }
            return ((rects[0].0, rects[1].0, rects[2].0), (rects[0].1, rects[1].1, rects[2].1))
        }
        // The normalisation rectangle is the window inset by one pixel (OpenCV's normrect).
        normOffsets = corners(1, 1, cascade.windowWidth - 2, cascade.windowHeight - 2)
        normArea = Int64((cascade.windowWidth - 2) * (cascade.windowHeight - 2))
        thresholdShift = Int32(cascade.thresholdShift)
        let stumpBased = cascade.isStumpBased
        var stages: [edge_haar_stage] = []
        var stumps: [edge_haar_stump] = []
        var trees: [edge_haar_tree] = []
        var nodes: [edge_haar_node] = []
        var features: [edge_haar_feature] = []
        var leaves: [Int64] = []
        for stage in cascade.stages {
            stages.append(edge_haar_stage(first_tree: Int32(trees.count), tree_count: Int32(stage.trees.count),
                                          threshold: stage.threshold))
            for tree in stage.trees {
                if stumpBased {
                    let node = tree.nodes[0]
                    let layout = placed(cascade.features[node.feature])
                    // left/right are leaf indices 0 / -1 or swapped; resolve them to values.
                    stumps.append(edge_haar_stump(
                        offsets: layout.offsets, weights: layout.weights, threshold: node.threshold,
                        left: tree.leaves[-node.left], right: tree.leaves[-node.right]))
                    trees.append(edge_haar_tree(first_node: 0, first_leaf: 0))
                } else {
                    trees.append(edge_haar_tree(first_node: Int32(nodes.count), first_leaf: Int32(leaves.count)))
                    for node in tree.nodes {
                        nodes.append(edge_haar_node(threshold: node.threshold,
                                                    feature: Int32(node.feature), left: Int32(node.left),
                                                    right: Int32(node.right)))
                    }
                    leaves += tree.leaves
                }
            }
        }
        if !stumpBased {
            for feature in cascade.features {
                let layout = placed(feature)
                features.append(edge_haar_feature(offsets: layout.offsets, weights: layout.weights))
            }
        }
        self.stages = stages
        self.stumps = stumps
        self.trees = trees
        self.nodes = nodes
        self.features = features
        self.leaves = leaves
        var laneStumps = [edge_haar_lane_stump](repeating: edge_haar_lane_stump(), count: stumps.count)
        var cascade = edge_haar_cascade()
        cascade.stage_count = Int32(stages.count)
        cascade.norm_offsets = normOffsets
        cascade.norm_area = normArea
        cascade.threshold_shift = thresholdShift
        let proven = stumpBased && !stumps.isEmpty && stages.withUnsafeBufferPointer { stagePointer in
            stumps.withUnsafeBufferPointer { stumpPointer in
                cascade.stages = stagePointer.baseAddress
                cascade.stumps = stumpPointer.baseAddress
                return edge_haar_lane_stumps_make(&cascade, Int32(stride), &laneStumps) == 1
            }
        }
        self.laneStumps = proven ? laneStumps : []
    }

    /// Scans window origins of one pyramid level; returns accepted (x, y) origins.
    func scan(sum: UnsafePointer<Int32>, squareSum: UnsafePointer<UInt32>, columns: Int, rows: Int, step: Int,
              kernels: HaarKernels, hits: inout [Int32]) -> Int {
        withKernelCascade { cascade in
            Self.collect(into: &hits) { buffer, capacity in
                kernels.scan(cascade, sum: sum, squareSum: squareSum, stride: stride, columns: columns, rows: rows,
                             step: step, hits: buffer, capacity: capacity)
            }
        }
    }

    /// Scans the origins x0 <= x < x1, y0 <= y < y1 of one level exactly as a whole-level scan would
    /// (`edge_haar_scan_region`: x0 on the step grid, row 0 of `sum` on a step-grid level row, column 0 of `sum` at
    /// level column `bandLeft`, a step-grid column; x relative to it); y is relative to `sum`'s row 0. nil when the
    /// skip rule needs level columns left of the band (scan again with `bandLeft` 0).
    func scanRegion(sum: UnsafePointer<Int32>, squareSum: UnsafePointer<UInt32>, bandLeft: Int, x: Range<Int>, y: Range<Int>,
                    step: Int, hits: inout [Int32]) -> Int? {
        var needsLevelLeft = false
        let found = withKernelCascade { cascade in
            Self.collect(into: &hits) { buffer, capacity in
                let found = edge_haar_scan_region(
                    kernels.table.pointee.scan, cascade, sum, squareSum, Int32(stride), Int32(bandLeft),
                    Int32(x.lowerBound), Int32(x.upperBound), Int32(y.lowerBound), Int32(y.upperBound), Int32(step), buffer,
                    capacity)
                // EDGE_HAAR_REGION_NEEDS_LEVEL_LEFT is SIZE_MAX, -1 as a Swift Int.
                needsLevelLeft = found == -1
                return needsLevelLeft ? 0 : found
            }
        }
        return needsLevelLeft ? nil : found
    }

    /// Runs `scan` until `hits` had room for every accepted origin.
    private static func collect(into hits: inout [Int32],
                                _ scan: (UnsafeMutablePointer<Int32>?, Int) -> Int) -> Int {
        while true {
            let capacity = hits.count / 2
            let found = hits.withUnsafeMutableBufferPointer { buffer in scan(buffer.baseAddress, capacity) }
            if found <= capacity { return found }
            hits = [Int32](repeating: 0, count: 2 * found)
        }
    }

    private func withKernelCascade<Result>(_ body: (UnsafePointer<edge_haar_cascade>) -> Result) -> Result {
        stages.withUnsafeBufferPointer { stagePointer in
            stumps.withUnsafeBufferPointer { stumpPointer in
                trees.withUnsafeBufferPointer { treePointer in
                    nodes.withUnsafeBufferPointer { nodePointer in
                        features.withUnsafeBufferPointer { featurePointer in
                            leaves.withUnsafeBufferPointer { leafPointer in
                              laneStumps.withUnsafeBufferPointer { lanePointer in
                                var cascade = edge_haar_cascade(
                                    stage_count: Int32(stages.count), stages: stagePointer.baseAddress,
                                    stumps: stumps.isEmpty ? nil : stumpPointer.baseAddress,
                                    trees: treePointer.baseAddress, nodes: nodePointer.baseAddress,
                                    features: featurePointer.baseAddress, leaves: leafPointer.baseAddress,
                                    norm_offsets: normOffsets, norm_area: normArea,
                                    min_variance_term: 100 * normArea * normArea, threshold_shift: thresholdShift,
                                    lane_stumps: laneStumps.isEmpty ? nil : lanePointer.baseAddress)
                                return body(&cascade)
                              }
                            }
                        }
                    }
                }
            }
        }
    }
}
