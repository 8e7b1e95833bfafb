import ArgumentParser
import EdgeDevices
import EdgeSystem

struct SerialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serial", abstract: "Write JSON lines to a serial port in raw mode.")

    @Option(help: "e.g. /dev/ttyS1, /dev/serial0.") var port: String
    @Option var baud = 115200
    @Option(help: "Text carried in each line's \"message\" field.") var message = "hello from edge-devices"
    @Option(help: "Number of lines.") var count = 1

    func run() throws {
        let writer = try reportingErrors {
            try SerialLineWriter(port: port, baud: baud, queueCapacity: max(16, count), log: { printError($0) })
        }
        for index in 0..<count {
            writer.write(line: "{\"message\":\(jsonString(message)),\"index\":\(index)}")
        }
        writer.close()
        print("serial: \(count) lines to \(port) at \(baud) baud, \(writer.dropped) dropped")
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}
