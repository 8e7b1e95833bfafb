import EdgeBoardConfig

// The board config's `reactions` section is what the reaction controller runs on (no mirror type): these are
// the parts of it that only the application needs.

/// How an LED shows a reaction. Levels are a pure function of the time since the reaction started, so the
/// reaction ticker can sample them at any rate (it runs at 50 Hz: blinking above 25 Hz is refused at load).
extension LEDConfig.Pattern {
    public func isOn(secondsSinceStart elapsed: Double) -> Bool {
        let t = max(0, elapsed)
        switch self {
        case .on:
            return true
        case let .blink(hertz):
            let halfCycles = (t * 2 * hertz).rounded(.down)
            return halfCycles.truncatingRemainder(dividingBy: 2) == 0
        case let .pulse(period, width):
            return t.truncatingRemainder(dividingBy: period) < width
        }
    }
}

extension ReactionsConfig {
    /// The LED of `emotion`, if one is configured.
    public func led(for emotion: Emotion) -> LEDConfig? { leds[emotion.label] }

    /// Every LED line named by a reaction ("GPIO17" or "gpiochip0:17", as the LED output knows it), sorted,
    /// each once.
    public var lines: [String] { Array(Set(leds.values.map(\.line.description))).sorted() }
}
