import EdgeBoardConfig

/// Decides which reaction is showing from the stream of announced emotions, honouring minimum hold and cooldown,
/// and gives the LED levels at any instant. Pure logic on explicit times; thread safety is the caller's
/// (the pipeline guards it with a lock shared by the analysis stage and the LED ticker).
public struct ReactionController: Sendable {
    public struct Active: Sendable, Equatable {
        public var emotion: Emotion
        /// When it started, in the caller's clock (seconds).
        public var since: Double
    }

    public var settings: ReactionsConfig
    public private(set) var active: Active?
    private var lastEnded: [Emotion: Double] = [:]

    public init(settings: ReactionsConfig) {
        self.settings = settings
    }

    /// The emotion the board should react to now (`nil`: no face or no announced emotion). Returns true when the
    /// active reaction changed. A change wanted during the minimum hold is not remembered: the caller keeps
    /// reporting what it wants every frame, and the change happens on the first call after the hold.
    @discardableResult
    public mutating func want(_ emotion: Emotion?, at time: Double) -> Bool {
        if emotion == active?.emotion { return false }
        if let current = active {
            if time - current.since < settings.holdSeconds { return false }
            lastEnded[current.emotion] = time
        }
        let previous = active
        active = nil
        if let emotion, settings.led(for: emotion) != nil,
           lastEnded[emotion].map({ time - $0 >= settings.cooldownSeconds }) ?? true {
            active = Active(emotion: emotion, since: time)
        }
        return previous != active
    }

    /// Level of every configured line at `time` (same clock as `want`): the active reaction's line follows its
    /// pattern, all others are off.
    public func levels(at time: Double) -> [String: Bool] {
        var levels = Dictionary(uniqueKeysWithValues: settings.lines.map { ($0, false) })
        if let active, let led = settings.led(for: active.emotion) {
            levels[led.line.description] = led.pattern.isOn(secondsSinceStart: time - active.since)
        }
        return levels
    }
}
