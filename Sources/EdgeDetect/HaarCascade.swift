import CHaarKernels

/// A boosted Haar cascade in the fixed-point form the detector runs (see CHaarKernels/haar_kernels.h for
/// the numeric contract): integer rectangle weights, squared node thresholds, integer leaves and stage
/// thresholds. Made from OpenCV XML (`init(xmlFile:)`) or loaded from a `.edgecascade` file.
public struct HaarCascade: Sendable, Equatable {
    public struct Rectangle: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var width: Int
        public var height: Int
        /// Weight with `HaarCascade.weightShift` fractional bits.
        public var weight: Int32
    }

    public struct Feature: Sendable, Equatable {
        public var rectangles: [Rectangle]  // 2 or 3
    }

    public struct Node: Sendable, Equatable {
        public var feature: Int
        /// OpenCV's float threshold t times 2^thresholdShift, rounded.
        public var threshold: Int64
        /// > 0: index of another node of the tree; <= 0: minus the index of one of the tree's leaves.
        public var left: Int
        public var right: Int
    }

    public struct Tree: Sendable, Equatable {
        public var nodes: [Node]
        /// Leaf values with `HaarCascade.leafShift` fractional bits.
        public var leaves: [Int64]
    }

    public struct Stage: Sendable, Equatable {
        /// OpenCV's (float)threshold - 1e-5f, with `leafShift` fractional bits.
        public var threshold: Int64
        public var trees: [Tree]
    }

    public static let weightShift = Int(EDGE_HAAR_WEIGHT_SHIFT)
    public static let leafShift = Int(EDGE_HAAR_LEAF_SHIFT)
    /// Windows larger than this are refused: it keeps every fixed-point product inside its type.
    public static let maximumWindowSide = 64

    public let windowWidth: Int
    public let windowHeight: Int
    /// Fractional bits of node thresholds (chosen so that |threshold| < 2^32).
    public let thresholdShift: Int
    public let features: [Feature]
    public let stages: [Stage]

    /// True when every tree is a single node (the fast stump layout applies).
    public var isStumpBased: Bool { stages.allSatisfy { $0.trees.allSatisfy { $0.nodes.count == 1 } } }

    /// Checks every index and range the kernel relies on, so a cascade that passes cannot make the
    /// detector read outside its buffers or loop forever. `fail` turns a message into the caller's error.
    init(windowWidth: Int, windowHeight: Int, thresholdShift: Int, features: [Feature], stages: [Stage],
         fail: (String) -> any Error) throws {
        guard (3...Self.maximumWindowSide).contains(windowWidth), (3...Self.maximumWindowSide).contains(windowHeight) else {
            throw fail("window \(windowWidth)x\(windowHeight) is outside 3...\(Self.maximumWindowSide) per side")
        }
        guard (12...62).contains(thresholdShift) else { throw fail("threshold shift \(thresholdShift) is out of range") }
        guard !stages.isEmpty else { throw fail("the cascade has no stages") }
        guard !features.isEmpty else { throw fail("the cascade has no features") }
        for (index, feature) in features.enumerated() {
            guard (1...3).contains(feature.rectangles.count) else {
                throw fail("feature \(index) has \(feature.rectangles.count) rectangles (1 to 3 supported)")
            }
            for rect in feature.rectangles {
                guard rect.x >= 0, rect.y >= 0, rect.width > 0, rect.height > 0,
                    rect.x + rect.width <= windowWidth, rect.y + rect.height <= windowHeight
                else {
                    throw fail("feature \(index) rectangle \(rect.x) \(rect.y) \(rect.width) \(rect.height) is not inside the \(windowWidth)x\(windowHeight) window")
                }
                guard abs(Int(rect.weight)) < 1 << (15 + Self.weightShift) else {
                    throw fail("feature \(index) has a weight too large for the fixed-point format")
                }
            }
        }
        for (stageIndex, stage) in stages.enumerated() {
            // Leaves are < 2^48 in magnitude, so at most 2^14 of them keep a stage sum inside int64.
            guard (1...16384).contains(stage.trees.count) else {
                throw fail("stage \(stageIndex) has \(stage.trees.count) weak classifiers (1...16384 supported)")
            }
            for tree in stage.trees {
                guard (1...127).contains(tree.nodes.count), tree.leaves.count == tree.nodes.count + 1 else {
                    throw fail("stage \(stageIndex) has a tree with \(tree.nodes.count) nodes and \(tree.leaves.count) leaves")
                }
                for (nodeIndex, node) in tree.nodes.enumerated() {
                    guard abs(node.threshold) < Int64(1) << 32 else {
                        throw fail("stage \(stageIndex) has a node threshold outside the fixed-point range")
                    }
                    guard features.indices.contains(node.feature) else {
                        throw fail("stage \(stageIndex) refers to feature \(node.feature) of \(features.count)")
                    }
                    for child in [node.left, node.right] {
                        // Children point forward, so evaluation always terminates.
                        let valid = child > 0 ? (child > nodeIndex && child < tree.nodes.count) : -child < tree.leaves.count
                        guard valid else { throw fail("stage \(stageIndex) has a tree node with invalid child \(child)") }
                    }
                }
                guard tree.leaves.allSatisfy({ abs($0) < Int64(1) << (Self.leafShift + 16) }) else {
                    throw fail("stage \(stageIndex) has a leaf value beyond +-65536")
                }
            }
        }
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        self.thresholdShift = thresholdShift
        self.features = features
        self.stages = stages
    }
}

extension HaarCascade {
    /// A cascade as OpenCV reads it from XML (float32 values), before fixed-point conversion.
    struct FloatCascade {
        struct Rectangle { var x, y, width, height: Int; var weight: Float }
        struct Node { var feature: Int; var threshold: Float; var left: Int; var right: Int }
        struct Tree { var nodes: [Node]; var leaves: [Float] }
        struct Stage { var threshold: Float; var trees: [Tree]; var line: Int }
        var windowWidth: Int
        var windowHeight: Int
        var features: [[Rectangle]]
        var stages: [Stage]
    }

    /// Converts OpenCV's float values to the fixed-point contract, choosing the largest square shift
    /// for which v^2 * 2^S and T2 fit (see haar_kernels.h).
    init(converting cascade: FloatCascade, fail: (String) -> any Error) throws {
        let weightScale = Double(1 << Self.weightShift)
        var features: [Feature] = []
        for (index, rectangles) in cascade.features.enumerated() {
            var fixed: [Rectangle] = []
            for rect in rectangles {
                let weight = (Double(rect.weight) * weightScale).rounded()
                guard abs(weight) < Double(1 << (15 + Self.weightShift)) else {
                    throw fail("feature \(index) weight \(rect.weight) is too large")
                }
                fixed.append(Rectangle(x: rect.x, y: rect.y, width: rect.width, height: rect.height, weight: Int32(weight)))
            }
            features.append(Feature(rectangles: fixed))
        }
        let largestThreshold = cascade.stages.flatMap { $0.trees.flatMap { $0.nodes.map { abs(Double($0.threshold)) } } }
            .max() ?? 1
        // |t| * 2^shift < 2^31 keeps |T * N| < 2^62 (haar_kernels.h); more bits than float's 24 are pointless.
        let thresholdShift = min(31 - (largestThreshold > 0 ? ceilingLog2(largestThreshold) : -16), 40)
        guard thresholdShift >= 12 else { throw fail("node thresholds up to \(largestThreshold) are too large for the fixed-point format") }
        let thresholdScale = pow2(thresholdShift)
        let leafScale = pow2(Self.leafShift)
        var stages: [Stage] = []
        for stage in cascade.stages {
            var trees: [Tree] = []
            for tree in stage.trees {
                let nodes = tree.nodes.map { node in
                    Node(feature: node.feature, threshold: Int64((Double(node.threshold) * thresholdScale).rounded()),
                         left: node.left, right: node.right)
                }
                trees.append(Tree(nodes: nodes, leaves: tree.leaves.map { Int64((Double($0) * leafScale).rounded()) }))
            }
            // OpenCV: stage.threshold = (float)value - THRESHOLD_EPS (1e-5f), in float arithmetic.
            let threshold = stage.threshold - Float(1e-5)
            stages.append(Stage(threshold: Int64((Double(threshold) * leafScale).rounded()), trees: trees))
        }
        try self.init(windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight, thresholdShift: thresholdShift,
                      features: features, stages: stages, fail: fail)
    }
}

private func pow2(_ exponent: Int) -> Double {
    var value = 1.0
    for _ in 0..<exponent { value *= 2 }
    return value
}

/// The smallest integer e with value <= 2^e (value > 0).
private func ceilingLog2(_ value: Double) -> Int {
    var exponent = 0
    var power = 1.0
    while power < value { power *= 2; exponent += 1 }
    while power / 2 >= value { power /= 2; exponent -= 1 }
    return exponent
}
