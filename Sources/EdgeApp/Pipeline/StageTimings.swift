import EdgeSystem
import Foundation

/// The stages a frame goes through, in order; per-frame milliseconds are recorded for each.
public enum PipelineStage: String, CaseIterable, Sendable {
    case capture, detect, track, crop, classify, smooth, output
}

/// Milliseconds spent in each stage for one frame (absent: the stage did not run for it).
public struct StageTimings: Sendable, Equatable {
    public private(set) var milliseconds: [PipelineStage: Double] = [:]

    public init() {}

    public subscript(stage: PipelineStage) -> Double? {
        get { milliseconds[stage] }
        set { milliseconds[stage] = newValue }
    }

    /// Runs `body`, adds its duration to `stage`, returns its result.
    public mutating func measure<T>(_ stage: PipelineStage, _ body: () throws -> T) rethrows -> T {
        let start = MonotonicClock().now()
        defer { milliseconds[stage, default: 0] += (MonotonicClock().now() - start) * 1000 }
        return try body()
    }
}
