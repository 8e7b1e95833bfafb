/// How an activation tensor's int8 range is chosen from its calibration statistics.
public enum CalibrationMethod: String, CaseIterable, Sendable {
    /// The observed minimum and maximum: nothing clips, rare outliers cost resolution.
    case minMax = "minmax"
    /// The 0.01 % and 99.99 % quantiles: the rarest outliers clip.
    case percentile
    /// The range minimizing the expected squared error (clipping plus rounding) over the
    /// observed distribution.
    case mse

    public static let percentileFraction = 0.9999

    /// The method `edge-quantize convert` uses unless told otherwise (see README.md, "Quantization"
    /// for the measurements behind the choice).
    public static let defaultMethod = CalibrationMethod.mse

    /// The real interval [low, high] to map onto int8; always contains 0.
    public func range(of histogram: ActivationHistogram) -> ClosedRange<Float> {
        guard histogram.count > 0 else { return 0...0 }
        let low = min(histogram.minimum, 0), high = max(histogram.maximum, 0)
        switch self {
        case .minMax:
            return low...high
        case .percentile:
            let lowQuantile = low < 0 ? min(Self.quantile(histogram, 1 - Self.percentileFraction), 0) : 0
            let highQuantile = high > 0 ? max(Self.quantile(histogram, Self.percentileFraction), 0) : 0
            return max(lowQuantile, low)...min(highQuantile, high)
        case .mse:
            return MeanSquaredErrorSearch(histogram).bestRange(low: low, high: high)
        }
    }

    /// The value below which `fraction` of the observations lie (bin resolution; zeros count).
    static func quantile(_ histogram: ActivationHistogram, _ fraction: Double) -> Float {
        let target = fraction * histogram.count
        var seen = 0.0
        let zeroBin = ActivationHistogram.binCount / 2
        for index in 0..<ActivationHistogram.binCount {
            if index == zeroBin {
                seen += histogram.zeroCount
                if seen >= target { return 0 }
            }
            seen += histogram.bins[index]
            if seen >= target { return histogram.binCenter(index) + histogram.binWidth / 2 }
        }
        return histogram.maximum
    }
}

/// Expected squared quantization error of a range over a histogram, in O(1) per candidate with
/// prefix sums: values outside [low, high] cost their distance to the bound squared, values
/// inside cost step^2 / 12 (uniform rounding error, step = (high - low) / 255), exact zeros cost
/// nothing.
struct MeanSquaredErrorSearch {
    private let histogram: ActivationHistogram
    private var counts: [Double] = [0]
    private var sums: [Double] = [0]
    private var squares: [Double] = [0]

    init(_ histogram: ActivationHistogram) {
        self.histogram = histogram
        for index in 0..<ActivationHistogram.binCount {
            let x = Double(histogram.binCenter(index)), c = histogram.bins[index]
            counts.append(counts.last! + c)
            sums.append(sums.last! + c * x)
            squares.append(squares.last! + c * x * x)
        }
    }

    /// Number of the first bin whose center is at or above `value`.
    private func firstBin(atOrAbove value: Float) -> Int {
        let position = (value + histogram.halfRange) / histogram.binWidth - 0.5
        return min(max(Int(position.rounded(.up)), 0), ActivationHistogram.binCount)
    }

    func error(low: Float, high: Float) -> Double {
        let lo = Double(low), hi = Double(high)
        let below = firstBin(atOrAbove: low), above = firstBin(atOrAbove: high)
        let n = ActivationHistogram.binCount
        let lowCost = lo * lo * counts[below] - 2 * lo * sums[below] + squares[below]
        let highCost = (squares[n] - squares[above]) - 2 * hi * (sums[n] - sums[above]) + hi * hi * (counts[n] - counts[above])
        let inside = counts[above] - counts[below]
        let step = (hi - lo) / 255
        return lowCost + highCost + inside * step * step / 12
    }

    /// Coordinate descent over 1000-point grids of each bound, starting from min/max.
    func bestRange(low: Float, high: Float) -> ClosedRange<Float> {
        var bestLow = low, bestHigh = high
        let steps = 1000
        for _ in 0..<3 {
            if high > 0 {
                var best = error(low: bestLow, high: bestHigh)
                for step in 1...steps {
                    let candidate = high * Float(step) / Float(steps)
                    let cost = error(low: bestLow, high: candidate)
                    if cost < best { best = cost; bestHigh = candidate }
                }
            }
            if low < 0 {
                var best = error(low: bestLow, high: bestHigh)
                for step in 1...steps {
                    let candidate = low * Float(step) / Float(steps)
                    let cost = error(low: candidate, high: bestHigh)
                    if cost < best { best = cost; bestLow = candidate }
                }
            }
        }
        return bestLow...bestHigh
    }
}
