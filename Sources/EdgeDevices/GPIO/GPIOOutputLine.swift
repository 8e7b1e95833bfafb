import CLinuxGPIO
import EdgeSystem

/// One GPIO line requested as an output through GPIO_V2_GET_LINE_IOCTL. Values are logical: with
/// `activeLow` the kernel drives the pin low for 1. Released (the request fd closed) by `release()`,
/// which first sets it to 0 so an LED is never left lit.
public final class GPIOOutputLine {
    public let info: GPIOLineInfo
    public let activeLow: Bool
    private let system: any SystemCalls
    private var requestDescriptor: FileDescriptor?
    public private(set) var value: Bool

    /// Requests the line found at `address` (`GPIO17` or `chip:offset`).
    /// - Throws: `GPIOError.lineBusy` naming the consumer when another program holds it.
    public init(address: String, activeLow: Bool, initialValue: Bool, consumer: String,
                system: any SystemCalls = LinuxSystemCalls(), devicesDirectory: String = "/dev") throws {
        let chips = GPIOChips(system: system, devicesDirectory: devicesDirectory)
        let info = try chips.find(address)
        let displayName = info.name.isEmpty ? address : info.name
        if info.isUsed {
            throw GPIOError.lineBusy(line: displayName, chip: info.chipPath, offset: info.offset, consumer: info.consumer)
        }
        let chip = try chips.open(info.chipPath)
        defer { chip.close() }

        var request = gpio_v2_line_request()
        withUnsafeMutableBytes(of: &request.offsets) { $0.storeBytes(of: UInt32(info.offset), as: UInt32.self) }
        setCString(&request.consumer, consumer)
        request.num_lines = 1
        var flags = UInt64(GPIO_V2_LINE_FLAG_OUTPUT.rawValue)
        if activeLow { flags |= UInt64(GPIO_V2_LINE_FLAG_ACTIVE_LOW.rawValue) }
        request.config.flags = flags
        // One attribute: the initial output value of line 0 of this request.
        request.config.num_attrs = 1
        request.config.attrs.0.attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES.rawValue
        request.config.attrs.0.attr.values = initialValue ? 1 : 0
        request.config.attrs.0.mask = 1
        do {
            try chip.ioctl(GPIORequest.requestLines, &request)
        } catch let error as SystemError where error.errno == .busy {
            let now = try? chips.lineInfo(chip, chipLabel: info.chipLabel, offset: info.offset)
            throw GPIOError.lineBusy(line: displayName, chip: info.chipPath, offset: info.offset,
                                     consumer: now?.consumer ?? "")
        }
        self.info = info
        self.activeLow = activeLow
        self.system = system
        self.value = initialValue
        self.requestDescriptor = FileDescriptor(rawValue: request.fd)
    }

    deinit { release() }

    /// Sets the logical value (true: LED on).
    public func set(_ on: Bool) throws {
        guard let requestDescriptor else { return }
        var values = gpio_v2_line_values(bits: on ? 1 : 0, mask: 1)
        do {
            _ = try withUnsafeMutableBytes(of: &values) {
                try system.ioctl(requestDescriptor, GPIORequest.setValues, $0.baseAddress)
            }
        } catch let error as SystemError {
            throw error.on("\(info.chipPath):\(info.offset)")
        }
        value = on
    }

    /// Off, then released back to the kernel. Safe to call twice.
    public func release() {
        guard let descriptor = requestDescriptor else { return }
        try? set(false)
        requestDescriptor = nil
        try? system.close(descriptor)
    }
}
