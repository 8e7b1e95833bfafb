import EdgeBoardConfig

/// Turns the board config's `reactions` section into the pipeline's reaction settings. LED lines are named by
/// their selector text ("GPIO17" or "gpiochip0:17"); active-low is the LED output's business.
public enum BoardConfigMapping {
    public static func reactionSettings(_ config: ReactionsConfig) -> ReactionSettings {
        var reactions: [Emotion: ReactionSettings.Reaction] = [:]
        for (label, led) in config.leds {
            guard let emotion = Emotion(label: label) else { continue }  // the loader allows only the 7 labels
            let pattern: LEDPattern = switch led.pattern {
            case .on: .on
            case let .blink(hertz): .blink(hertz: hertz)
            case let .pulse(period, width): .pulse(periodSeconds: period, widthSeconds: width)
            }
            reactions[emotion] = .init(line: led.line.description, pattern: pattern)
        }
        return ReactionSettings(reactions: reactions, minimumHoldSeconds: config.holdSeconds,
                                cooldownSeconds: config.cooldownSeconds,
                                hook: config.hook.map { .init(command: $0.command, minimumIntervalSeconds: $0.minimumIntervalSeconds) })
    }
}
