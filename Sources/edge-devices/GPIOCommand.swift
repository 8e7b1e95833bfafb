import ArgumentParser
import EdgeDevices
import EdgeSystem

struct GPIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio",
        abstract: "Drive a GPIO line (an LED) and hold it until SIGTERM or a timeout; then off and released.")

    @Option(help: "Line name (GPIO17) or chip:offset (gpiochip0:17).") var line: String
    @Option(help: "Logical value 0 or 1.") var set: Int = 1
    @Flag(help: "The LED lights when the pin is low.") var activeLow = false
    @Option(help: "Seconds to hold; default: until SIGTERM/SIGINT.") var holdSeconds: Double?
    @Option(help: "Consumer label shown to other programs.") var consumer = "edge-devices"

    func run() throws {
        guard set == 0 || set == 1 else { throw ValidationError("--set must be 0 or 1") }
        let signals = TerminationSignals()
        let leds = try reportingErrors {
            try GPIOLEDs(leds: [GPIOLEDs.LED(line: line, activeLow: activeLow)], consumer: consumer)
        }
        defer { leds.close() }
        try reportingErrors { try leds.set(line: line, on: set == 1) }
        let info = try? GPIOChips().find(line)
        print("gpio: \(line) (\(info.map { "\($0.chipPath):\($0.offset)" } ?? "?")) = \(set); holding", terminator: "")
        print(holdSeconds.map { " for \($0) s" } ?? " until SIGTERM")
        flushStandardOutput()
        if let signal = signals.wait(seconds: holdSeconds) {
            print("received \(TerminationSignals.name(signal))")
        }
        leds.close()
        print("gpio: \(line) off and released")
    }
}

#if canImport(Glibc)
import Glibc
/// Pushes buffered `print` output out now (stdout is a pipe or file in scripts).
func flushStandardOutput() { fflush(nil) }
#endif
