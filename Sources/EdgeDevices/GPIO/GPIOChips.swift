import CLinuxGPIO
import EdgeSystem

/// Reads chips and lines from /dev/gpiochip* through the v2 uAPI.
public struct GPIOChips {
    let system: any SystemCalls
    let devicesDirectory: String

    public init(system: any SystemCalls = LinuxSystemCalls(), devicesDirectory: String = "/dev") {
        self.system = system
        self.devicesDirectory = devicesDirectory
    }

    /// Paths of the GPIO chips, by number.
    public func chipPaths() -> [String] {
        let names = (try? system.directoryEntries(devicesDirectory)) ?? []
        return names.filter { $0.hasPrefix("gpiochip") && Int($0.dropFirst(8)) != nil }
            .sorted { Int($0.dropFirst(8))! < Int($1.dropFirst(8))! }
            .map { "\(devicesDirectory)/\($0)" }
    }

    func open(_ path: String) throws -> DeviceFile {
        try DeviceHolders(system: system).open(path, flags: [.readWrite])
    }

    public func chipInfo(_ file: DeviceFile) throws -> GPIOChipInfo {
        var info = gpiochip_info()
        try file.ioctl(GPIORequest.chipInfo, &info)
        return GPIOChipInfo(path: file.path, name: cString(info.name), label: cString(info.label), lineCount: Int(info.lines))
    }

    public func lineInfo(_ file: DeviceFile, chipLabel: String, offset: Int) throws -> GPIOLineInfo {
        var info = gpio_v2_line_info()
        info.offset = UInt32(offset)
        try file.ioctl(GPIORequest.lineInfo, &info)
        let flags = info.flags
        return GPIOLineInfo(chipPath: file.path, chipLabel: chipLabel, offset: offset, name: cString(info.name),
                            consumer: cString(info.consumer),
                            isUsed: flags & UInt64(GPIO_V2_LINE_FLAG_USED.rawValue) != 0,
                            isOutput: flags & UInt64(GPIO_V2_LINE_FLAG_OUTPUT.rawValue) != 0,
                            isActiveLow: flags & UInt64(GPIO_V2_LINE_FLAG_ACTIVE_LOW.rawValue) != 0)
    }

    /// Every chip with every line (for `edge-devices list`).
    public func allLines() -> [(chip: GPIOChipInfo, lines: [GPIOLineInfo])] {
        chipPaths().compactMap { path in
            guard let file = try? open(path), let chip = try? chipInfo(file) else { return nil }
            defer { file.close() }
            let lines = (0..<chip.lineCount).compactMap { try? lineInfo(file, chipLabel: chip.label, offset: $0) }
            return (chip, lines)
        }
    }

    /// Finds a line by name (`GPIO17`, searched on every chip in order) or by `chip:offset`, where chip is
    /// `gpiochipN`, `/dev/gpiochipN` or the chip's label (`pinctrl-rp1`, stable across Pi 5 kernels).
    public func find(_ address: String) throws -> GPIOLineInfo {
        let paths = chipPaths()
        if let colon = address.lastIndex(of: ":") {
            let chip = String(address[..<colon])
            guard let offset = Int(address[address.index(after: colon)...]), offset >= 0 else {
                throw GPIOError.badLineAddress(address)
            }
            for path in paths {
                guard let file = try? open(path), let info = try? chipInfo(file) else { continue }
                defer { file.close() }
                guard path == chip || info.name == chip || info.label == chip else { continue }
                guard offset < info.lineCount else {
                    throw GPIOError.offsetOutOfRange(chip: info.name, offset: offset, lineCount: info.lineCount)
                }
                return try lineInfo(file, chipLabel: info.label, offset: offset)
            }
            throw GPIOError.chipNotFound(chip, chips: paths)
        }
        guard !address.isEmpty else { throw GPIOError.badLineAddress(address) }
        for path in paths {
            guard let file = try? open(path), let chip = try? chipInfo(file) else { continue }
            defer { file.close() }
            for offset in 0..<chip.lineCount {
                let line = try lineInfo(file, chipLabel: chip.label, offset: offset)
                if line.name == address { return line }
            }
        }
        throw GPIOError.lineNotFound(address, chips: paths)
    }
}
