#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension BoardConfig {
    /// Serial baud rates accepted in configs (what termios on Linux can set).
    public static let allowedBaudRates = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 921600,
                                          1000000, 1500000, 2000000, 3000000]

    /// Loads and validates a config file.
    /// - Throws: `BoardConfigError` naming the file, the key and what is allowed.
    public static func load(path: String) throws -> BoardConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BoardConfigError(file: path, key: "", message: "cannot read the file (\(error))")
        }
        return try parse(data, file: path)
    }

    /// Parses and validates config JSON; `file` is only used in error messages.
    public static func parse(_ data: Data, file: String) throws -> BoardConfig {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw BoardConfigError(file: file, key: "", message: "not valid JSON (\(Self.describe(error)))")
        }
        let reader = try ConfigObjectReader(file: file, path: "", value: root)
        let config = BoardConfig(
            board: try reader.string("board"),
            camera: try readCamera(reader),
            display: try readDisplay(reader),
            reactions: try readReactions(reader),
            serial: try readSerial(reader),
            threads: try reader.integer("threads", range: 1...16, default: 1),
            detector: try readDetector(reader),
            model: try readModel(reader),
            mqtt: try readMQTT(reader),
            metrics: try readMetrics(reader))
        try reader.finish()
        return config
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = context.underlyingError.map { " \($0)" } ?? ""
            return context.debugDescription + underlying
        }
        return "\(error)"
    }

    private static func required(_ reader: ConfigObjectReader, _ key: String) throws -> ConfigObjectReader {
        guard let object = try reader.object(key) else { throw reader.error(key, "missing; an object is required") }
        return object
    }

    private static func readCamera(_ root: ConfigObjectReader) throws -> CameraConfig {
        let reader = try required(root, "camera")
        let source: CameraConfig.Source
        switch (try reader.optionalString("device"), try reader.optionalString("card")) {
        case (let device?, nil):
            guard device.hasPrefix("/") else { throw reader.error("device", "'\(device)' must be an absolute path like /dev/video0") }
            source = .path(device)
        case (nil, let card?): source = .card(card)
        case (.some, .some): throw reader.error("card", "give either device or card, not both")
        case (nil, nil): throw reader.error("device", "missing; give device (/dev/video0) or card (a V4L2 card name)")
        }
        let format = try reader.choice("format", allowed: CameraConfig.PixelFormat.allCases.map(\.rawValue))
        let config = CameraConfig(
            source: source, format: CameraConfig.PixelFormat(rawValue: format)!,
            width: try reader.integer("width", range: 16...4096),
            height: try reader.integer("height", range: 16...4096),
            framesPerSecond: try reader.integer("fps", range: 1...120),
            buffers: try reader.integer("buffers", range: 3...16, default: 4))
        try reader.finish()
        return config
    }

    private static func readDisplay(_ root: ConfigObjectReader) throws -> DisplayConfig {
        guard let reader = try root.object("display") else { return DisplayConfig(enabled: false) }
        var mode: DisplayMode?
        if let text = try reader.optionalString("mode") {
            guard let parsed = DisplayMode(parsing: text) else {
                throw reader.error("mode", "'\(text)' is not a mode; write WIDTHxHEIGHT or WIDTHxHEIGHT@HZ, e.g. 1280x720@60")
            }
            mode = parsed
        }
        let config = DisplayConfig(enabled: try reader.bool("enabled", default: true),
                                   card: try reader.optionalString("card"),
                                   connector: try reader.optionalString("connector"), mode: mode)
        try reader.finish()
        return config
    }

    private static func readReactions(_ root: ConfigObjectReader) throws -> ReactionsConfig {
        guard let reader = try root.object("reactions") else { return ReactionsConfig() }
        var leds: [String: LEDConfig] = [:]
        if let ledsReader = try reader.object("leds") {
            for key in ledsReader.keys {
                guard BoardConfig.emotionLabels.contains(key) else {
                    throw ledsReader.error(key, "not an emotion; allowed: \(BoardConfig.emotionLabels.joined(separator: ", "))")
                }
                guard let entry = try ledsReader.object(key) else { continue }
                leds[key] = try readLED(entry)
            }
            try ledsReader.finish()
        }
        var hook: HookConfig?
        if let hookReader = try reader.object("hook") {
            hook = HookConfig(command: try hookReader.string("command"),
                              minimumIntervalSeconds: try hookReader.number("minimumIntervalSeconds", range: 0...3600, default: 5))
            try hookReader.finish()
        }
        let config = ReactionsConfig(
            leds: leds,
            holdSeconds: try reader.number("holdSeconds", range: 0...600, default: 1.5),
            cooldownSeconds: try reader.number("cooldownSeconds", range: 0...600, default: 3),
            hook: hook)
        try reader.finish()
        return config
    }

    private static func readLED(_ reader: ConfigObjectReader) throws -> LEDConfig {
        let lineText = try reader.string("line")
        guard let line = GPIOLineSelector(parsing: lineText) else {
            throw reader.error("line", "'\(lineText)' is not a line; write a line name (GPIO17) or chip:offset (gpiochip0:17)")
        }
        let patternName = try reader.choice("pattern", allowed: ["on", "blink", "pulse"], default: "on")
        let pattern: LEDConfig.Pattern
        switch patternName {
        case "blink":
            pattern = .blink(hertz: try reader.number("hertz", range: 0.1...25, default: 2))
        case "pulse":
            let period = try reader.number("periodSeconds", range: 0.05...60, default: 1)
            let width = try reader.number("widthSeconds", range: 0.01...60, default: 0.1)
            guard width < period else {
                throw reader.error("widthSeconds", "\(width) must be shorter than periodSeconds (\(period))")
            }
            pattern = .pulse(periodSeconds: period, widthSeconds: width)
        default:
            pattern = .on
        }
        for (key, owner) in [("hertz", "blink"), ("periodSeconds", "pulse"), ("widthSeconds", "pulse")]
        where owner != patternName && reader.has(key) {
            throw reader.error(key, "only allowed with \"pattern\": \"\(owner)\"")
        }
        let config = LEDConfig(line: line, activeLow: try reader.bool("activeLow", default: false), pattern: pattern)
        try reader.finish()
        return config
    }

    private static func readSerial(_ root: ConfigObjectReader) throws -> SerialConfig {
        guard let reader = try root.object("serial") else { return SerialConfig(enabled: false, port: "", baud: 115200) }
        let enabled = try reader.bool("enabled", default: true)
        let port = enabled ? try reader.string("port") : try reader.string("port", default: "")
        let baud = try reader.integer("baud", range: 1...4_000_000, default: 115200)
        guard allowedBaudRates.contains(baud) else {
            throw reader.error("baud", "\(baud) is not allowed; allowed: \(allowedBaudRates.map(String.init).joined(separator: ", "))")
        }
        let config = SerialConfig(enabled: enabled, port: port, baud: baud,
                                  queueCapacity: try reader.integer("queueCapacity", range: 1...65536, default: 256))
        try reader.finish()
        return config
    }

    private static func readDetector(_ root: ConfigObjectReader) throws -> DetectorConfig {
        let reader = try required(root, "detector")
        let config = DetectorConfig(
            cascade: try cascadePath(reader),
            minimumFaceSize: try reader.integer("minimumFaceSize", range: 20...2048, default: 48),
            scaleFactor: try reader.number("scaleFactor", range: 1.01...2, default: 1.2),
            minimumNeighbors: try reader.integer("minimumNeighbors", range: 0...32, default: 4),
            fullScanSeconds: try reader.number("fullScanSeconds", range: 0...60, default: DetectorConfig.defaultFullScanSeconds),
            trackMargin: try reader.number("trackMargin", range: 0.1...2, default: DetectorConfig.defaultTrackMargin))
        try reader.finish()
        return config
    }

    /// `detector.cascade`: a shipped cascade's name (DetectorConfig.namedCascades) or a cascade file path
    /// (`.edgecascade`, Haar or LBP, or OpenCV `.xml`).
    private static func cascadePath(_ reader: ConfigObjectReader) throws -> String {
        let value = try reader.string("cascade")
        if let path = DetectorConfig.namedCascades[value.lowercased()] { return path }
        let lowered = value.lowercased()
        guard lowered.hasSuffix(".edgecascade") || lowered.hasSuffix(".xml") else {
            throw reader.error("cascade", "'\(value)' is neither a cascade name (\(DetectorConfig.namedCascades.keys.sorted().joined(separator: ", "))) nor a .edgecascade or .xml file")
        }
        return value
    }

    private static func readModel(_ root: ConfigObjectReader) throws -> ModelConfig {
        let reader = try required(root, "model")
        let config = ModelConfig(path: try reader.string("path"),
                                 threads: try reader.integer("threads", range: 1...16, default: ModelConfig.defaultThreads),
                                 augment: try reader.choice("augment", allowed: ModelConfig.augmentChoices,
                                                            default: ModelConfig.defaultAugment))
        try reader.finish()
        return config
    }
}
