/// What the board does when the main face's announced emotion changes: which LED line shows which emotion and
/// how, how long a reaction stays at least, and when the same reaction may come back.
public struct ReactionSettings: Sendable, Equatable {
    public struct Reaction: Sendable, Equatable {
        /// LED line name as the LED output knows it (e.g. "GPIO17" on a Pi, a gpio-sim line name in the lab).
        public var line: String
        public var pattern: LEDPattern

        public init(line: String, pattern: LEDPattern) {
            self.line = line
            self.pattern = pattern
        }
    }

    public struct Hook: Sendable, Equatable {
        /// Run with `/bin/sh -c`, environment EDGE_EMOTION, EDGE_PREVIOUS_EMOTION, EDGE_FACE_ID, EDGE_SCORE, EDGE_FRAME.
        public var command: String
        /// At most one hook start per this many seconds; changes in between are skipped (and counted).
        public var minimumIntervalSeconds: Double

        public init(command: String, minimumIntervalSeconds: Double) {
            self.command = command
            self.minimumIntervalSeconds = minimumIntervalSeconds
        }
    }

    public var reactions: [Emotion: Reaction]
    /// A reaction, once started, stays at least this long even if the emotion changes (no LED flicker).
    public var minimumHoldSeconds: Double
    /// After a reaction ends, the same emotion does not start it again for this long.
    public var cooldownSeconds: Double
    public var hook: Hook?

    public init(reactions: [Emotion: Reaction] = [:], minimumHoldSeconds: Double = 1.5, cooldownSeconds: Double = 3,
                hook: Hook? = nil) {
        self.reactions = reactions
        self.minimumHoldSeconds = minimumHoldSeconds
        self.cooldownSeconds = cooldownSeconds
        self.hook = hook
    }

    /// Every LED line named by a reaction, sorted, each once.
    public var lines: [String] { Array(Set(reactions.values.map(\.line))).sorted() }
}
