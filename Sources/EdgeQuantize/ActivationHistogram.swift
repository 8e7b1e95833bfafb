/// The distribution of one activation tensor over the calibration images, in a single pass: a
/// histogram over [-halfRange, halfRange) whose range doubles (merging bins pairwise, exactly)
/// whenever a value falls outside, so no first pass is needed to find the range. Exact zeros
/// (ReLU outputs) are counted apart: int8 represents them exactly.
public struct ActivationHistogram: Sendable {
    public static let binCount = 4096

    public private(set) var bins = [Double](repeating: 0, count: binCount)
    public private(set) var halfRange: Float = 1.0 / 65536
    public private(set) var zeroCount: Double = 0
    public private(set) var minimum: Float = .infinity
    public private(set) var maximum: Float = -.infinity
    public private(set) var count: Double = 0

    public init() {}

    public mutating func add<Values: Collection>(_ values: Values) where Values.Element == Float {
        guard !values.isEmpty else { return }
        var low = Float.infinity, high = -Float.infinity
        for value in values {
            low = min(low, value)
            high = max(high, value)
        }
        minimum = min(minimum, low)
        maximum = max(maximum, high)
        count += Double(values.count)
        while max(-low, high) >= halfRange {
            grow()
        }
        let binsPerUnit = Float(Self.binCount) / (2 * halfRange)
        bins.withUnsafeMutableBufferPointer { bins in
            for value in values {
                if value == 0 {
                    zeroCount += 1
                } else {
                    let index = Int((value + halfRange) * binsPerUnit)
                    bins[min(max(index, 0), Self.binCount - 1)] += 1
                }
            }
        }
    }

    /// Doubles the range: the old bins land pairwise in the central half.
    private mutating func grow() {
        var merged = [Double](repeating: 0, count: Self.binCount)
        let quarter = Self.binCount / 4
        for index in quarter..<(3 * quarter) {
            let old = 2 * (index - quarter)
            merged[index] = bins[old] + bins[old + 1]
        }
        bins = merged
        halfRange *= 2
    }

    public var binWidth: Float { 2 * halfRange / Float(Self.binCount) }

    public func binCenter(_ index: Int) -> Float { -halfRange + (Float(index) + 0.5) * binWidth }
}
