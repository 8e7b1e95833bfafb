import EdgeBoardConfig

// Device settings from a validated board config, so the application passes a config section straight on.

extension CameraSettings {
    public init(_ config: CameraConfig) {
        let source: Source = switch config.source {
        case .path(let path): .path(path)
        case .card(let card): .card(card)
        }
        let format: PixelFormat = switch config.format {
        case .grey: .grey
        case .yuyv: .yuyv
        case .mjpeg: .mjpeg
        }
        self.init(source: source, format: format, width: config.width, height: config.height,
                  framesPerSecond: config.framesPerSecond, bufferCount: config.buffers)
    }
}

extension DisplaySettings {
    public init(_ config: DisplayConfig) {
        self.init(card: config.card, connector: config.connector, width: config.mode?.width,
                  height: config.mode?.height, refreshHz: config.mode?.refreshHz)
    }
}

extension GPIOLEDs.LED {
    /// One LED per distinct line of the reactions, in emotion order (FER2013).
    public static func leds(for reactions: ReactionsConfig) -> [GPIOLEDs.LED] {
        var seen: Set<String> = []
        return BoardConfig.emotionLabels.compactMap { label in
            guard let led = reactions.leds[label], seen.insert(led.line.description).inserted else { return nil }
            return GPIOLEDs.LED(line: led.line.description, activeLow: led.activeLow)
        }
    }
}
