import EdgeSystem

/// The LEDs of a board, addressed by the line string used in the config (`GPIO17`, `gpiochip0:17`).
/// All are requested at once (all-or-nothing: a busy line releases the ones already taken), start off,
/// and are switched off and released by `close()`.
public final class GPIOLEDs {
    public struct LED: Sendable, Equatable {
        public var line: String
        public var activeLow: Bool
        public init(line: String, activeLow: Bool) {
            self.line = line
            self.activeLow = activeLow
        }
    }

    private var lines: [String: GPIOOutputLine] = [:]
    public let lineNames: [String]

    /// - Throws: `GPIOError` (not found, busy with the consumer's name) or `SystemError` naming the chip.
    public init(leds: [LED], consumer: String, system: any SystemCalls = LinuxSystemCalls(),
                devicesDirectory: String = "/dev") throws {
        var requested: [String: GPIOOutputLine] = [:]
        for led in leds where requested[led.line] == nil {
            do {
                requested[led.line] = try GPIOOutputLine(address: led.line, activeLow: led.activeLow, initialValue: false,
                                                        consumer: consumer, system: system,
                                                        devicesDirectory: devicesDirectory)
            } catch {
                requested.values.forEach { $0.release() }
                throw error
            }
        }
        lines = requested
        lineNames = requested.keys.sorted()
    }

    deinit { close() }

    public func set(line: String, on: Bool) throws {
        guard let output = lines[line] else { throw GPIOError.badLineAddress(line) }
        try output.set(on)
    }

    public func value(line: String) -> Bool? { lines[line]?.value }

    /// All lines off and released.
    public func close() {
        lines.values.forEach { $0.release() }
        lines = [:]
    }
}
