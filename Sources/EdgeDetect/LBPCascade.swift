/// A boosted LBP cascade (OpenCV `featureType LBP`, stumps over 256-category codes) in the integer
/// form the detector runs: leaves and stage thresholds fixed point with `leafShift` fractional bits,
/// exact copies of OpenCV's float values (see CHaarKernels/lbp_kernels.h for why the decisions are then
/// OpenCV's on every reachable sum). Made from OpenCV XML (`DetectorCascade(contentsOfFile:)`) or
/// loaded from a `.edgecascade` file (format version 2, kind LBP).
public struct LBPCascade: Sendable, Equatable {
    /// A 3x3 grid of blocks of `blockWidth` x `blockHeight` pixels with its top-left corner at (x, y).
    public struct Feature: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var blockWidth: Int
        public var blockHeight: Int
    }

    public struct Stump: Sendable, Equatable {
        public var feature: Int
        /// 256 bits: code k takes the left leaf when bit k & 31 of word k >> 5 is set.
        public var subset: [UInt32]
        public var left: Int64
        public var right: Int64
    }

    public struct Stage: Sendable, Equatable {
        /// OpenCV's (float)threshold - 1e-5f, exactly, with `leafShift` fractional bits.
        public var threshold: Int64
        public var stumps: [Stump]
    }

    /// Window sides are stored in a byte per grid coordinate.
    public static let maximumWindowSide = 255
    /// Per stage, |threshold| and the largest reachable |sum| stay below 2^52 (the exactness bound).
    public static let magnitudeLimit = Int64(1) << 52

    public let windowWidth: Int
    public let windowHeight: Int
    public let leafShift: Int
    public let features: [Feature]
    public let stages: [Stage]

    /// Checks every index and bound the kernel and the exactness argument rely on; `fail` turns a
    /// message into the caller's error.
    init(windowWidth: Int, windowHeight: Int, leafShift: Int, features: [Feature], stages: [Stage],
         fail: (String) -> any Error) throws {
        guard (3...Self.maximumWindowSide).contains(windowWidth), (3...Self.maximumWindowSide).contains(windowHeight) else {
            throw fail("window \(windowWidth)x\(windowHeight) is outside 3...\(Self.maximumWindowSide) per side")
        }
        guard (0...62).contains(leafShift) else { throw fail("leaf shift \(leafShift) is out of range 0...62") }
        guard !stages.isEmpty else { throw fail("the cascade has no stages") }
        guard !features.isEmpty else { throw fail("the cascade has no features") }
        for (index, feature) in features.enumerated() {
            guard feature.x >= 0, feature.y >= 0, feature.blockWidth > 0, feature.blockHeight > 0,
                feature.x + 3 * feature.blockWidth <= windowWidth, feature.y + 3 * feature.blockHeight <= windowHeight
            else {
                throw fail("feature \(index) (\(feature.x) \(feature.y) \(feature.blockWidth) \(feature.blockHeight)): its 3x3 blocks are not inside the \(windowWidth)x\(windowHeight) window")
            }
        }
        for (stageIndex, stage) in stages.enumerated() {
            guard (1...65536).contains(stage.stumps.count) else {
                throw fail("stage \(stageIndex) has \(stage.stumps.count) weak classifiers (1...65536 supported)")
            }
            guard abs(stage.threshold) < Self.magnitudeLimit else {
                throw fail("stage \(stageIndex) threshold is outside the exact fixed-point range")
            }
            var reachable: Int64 = 0
            for stump in stage.stumps {
                guard features.indices.contains(stump.feature) else {
                    throw fail("stage \(stageIndex) refers to feature \(stump.feature) of \(features.count)")
                }
                guard stump.subset.count == 8 else { throw fail("stage \(stageIndex) has a subset of \(stump.subset.count) words (8 needed)") }
                guard abs(stump.left) < Self.magnitudeLimit, abs(stump.right) < Self.magnitudeLimit else {
                    throw fail("stage \(stageIndex) has a leaf outside the exact fixed-point range")
                }
                reachable += max(abs(stump.left), abs(stump.right))
                guard reachable < Self.magnitudeLimit else {
                    throw fail("stage \(stageIndex) sums can reach 2^52 / 2^\(leafShift): OpenCV's double sums would round")
                }
            }
        }
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        self.leafShift = leafShift
        self.features = features
        self.stages = stages
    }

    public var stumpCount: Int { stages.reduce(0) { $0 + $1.stumps.count } }
}

extension LBPCascade {
    /// An LBP cascade as OpenCV reads it from XML (float32 leaves and thresholds).
    struct FloatCascade {
        struct Stump { var feature: Int; var subset: [UInt32]; var left: Float; var right: Float }
        struct Stage { var threshold: Float; var stumps: [Stump] }
        var windowWidth: Int
        var windowHeight: Int
        var features: [Feature]
        var stages: [Stage]
    }

    /// Converts with the fewest fractional bits that hold every leaf and stage threshold exactly.
    init(converting cascade: FloatCascade, fail: (String) -> any Error) throws {
        // OpenCV: stage.threshold = (float)value - THRESHOLD_EPS (1e-5f), in float arithmetic.
        let thresholds = cascade.stages.map { $0.threshold - Float(1e-5) }
        let values = thresholds + cascade.stages.flatMap { $0.stumps.flatMap { [$0.left, $0.right] } }
        var shift = 0
        for value in values {
            guard let bits = exactFractionalBits(Double(value)), bits <= 62 else {
                throw fail("leaf or threshold \(value) needs more than 62 fractional bits to be exact")
            }
            shift = max(shift, bits)
        }
        let scale = Double(sign: .plus, exponent: shift, significand: 1)
        func fixed(_ value: Float) -> Int64 {
            let scaled = Double(value) * scale  // exact: a float times a power of two
            return abs(scaled) < 9.2e18 ? Int64(scaled) : Int64.max
        }
        let stages = zip(cascade.stages, thresholds).map { stage, threshold in
            Stage(threshold: fixed(threshold), stumps: stage.stumps.map {
                Stump(feature: $0.feature, subset: $0.subset, left: fixed($0.left), right: fixed($0.right))
            })
        }
        try self.init(windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight, leafShift: shift,
                      features: cascade.features, stages: stages, fail: fail)
    }
}

/// The smallest s >= 0 with value * 2^s an integer (nil for non-finite values).
private func exactFractionalBits(_ value: Double) -> Int? {
    guard value.isFinite else { return nil }
    if value == 0 { return 0 }
    // value = significand * 2^exponent with a 53-bit significand: 52 - trailing zeros - exponent bits.
    let bits = 52 - value.significandBitPattern.trailingZeroBitCount(orFullWidth: 52) - Int(value.exponent)
    return max(bits, 0)
}

private extension UInt64 {
    func trailingZeroBitCount(orFullWidth width: Int) -> Int { self == 0 ? width : trailingZeroBitCount }
}
