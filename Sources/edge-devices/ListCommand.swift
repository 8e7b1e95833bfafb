import ArgumentParser
import EdgeDevices
import EdgeSystem

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list",
                                                    abstract: "List cameras, displays, GPIO chips and lines, serial ports.")

    @Flag(help: "Also list every GPIO line (not only named ones).")
    var allLines = false

    func run() throws {
        let system = LinuxSystemCalls()
        print("cameras:")
        let cameras = CameraDirectory(system: V4L2SystemCalls()).entries()
        if cameras.isEmpty { print("  none (/dev/video* absent)") }
        for camera in cameras { print("  \(camera)") }

        print("displays:")
        let cards = ((try? system.directoryEntries("/dev/dri")) ?? []).filter { $0.hasPrefix("card") }
        if cards.isEmpty { print("  none (/dev/dri/card* absent)") }
        for name in cards {
            let path = "/dev/dri/\(name)"
            do {
                let card = try LibDRMCard(path: path, system: system)
                defer { card.close() }
                let connectors = try card.connectors()
                print("  \(path) (\(card.driverName))")
                for connector in connectors { print("    \(connector)") }
            } catch {
                print("  \(path): \(error)")
            }
        }

        print("gpio:")
        let chips = GPIOChips(system: system).allLines()
        if chips.isEmpty { print("  none (/dev/gpiochip* absent)") }
        for (chip, lines) in chips {
            print("  \(chip)")
            for line in lines where allLines || !line.name.isEmpty || line.isUsed { print("    \(line)") }
        }

        print("serial:")
        let devices = (try? system.directoryEntries("/dev")) ?? []
        let serial = devices.filter {
            $0.hasPrefix("ttyAMA") || $0.hasPrefix("ttyUSB") || $0.hasPrefix("ttyACM") || $0.hasPrefix("serial")
                || ["ttyS0", "ttyS1", "ttyS2", "ttyS3"].contains($0)
        }
        if serial.isEmpty { print("  none") }
        for name in serial {
            let path = "/dev/\(name)"
            let target = (try? system.readLink(path)).map { " -> \($0)" } ?? ""
            print("  \(path)\(target)")
        }
    }
}
