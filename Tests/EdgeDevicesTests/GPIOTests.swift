import Testing
@testable import EdgeDevices
@testable import EdgeSystem

@Suite struct GPIOTests {
    /// Two chips as on a Pi 5 with an older kernel: the header pins are on the second chip.
    private func makeSystem() -> (FakeSystem, FakeGPIOChip) {
        let system = FakeSystem()
        let first = FakeGPIOChip(name: "gpiochip0", label: "gpio-brcmstb@107d508500", lineNames: ["", "", "PWR_GPIO"])
        let header = FakeGPIOChip(name: "gpiochip4", label: "pinctrl-rp1",
                                  lineNames: (0..<28).map { "GPIO\($0)" })
        system.devices["/dev/gpiochip0"] = first
        system.devices["/dev/gpiochip4"] = header
        system.directories["/dev"] = ["gpiochip4", "gpiochip0", "video0"]
        return (system, header)
    }

    @Test func findsLinesByNameAndByChipOffsetOrLabel() throws {
        let (system, _) = makeSystem()
        let chips = GPIOChips(system: system)
        #expect(chips.chipPaths() == ["/dev/gpiochip0", "/dev/gpiochip4"])
        let byName = try chips.find("GPIO17")
        #expect(byName.chipPath == "/dev/gpiochip4")
        #expect(byName.offset == 17)
        #expect(try chips.find("gpiochip4:27").name == "GPIO27")
        #expect(try chips.find("pinctrl-rp1:22").name == "GPIO22")
        #expect(throws: GPIOError.self) { try chips.find("GPIO99") }
        #expect(throws: GPIOError.offsetOutOfRange(chip: "gpiochip4", offset: 40, lineCount: 28)) {
            try chips.find("gpiochip4:40")
        }
    }

    @Test func ledsSetValuesHonourActiveLowAndReleaseOff() throws {
        let (system, chip) = makeSystem()
        let leds = try GPIOLEDs(leds: [.init(line: "GPIO17", activeLow: false), .init(line: "GPIO27", activeLow: true)],
                                consumer: "edge-run", system: system)
        #expect(leds.lineNames == ["GPIO17", "GPIO27"])
        #expect(chip.lines[17].consumer == "edge-run")
        #expect(chip.lines[27].activeLow)
        // Requested off: logical 0, so the active-low pin idles high.
        #expect(!chip.level(17))
        #expect(chip.level(27))
        try leds.set(line: "GPIO17", on: true)
        try leds.set(line: "GPIO27", on: true)
        #expect(chip.level(17))
        #expect(!chip.level(27))
        leds.close()
        #expect(chip.writes[17]?.last == false)
        #expect(chip.writes[27]?.last == false)
        #expect(system.closedPaths.contains("gpiochip4-line17"))
        #expect(system.closedPaths.contains("gpiochip4-line27"))
    }

    @Test func busyLineNamesTheConsumer() throws {
        let (system, chip) = makeSystem()
        chip.lines[17].used = true
        chip.lines[17].consumer = "pigpiod"
        #expect(throws: GPIOError.lineBusy(line: "GPIO17", chip: "/dev/gpiochip4", offset: 17, consumer: "pigpiod")) {
            _ = try GPIOLEDs(leds: [.init(line: "GPIO17", activeLow: false)], consumer: "edge-run", system: system)
        }
        let message = GPIOError.lineBusy(line: "GPIO17", chip: "/dev/gpiochip4", offset: 17, consumer: "pigpiod").description
        #expect(message.contains("held by \"pigpiod\""))
    }

    @Test func lineTakenDuringTheRequestNamesTheConsumerAndReleasesOthers() throws {
        let (system, chip) = makeSystem()
        let leds = [GPIOLEDs.LED(line: "GPIO22", activeLow: false), GPIOLEDs.LED(line: "GPIO23", activeLow: false)]
        // GPIO22 is requested fine; GPIO23 gets taken by "led-daemon" just before our request.
        chip.raceConsumers[23] = "led-daemon"
        #expect {
            _ = try GPIOLEDs(leds: leds, consumer: "edge-run", system: system)
        } throws: { error in
            "\(error)".contains("GPIO23") && "\(error)".contains("\"led-daemon\"")
        }
        // All or nothing: GPIO22, already taken, was switched off and given back.
        #expect(chip.writes[22]?.last == false)
        #expect(!chip.lines[22].used)
        #expect(system.closedPaths.contains("gpiochip4-line22"))
    }
}
