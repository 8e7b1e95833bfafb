import Foundation

/// How per-face emotion scores are smoothed and when a new emotion is announced.
public struct SmoothingSettings: Sendable, Equatable {
    /// Time constant of the exponential smoothing in seconds: a new frame `dt` seconds after the last one has
    /// weight `1 - exp(-dt / timeConstant)`, so the result does not depend on the frame rate. 0 = no smoothing.
    public var timeConstant: Double
    /// How long the smoothed top emotion must stay the top before it is announced (hysteresis). 0 = at once.
    public var holdSeconds: Double

    public init(timeConstant: Double = 0.4, holdSeconds: Double = 0.6) {
        self.timeConstant = timeConstant
        self.holdSeconds = holdSeconds
    }
}

/// One face's smoothed scores and its announced emotion. Value type, owned by the face's track.
public struct EmotionSmoother: Sendable {
    public private(set) var smoothed: EmotionScores?
    /// The emotion that has held for `holdSeconds`; `nil` until the first one has.
    public private(set) var announced: Emotion?
    private var candidate: Emotion?
    private var candidateSince = 0.0
    private var lastTime = 0.0

    public init() {}

    /// Folds in one frame's scores taken at `time` (seconds, non-decreasing); returns true when `announced` changed.
    @discardableResult
    public mutating func add(_ scores: EmotionScores, at time: Double, settings: SmoothingSettings) -> Bool {
        if let previous = smoothed {
            let dt = max(0, time - lastTime)
            let weight = settings.timeConstant > 0 ? 1 - exp(-dt / settings.timeConstant) : 1
            smoothed = EmotionScores(zip(previous.values, scores.values).map { $0 + weight * ($1 - $0) })
        } else {
            smoothed = scores
        }
        lastTime = time
        let top = smoothed!.top
        if top == announced {
            candidate = nil
            return false
        }
        if candidate != top {
            candidate = top
            candidateSince = time
        }
        guard time - candidateSince >= settings.holdSeconds else { return false }
        announced = top
        candidate = nil
        return true
    }
}
