import ArgumentParser
import EdgeSystem

/// Diagnostics for the board's devices: what is present, and a short, checked run of each.
@main
struct EdgeDevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-devices",
        abstract: "List and try the board's camera, display, GPIO LEDs and serial port.",
        subcommands: [ListCommand.self, CameraCommand.self, DisplayCommand.self, GPIOCommand.self, SerialCommand.self])
}

/// Prints to standard error.
func printError(_ text: String) {
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        try? LinuxSystemCalls().writeAll(FileDescriptor(rawValue: 2), Array(string.utf8))
    }
}

/// Collects pass/fail lines and ends the command with a failure exit code if any check failed.
struct CheckList {
    private(set) var failures = 0

    mutating func check(_ condition: Bool, _ description: String) {
        print(condition ? "check ok: \(description)" : "check FAILED: \(description)")
        if !condition { failures += 1 }
    }

    func finish() throws {
        if failures > 0 { throw ExitCode.failure }
    }
}

/// Runs `body`, turning device errors into one message on standard error and exit code 1.
func reportingErrors<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("edge-devices: \(error)")
        throw ExitCode.failure
    }
}
