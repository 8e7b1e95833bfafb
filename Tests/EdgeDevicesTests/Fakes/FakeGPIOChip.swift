import CLinuxGPIO
import EdgeSystem
@testable import EdgeDevices

/// A GPIO chip answering the v2 uAPI: named lines, some possibly held by another consumer.
final class FakeGPIOChip: FakeDevice {
    struct Line {
        var name: String
        var consumer = ""
        var used = false
        var activeLow = false
        var value = false
    }

    let name: String
    let label: String
    var lines: [Line]
    /// Offsets whose GPIO_V2_GET_LINE_IOCTL fails with EBUSY, after which the line shows this consumer
    /// (the line was taken between the info query and the request).
    var raceConsumers: [Int: String] = [:]
    /// Values written through line requests, per offset.
    private(set) var writes: [Int: [Bool]] = [:]

    init(name: String, label: String, lineNames: [String]) {
        self.name = name
        self.label = label
        self.lines = lineNames.map { Line(name: $0) }
    }

    override func ioctl(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, system: FakeSystem) throws -> Int32 {
        switch request {
        case GPIORequest.chipInfo:
            let info = argument!.assumingMemoryBound(to: gpiochip_info.self)
            setCString(&info.pointee.name, name)
            setCString(&info.pointee.label, label)
            info.pointee.lines = UInt32(lines.count)
        case GPIORequest.lineInfo:
            let info = argument!.assumingMemoryBound(to: gpio_v2_line_info.self)
            let line = lines[Int(info.pointee.offset)]
            setCString(&info.pointee.name, line.name)
            setCString(&info.pointee.consumer, line.consumer)
            var flags: UInt64 = 0
            if line.used { flags |= UInt64(GPIO_V2_LINE_FLAG_USED.rawValue) | UInt64(GPIO_V2_LINE_FLAG_OUTPUT.rawValue) }
            if line.activeLow { flags |= UInt64(GPIO_V2_LINE_FLAG_ACTIVE_LOW.rawValue) }
            info.pointee.flags = flags
        case GPIORequest.requestLines:
            let lineRequest = argument!.assumingMemoryBound(to: gpio_v2_line_request.self)
            let offset = Int(withUnsafeBytes(of: lineRequest.pointee.offsets) { $0.load(as: UInt32.self) })
            if let raceConsumer = raceConsumers[offset] {
                lines[offset].used = true
                lines[offset].consumer = raceConsumer
                throw SystemError(.busy, operation: request.name)
            }
            guard !lines[offset].used else { throw SystemError(.busy, operation: request.name) }
            lines[offset].used = true
            lines[offset].consumer = cString(lineRequest.pointee.consumer)
            lines[offset].activeLow = lineRequest.pointee.config.flags & UInt64(GPIO_V2_LINE_FLAG_ACTIVE_LOW.rawValue) != 0
            lines[offset].value = lineRequest.pointee.config.attrs.0.attr.values & 1 != 0
            let handle = FakeLineRequest(chip: self, offset: offset)
            lineRequest.pointee.fd = system.addAnonymousDescriptor(for: handle, name: "\(name)-line\(offset)")
        default:
            throw SystemError(.notATerminal, operation: request.name)
        }
        return 0
    }

    func record(offset: Int, value: Bool) {
        lines[offset].value = value
        writes[offset, default: []].append(value)
    }

    /// The physical pin level (logical value inverted for active-low).
    func level(_ offset: Int) -> Bool { lines[offset].value != lines[offset].activeLow }
}

/// The file descriptor a line request returns.
final class FakeLineRequest: FakeDevice {
    let chip: FakeGPIOChip
    let offset: Int
    init(chip: FakeGPIOChip, offset: Int) {
        self.chip = chip
        self.offset = offset
    }

    override func ioctl(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, system: FakeSystem) throws -> Int32 {
        guard request == GPIORequest.setValues else { throw SystemError(.notATerminal, operation: request.name) }
        let values = argument!.assumingMemoryBound(to: gpio_v2_line_values.self).pointee
        if values.mask & 1 != 0 { chip.record(offset: offset, value: values.bits & 1 != 0) }
        return 0
    }

    override func closed() {
        chip.lines[offset].used = false
        chip.lines[offset].consumer = ""
    }
}
