/// Everything board-specific the application needs: camera, display, LED reactions, serial log, threads,
/// detector and model. Loaded from a JSON file in board-configs/ (schema: README.md, "Board configs").
public struct BoardConfig: Sendable, Equatable {
    /// Human-readable board name, e.g. "Raspberry Pi 4 Model B".
    public var board: String
    public var camera: CameraConfig
    public var display: DisplayConfig
    /// LED reactions to the main face's emotion.
    public var reactions: ReactionsConfig
    public var serial: SerialConfig
    /// Worker threads for inference (1 = run on the capture thread).
    public var threads: Int
    public var detector: DetectorConfig
    public var model: ModelConfig
    /// Events, state and Home Assistant discovery over MQTT; nil: no MQTT.
    public var mqtt: MQTTConfig?
    /// Prometheus textfile metrics; nil: none.
    public var metrics: MetricsConfig?

    public init(board: String, camera: CameraConfig, display: DisplayConfig, reactions: ReactionsConfig,
                serial: SerialConfig, threads: Int, detector: DetectorConfig, model: ModelConfig,
                mqtt: MQTTConfig? = nil, metrics: MetricsConfig? = nil) {
        self.board = board
        self.camera = camera
        self.display = display
        self.reactions = reactions
        self.serial = serial
        self.threads = threads
        self.detector = detector
        self.model = model
        self.mqtt = mqtt
        self.metrics = metrics
    }
}

extension BoardConfig {
    /// The seven FER2013 class labels in the model's output order; the keys allowed in `reactions.leds`.
    public static let emotionLabels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
}

public struct CameraConfig: Sendable, Equatable {
    /// How to find the camera.
    public enum Source: Sendable, Equatable {
        /// A device node, e.g. `/dev/video0`.
        case path(String)
        /// The V4L2 card name (`v4l2-ctl --list-devices`), matched as a case-insensitive substring.
        case card(String)
    }

    /// Pixel formats the camera may deliver. GREY and YUYV are used as they come; MJPEG is decoded by
    /// libv4l's conversion layer.
    public enum PixelFormat: String, CaseIterable, Sendable {
        case grey = "GREY", yuyv = "YUYV", mjpeg = "MJPEG"
    }

    public var source: Source
    public var format: PixelFormat
    public var width: Int
    public var height: Int
    public var framesPerSecond: Int
    /// Number of mmap buffers queued to the driver (at least 3: one filling, one ready, one being read).
    public var buffers: Int

    public init(source: Source, format: PixelFormat, width: Int, height: Int, framesPerSecond: Int, buffers: Int = 4) {
        self.source = source
        self.format = format
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.buffers = buffers
    }
}

public struct DisplayConfig: Sendable, Equatable {
    public var enabled: Bool
    /// `/dev/dri/cardN`, or a DRM driver name (`vc4`, `bochs`, `i915`); nil: the first card with a
    /// connected connector.
    public var card: String?
    /// Connector name such as `HDMI-A-1`; nil: the first connected one.
    public var connector: String?
    /// Mode such as `1280x720` or `1280x720@60`; nil: the connector's preferred mode.
    public var mode: DisplayMode?

    public init(enabled: Bool, card: String? = nil, connector: String? = nil, mode: DisplayMode? = nil) {
        self.enabled = enabled
        self.card = card
        self.connector = connector
        self.mode = mode
    }
}

public struct DisplayMode: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var refreshHz: Int?

    public init(width: Int, height: Int, refreshHz: Int? = nil) {
        self.width = width
        self.height = height
        self.refreshHz = refreshHz
    }

    /// Parses `1280x720` or `1280x720@60`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let size = parts[0].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]),
              (1...16384).contains(width), (1...16384).contains(height) else { return nil }
        var refresh: Int?
        if parts.count == 2 {
            guard let hz = Int(parts[1]), (1...500).contains(hz) else { return nil }
            refresh = hz
        }
        self.init(width: width, height: height, refreshHz: refresh)
    }

    public var description: String { refreshHz.map { "\(width)x\(height)@\($0)" } ?? "\(width)x\(height)" }
}

/// Which GPIO line an LED is on.
public enum GPIOLineSelector: Sendable, Hashable, CustomStringConvertible {
    /// A line name as the device tree gives it (`GPIO17` on a Pi); searched on every /dev/gpiochip*.
    case name(String)
    /// A chip (`gpiochip0`, `/dev/gpiochip4` or its label `pinctrl-rp1`) and line offset on it.
    case chipOffset(chip: String, offset: Int)

    /// Parses `GPIO17` (a name) or `gpiochip0:17` (chip and offset).
    public init?(parsing text: String) {
        if let colon = text.lastIndex(of: ":") {
            let chip = String(text[..<colon])
            guard !chip.isEmpty, let offset = Int(text[text.index(after: colon)...]), (0...1023).contains(offset) else {
                return nil
            }
            self = .chipOffset(chip: chip, offset: offset)
        } else {
            guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { return nil }
            self = .name(text)
        }
    }

    public var description: String {
        switch self {
        case .name(let name): name
        case .chipOffset(let chip, let offset): "\(chip):\(offset)"
        }
    }
}

/// LED reactions: which line shows which emotion and how, and the timing shared by all of them.
public struct ReactionsConfig: Sendable, Equatable {
    /// Emotion label (one of `BoardConfig.emotionLabels`) to its LED.
    public var leds: [String: LEDConfig]
    /// A reaction, once started, stays at least this long.
    public var holdSeconds: Double
    /// After a reaction ends, the same emotion does not start it again for this long.
    public var cooldownSeconds: Double
    public var hook: HookConfig?

    public init(leds: [String: LEDConfig] = [:], holdSeconds: Double = 1.5, cooldownSeconds: Double = 3,
                hook: HookConfig? = nil) {
        self.leds = leds
        self.holdSeconds = holdSeconds
        self.cooldownSeconds = cooldownSeconds
        self.hook = hook
    }
}

/// One emotion's LED.
public struct LEDConfig: Sendable, Equatable {
    public enum Pattern: Sendable, Equatable {
        /// Steadily on.
        case on
        /// Square wave, 50 % duty, `hertz` full cycles per second (at most 25: the reaction ticker runs at 50 Hz).
        case blink(hertz: Double)
        /// A flash of `widthSeconds` at the start of every `periodSeconds`.
        case pulse(periodSeconds: Double, widthSeconds: Double)
    }

    public var line: GPIOLineSelector
    /// The LED lights when the line is driven low (LED wired from 3V3 to the pin).
    public var activeLow: Bool
    public var pattern: Pattern

    public init(line: GPIOLineSelector, activeLow: Bool = false, pattern: Pattern = .on) {
        self.line = line
        self.activeLow = activeLow
        self.pattern = pattern
    }
}

/// A command run (with `/bin/sh -c`) when the announced emotion changes.
public struct HookConfig: Sendable, Equatable {
    public var command: String
    public var minimumIntervalSeconds: Double

    public init(command: String, minimumIntervalSeconds: Double) {
        self.command = command
        self.minimumIntervalSeconds = minimumIntervalSeconds
    }
}

public struct SerialConfig: Sendable, Equatable {
    public var enabled: Bool
    /// e.g. `/dev/serial0` (Pi), `/dev/ttyS1` (lab), `/dev/ttyUSB0`.
    public var port: String
    public var baud: Int
    /// JSON lines waiting for the writer; when full the oldest is dropped (and counted).
    public var queueCapacity: Int

    public init(enabled: Bool, port: String, baud: Int, queueCapacity: Int = 256) {
        self.enabled = enabled
        self.port = port
        self.baud = baud
        self.queueCapacity = queueCapacity
    }
}

public struct DetectorConfig: Sendable, Equatable {
    /// The cascade file: `.edgecascade` (Haar or LBP) or OpenCV XML; the config may also give a name of
    /// `namedCascades`, stored here as its path.
    public var cascade: String
    /// The shipped cascades by name (paths relative to the project root).
    public static let namedCascades = [
        "haar": "models/face_frontal.edgecascade",
        "lbp": "models/face_frontal_lbp.edgecascade",
        "lbp-improved": "models/face_frontal_lbp_improved.edgecascade",
    ]
    /// Smallest face searched, in pixels of the camera frame.
    public var minimumFaceSize: Int
    /// Window growth per scale step (e.g. 1.2).
    public var scaleFactor: Double
    /// Overlapping detections needed to accept a face.
    public var minimumNeighbors: Int
    /// Tracking-driven scanning: while faces are tracked only the regions around them are scanned, and a full-frame
    /// scan runs (on its own worker) at least this often, when a track is lost and while no face is tracked.
    /// 0: a full scan on every frame (no tracking-driven scanning).
    public var fullScanSeconds: Double
    /// A tracked face of width w is searched, at the level of window size s, in the square centred on it with
    /// half-side s + trackMargin * w: room for the face's motion between frames.
    public var trackMargin: Double

    public static let defaultFullScanSeconds = 0.5
    public static let defaultTrackMargin = 0.15

    public init(cascade: String, minimumFaceSize: Int = 48, scaleFactor: Double = 1.2, minimumNeighbors: Int = 4,
                fullScanSeconds: Double = DetectorConfig.defaultFullScanSeconds,
                trackMargin: Double = DetectorConfig.defaultTrackMargin) {
        self.cascade = cascade
        self.minimumFaceSize = minimumFaceSize
        self.scaleFactor = scaleFactor
        self.minimumNeighbors = minimumNeighbors
        self.fullScanSeconds = fullScanSeconds
        self.trackMargin = trackMargin
    }
}

public struct ModelConfig: Sendable, Equatable {
    /// The int8 emotion model file (from edge-quantize).
    public var path: String
    /// Intra-op threads of one CNN inference (the classifier's own thread included).
    public var threads: Int
    /// One: in edge-run the detector already keeps `threads - 1` cores busy while the model runs,
    /// so extra model workers would compete with it (README, "Int8 SIMD kernels": measured on 1
    /// and 2 threads); a board with idle cores can set `model.threads`.
    public static let defaultThreads = 1
    /// Test-time augmentation of each face (EdgeImage's `TestTimeAugmentation`): "none" (1 CNN pass),
    /// "flip" (the crop and its mirror, 2 passes) or "flip-shift" (5 window positions, each also mirrored, 10 passes).
    public var augment: String
    public static let augmentChoices = ["none", "flip", "flip-shift"]
    /// "none" when a config does not say: the cost of extra passes depends on the board's frame budget
    /// (README, "Test-time augmentation"), so each shipped config chooses.
    public static let defaultAugment = "none"
    public init(path: String, threads: Int = ModelConfig.defaultThreads, augment: String = ModelConfig.defaultAugment) {
        self.path = path
        self.threads = threads
        self.augment = augment
    }
}
