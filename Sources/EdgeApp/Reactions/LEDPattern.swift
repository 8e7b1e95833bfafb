/// How an LED shows a reaction. Levels are a pure function of the time since the reaction started, so the
/// reaction ticker can sample them at any rate (it runs at 50 Hz: blinking above 25 Hz is refused at load).
public enum LEDPattern: Sendable, Equatable, CustomStringConvertible {
    /// Steadily on.
    case on
    /// Square wave at `hertz` full cycles per second, 50 % duty, starting on.
    case blink(hertz: Double)
    /// A short flash of `widthSeconds` at the start of every `periodSeconds` (a heartbeat), starting on.
    case pulse(periodSeconds: Double, widthSeconds: Double)

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

    public var description: String {
        switch self {
        case .on: "on"
        case let .blink(hertz): "blink \(hertz) Hz"
        case let .pulse(period, width): "pulse \(width) s every \(period) s"
        }
    }
}
