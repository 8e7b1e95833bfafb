import Testing
@testable import EdgeDevices
@testable import EdgeSystem
#if canImport(Glibc)
import Glibc
#endif

/// A serial port recording what is written.
final class FakeSerialPort: FakeDevice, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var bytes: [UInt8] = []
    override init() {
        super.init()
        pthread_mutex_init(&mutex, nil)
    }
    override func write(_ buffer: UnsafeRawBufferPointer) throws -> Int {
        pthread_mutex_lock(&mutex)
        bytes += buffer
        pthread_mutex_unlock(&mutex)
        return buffer.count
    }
    var text: String {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite struct SerialTests {
    @Test func fullQueueDropsTheOldestAndCounts() {
        let queue = BoundedLineQueue(capacity: 3)
        for index in 1...5 { queue.push("line \(index)") }
        #expect(queue.dropped == 2)
        #expect(queue.pending == 3)
        queue.close()
        var lines: [String] = []
        while let line = queue.pop() { lines.append(line) }
        #expect(lines == ["line 3", "line 4", "line 5"])
        queue.push("after close")
        #expect(queue.pending == 0)
    }

    @Test func writerSetsRawModeAndDeliversLines() throws {
        let system = FakeSystem()
        let port = FakeSerialPort()
        system.devices["/dev/ttyS1"] = port
        let writer = try SerialLineWriter(port: "/dev/ttyS1", baud: 115200, queueCapacity: 64, system: system)
        for index in 0..<10 { writer.write(line: "{\"index\":\(index)}") }
        writer.close()
        let lines = port.text.split(separator: "\n")
        #expect(lines.count == 10)
        #expect(lines.first == "{\"index\":0}")
        #expect(lines.last == "{\"index\":9}")
        #expect(writer.dropped == 0)
        let attributes = try #require(system.terminal.values.first)
        #expect(attributes.outputSpeed == speed_t(B115200))
        #expect(system.closedPaths == ["/dev/ttyS1"])
    }

    @Test func unsupportedBaudAndMissingPortNameThePort() {
        let system = FakeSystem()
        system.devices["/dev/ttyS1"] = FakeSerialPort()
        #expect {
            _ = try SerialLineWriter(port: "/dev/ttyS1", baud: 12345, system: system)
        } throws: { error in
            "\(error)".hasPrefix("/dev/ttyS1: set baud 12345") && "\(error)".contains("115200")
        }
        #expect {
            _ = try SerialLineWriter(port: "/dev/ttyAMA0", baud: 115200, system: system)
        } throws: { error in
            "\(error)".hasPrefix("/dev/ttyAMA0: open") && "\(error)".contains("ENOENT")
        }
    }
}
