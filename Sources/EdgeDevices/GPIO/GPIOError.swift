public enum GPIOError: Error, Equatable, CustomStringConvertible {
    case lineNotFound(String, chips: [String])
    case chipNotFound(String, chips: [String])
    case offsetOutOfRange(chip: String, offset: Int, lineCount: Int)
    case lineBusy(line: String, chip: String, offset: Int, consumer: String)
    case badLineAddress(String)

    public var description: String {
        switch self {
        case let .lineNotFound(name, chips):
            let list = chips.isEmpty ? "no /dev/gpiochip* present" : "searched " + chips.joined(separator: ", ")
            return "GPIO line \"\(name)\" not found (\(list)); `edge-devices list` shows the line names"
        case let .chipNotFound(chip, chips):
            return "GPIO chip \"\(chip)\" not found (present: \(chips.isEmpty ? "none" : chips.joined(separator: ", ")))"
        case let .offsetOutOfRange(chip, offset, count):
            return "\(chip) has \(count) lines; offset \(offset) does not exist"
        case let .lineBusy(line, chip, offset, consumer):
            let holder = consumer.isEmpty ? "another consumer" : "\"\(consumer)\""
            return "GPIO line \(line) (\(chip):\(offset)) is busy: held by \(holder); stop that program or free the pin (e.g. a device-tree overlay)"
        case let .badLineAddress(text):
            return "\"\(text)\" is not a GPIO line; write a line name (GPIO17) or chip:offset (gpiochip0:17)"
        }
    }
}
