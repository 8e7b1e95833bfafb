/// A Prometheus histogram of durations: cumulative counts per upper bound (seconds), sum and count.
struct LatencyHistogram {
    /// 0.5 ms to 2.5 s: a Haar pass on a Pi Zero takes ~1 s, a crop on a PC ~10 µs.
    static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private(set) var counts = [Int](repeating: 0, count: LatencyHistogram.bounds.count)
    private(set) var sum = 0.0
    private(set) var count = 0

    mutating func add(seconds: Double) {
        if let index = Self.bounds.firstIndex(where: { seconds <= $0 }) { counts[index] += 1 }
        sum += seconds
        count += 1
    }

    /// Cumulative count for each bound, as the exposition format wants (`le` buckets include all smaller ones).
    var cumulativeCounts: [Int] {
        var running = 0
        return counts.map { running += $0; return running }
    }
}
