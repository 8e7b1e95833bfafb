/// One axis of a separable two-tap resize, precomputed: for each destination index the two source
/// indices it blends and their fixed-point weights. `BilinearResizer` (OpenCV INTER_LINEAR) and
/// `ExactBilinearResizer` (INTER_LINEAR_EXACT) build theirs with their own rounding and edge rules from
/// the same source coordinate mapping, and walk destination rows with the same two-row cache.
struct ResizeAxis<Weight: FixedWidthInteger> {
    /// First and second source index per destination index, both inside the source.
    let first: [Int32]
    let second: [Int32]
    /// weight0, weight1 interleaved per destination index.
    let weights: [Weight]

    /// OpenCV's source coordinate of destination index d, in double: (d + 0.5) * scale - 0.5 with
    /// scale = 1 / (destination / source) (OpenCV stores the inverse of the inverse scale).
    static func sourcePositions(source: Int, destination: Int) -> [Double] {
        let scale = 1.0 / (Double(destination) / Double(source))
        return (0..<destination).map { (Double($0) + 0.5) * scale - 0.5 }
    }

    /// `tap` turns one source position into the two source indices (already inside 0..<source) and weights.
    init(source: Int, destination: Int,
         tap: (_ position: Double) -> (first: Int, second: Int, weight0: Weight, weight1: Weight)) {
        var first = [Int32](repeating: 0, count: destination)
        var second = [Int32](repeating: 0, count: destination)
        var weights = [Weight](repeating: 0, count: 2 * destination)
        for (index, position) in Self.sourcePositions(source: source, destination: destination).enumerated() {
            let taps = tap(position)
            first[index] = Int32(taps.first)
            second[index] = Int32(taps.second)
            weights[2 * index] = taps.weight0
            weights[2 * index + 1] = taps.weight1
        }
        self.first = first
        self.second = second
        self.weights = weights
    }

    /// Calls `blend(row, upper, lower)` for each destination row of `rows`, where `upper` and `lower` hold the
    /// horizontally resized source rows `first[row]` and `second[row]` (`width` values each, made by
    /// `horizontal(sourceRow, into:)`). `buffer` holds `2 * width` values. Consecutive destination rows share
    /// source rows, so each source row is resized horizontally once; a row whose second tap equals its first
    /// or has weight 0 gets `upper` as `lower` too (the same result, without a second horizontal pass).
    func walkRows<Value>(_ rows: Range<Int>, width: Int, buffer: UnsafeMutablePointer<Value>,
                         horizontal: (_ sourceRow: Int, _ into: UnsafeMutablePointer<Value>) -> Void,
                         blend: (_ row: Int, _ upper: UnsafePointer<Value>, _ lower: UnsafePointer<Value>) -> Void) {
        var upper = buffer
        var lower = buffer + width
        var upperIndex = -1
        var lowerIndex = -1
        for row in rows {
            let firstRow = Int(first[row])
            let secondRow = Int(second[row])
            if firstRow == lowerIndex {
                swap(&upper, &lower)
                swap(&upperIndex, &lowerIndex)
            }
            if firstRow != upperIndex {
                horizontal(firstRow, upper)
                upperIndex = firstRow
            }
            if secondRow == firstRow || weights[2 * row + 1] == 0 {
                blend(row, upper, upper)
                continue
            }
            if secondRow != lowerIndex {
                horizontal(secondRow, lower)
                lowerIndex = secondRow
            }
            blend(row, upper, lower)
        }
    }
}
