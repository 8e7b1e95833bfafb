import Foundation
import Testing
@testable import EdgeBoardConfig
import EdgeDevices
import EdgeTestSupport

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
private let configDirectory = repositoryRoot.appendingPathComponent("board-configs")

private let validJSON = """
{
  "board": "test board",
  "camera": { "device": "/dev/video0", "format": "YUYV", "width": 640, "height": 480, "fps": 30 },
  "display": { "enabled": true, "card": "vc4", "connector": "HDMI-A-1", "mode": "1280x720@60" },
  "reactions": {
    "holdSeconds": 2, "cooldownSeconds": 4,
    "leds": {
      "happy": { "line": "GPIO17" },
      "sad": { "line": "gpiochip0:27", "activeLow": true, "pattern": "blink", "hertz": 3 },
      "angry": { "line": "GPIO22", "pattern": "pulse", "periodSeconds": 2, "widthSeconds": 0.5 }
    }
  },
  "serial": { "enabled": true, "port": "/dev/ttyS1", "baud": 115200 },
  "threads": 2,
  "detector": { "cascade": "cascade.xml" },
  "model": { "path": "model.int8" }
}
"""

/// `validJSON` with `original` replaced by `replacement` (which must occur exactly once).
private func mutated(_ original: String, _ replacement: String) -> Data {
    precondition(validJSON.components(separatedBy: original).count == 2, "fixture edit must be unique: \(original)")
    return Data(validJSON.replacingOccurrences(of: original, with: replacement).utf8)
}

private func loadError(_ data: Data) -> BoardConfigError? {
    do {
        _ = try BoardConfig.parse(data, file: "bad.json")
        return nil
    } catch let error as BoardConfigError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

@Suite struct BoardConfigTests {
    @Test func everyShippedConfigLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: configDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 6)
        for file in files {
            let config = try BoardConfig.load(path: configDirectory.appendingPathComponent(file).path)
            #expect(!config.board.isEmpty)
            #expect(config.camera.buffers >= 3, "\(file)")
        }
    }

    @Test func validConfigParsesEveryField() throws {
        let config = try BoardConfig.parse(Data(validJSON.utf8), file: "ok.json")
        #expect(config.camera.source == .path("/dev/video0"))
        #expect(config.camera.format == .yuyv)
        #expect(config.display.mode == DisplayMode(width: 1280, height: 720, refreshHz: 60))
        #expect(config.reactions.leds["happy"] == LEDConfig(line: .name("GPIO17")))
        #expect(config.reactions.leds["sad"] == LEDConfig(line: .chipOffset(chip: "gpiochip0", offset: 27),
                                                           activeLow: true, pattern: .blink(hertz: 3)))
        #expect(config.reactions.leds["angry"]?.pattern == .pulse(periodSeconds: 2, widthSeconds: 0.5))
        #expect(config.reactions.holdSeconds == 2)
        #expect(config.serial == SerialConfig(enabled: true, port: "/dev/ttyS1", baud: 115200))
        #expect(config.detector.minimumFaceSize == 48)
    }

    @Test func unknownKeyIsNamedWithItsPath() throws {
        let error = try #require(loadError(mutated("\"fps\": 30", "\"fsp\": 30")))
        // fps is now missing: the missing required key is reported first.
        #expect(error.key == "camera.fps")
        let extra = try #require(loadError(mutated("\"fps\": 30", "\"fps\": 30, \"exposure\": 3")))
        #expect(extra.file == "bad.json")
        #expect(extra.key == "camera.exposure")
        #expect(extra.message.contains("unknown key"))
        #expect(extra.message.contains("fps"))
    }

    @Test func wrongValuesNameKeyAndAllowedValues() throws {
        let pattern = try #require(loadError(mutated("\"pattern\": \"blink\"", "\"pattern\": \"flash\"")))
        #expect(pattern.key == "reactions.leds.sad.pattern")
        #expect(pattern.message.contains("on, blink, pulse"))

        let baud = try #require(loadError(mutated("\"baud\": 115200", "\"baud\": 115201")))
        #expect(baud.key == "serial.baud")
        #expect(baud.message.contains("921600"))

        let emotion = try #require(loadError(mutated("\"happy\":", "\"joyful\":")))
        #expect(emotion.key == "reactions.leds.joyful")
        #expect(emotion.message.contains("surprise"))

        let format = try #require(loadError(mutated("\"YUYV\"", "\"RGB24\"")))
        #expect(format.key == "camera.format")
        #expect(format.message.contains("GREY, YUYV, MJPEG"))

        let mode = try #require(loadError(mutated("1280x720@60", "big")))
        #expect(mode.key == "display.mode")

        let width = try #require(loadError(mutated("\"width\": 640", "\"width\": 64000")))
        #expect(width.key == "camera.width")
        #expect(width.message.contains("16...4096"))

        let fraction = try #require(loadError(mutated("\"threads\": 2", "\"threads\": 2.5")))
        #expect(fraction.key == "threads")

        let modelThreads = try #require(loadError(mutated("\"path\": \"model.int8\"", "\"path\": \"model.int8\", \"threads\": 0")))
        #expect(modelThreads.key == "model.threads")
        #expect(modelThreads.message.contains("1...16"))
        let threeModelThreads = try BoardConfig.parse(mutated("\"path\": \"model.int8\"", "\"path\": \"model.int8\", \"threads\": 3"),
                                                      file: "ok.json")
        #expect(threeModelThreads.model.threads == 3)
        #expect(try BoardConfig.parse(Data(validJSON.utf8), file: "ok.json").model.threads == ModelConfig.defaultThreads)

        let augment = try #require(loadError(mutated("\"path\": \"model.int8\"", "\"path\": \"model.int8\", \"augment\": \"mirror\"")))
        #expect(augment.key == "model.augment")
        #expect(augment.message.contains("none, flip, flip-shift"))
        let flip = try BoardConfig.parse(mutated("\"path\": \"model.int8\"", "\"path\": \"model.int8\", \"augment\": \"flip\""),
                                         file: "ok.json")
        #expect(flip.model.augment == "flip")
        #expect(try BoardConfig.parse(Data(validJSON.utf8), file: "ok.json").model.augment == "none")

        let hertzOnPulse = try #require(loadError(mutated("\"widthSeconds\": 0.5", "\"widthSeconds\": 0.5, \"hertz\": 2")))
        #expect(hertzOnPulse.key == "reactions.leds.angry.hertz")

        let line = try #require(loadError(mutated("gpiochip0:27", "gpiochip0:x")))
        #expect(line.key == "reactions.leds.sad.line")

        let cascade = try #require(loadError(mutated("\"cascade\": \"cascade.xml\"", "\"cascade\": \"viola-jones\"")))
        #expect(cascade.key == "detector.cascade")
        #expect(cascade.message.contains("haar, lbp, lbp-improved"))
        let named = try BoardConfig.parse(mutated("\"cascade\": \"cascade.xml\"", "\"cascade\": \"LBP\""), file: "ok.json")
        #expect(named.detector.cascade == "models/face_frontal_lbp.edgecascade")
    }

    @Test func trackingScanKeysAreValidated() throws {
        let defaults = try BoardConfig.parse(Data(validJSON.utf8), file: "ok.json").detector
        #expect(defaults.fullScanSeconds == DetectorConfig.defaultFullScanSeconds)
        #expect(defaults.trackMargin == DetectorConfig.defaultTrackMargin)
        let set = try BoardConfig.parse(mutated("\"cascade.xml\"", "\"cascade.xml\", \"fullScanSeconds\": 0, \"trackMargin\": 1"),
                                        file: "ok.json").detector
        #expect(set.fullScanSeconds == 0 && set.trackMargin == 1)
        let negative = try #require(loadError(mutated("\"cascade.xml\"", "\"cascade.xml\", \"fullScanSeconds\": -1")))
        #expect(negative.key == "detector.fullScanSeconds")
        #expect(negative.message.contains("0.0...60.0"))
        let text = try #require(loadError(mutated("\"cascade.xml\"", "\"cascade.xml\", \"fullScanSeconds\": \"often\"")))
        #expect(text.key == "detector.fullScanSeconds")
        let margin = try #require(loadError(mutated("\"cascade.xml\"", "\"cascade.xml\", \"trackMargin\": 0.05")))
        #expect(margin.key == "detector.trackMargin")
        #expect(margin.message.contains("0.1...2.0"))
    }

    @Test func missingSectionsAndBrokenFilesAreReported() throws {
        let noCamera = try #require(loadError(mutated("\"camera\":", "\"kamera\":")))
        #expect(noCamera.key == "camera")
        let notJSON = try #require(loadError(Data("{ \"board\": ".utf8)))
        #expect(notJSON.key == "")
        #expect(notJSON.message.contains("not valid JSON"))
        let array = try #require(loadError(Data("[1, 2]".utf8)))
        #expect(array.message.contains("expected an object"))
        #expect(throws: BoardConfigError.self) { try BoardConfig.load(path: "/nonexistent/board.json") }
        do {
            _ = try BoardConfig.load(path: "/nonexistent/board.json")
        } catch {
            #expect("\(error)".hasPrefix("/nonexistent/board.json: cannot read"))
        }
    }

    /// Seeded mutations (byte flips, truncations, insertions) of a valid file: each parse either succeeds
    /// or throws `BoardConfigError`; none crashes or throws anything else.
    @Test func mutatedFilesNeverCrash() {
        var generator = SeededGenerator(seed: 0xB0A4D)
        let original = Array(validJSON.utf8)
        let alphabet = Array("{}[]\":,0123456789.-eE truefalsenull\\xyz".utf8)
        var accepted = 0
        for _ in 0..<1500 {
            var bytes = original
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.removeSubrange(position...)
                case 2: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                default: bytes.remove(at: position)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            do {
                _ = try BoardConfig.parse(Data(bytes), file: "fuzz.json")
                accepted += 1
            } catch is BoardConfigError {
            } catch {
                Issue.record("mutation threw \(type(of: error)): \(error)")
            }
        }
        #expect(accepted < 1500)
    }
}

@Suite struct BoardConfigSettingsTests {
    @Test func configSectionsBecomeDeviceSettings() throws {
        let config = try BoardConfig.load(path: configDirectory.appendingPathComponent("qemu-lab.json").path)
        let camera = CameraSettings(config.camera)
        #expect(camera.source == .card("vivid"))
        #expect(camera.format == .yuyv)
        #expect(camera.bufferCount == config.camera.buffers)
        #expect(DisplaySettings(config.display).card == "bochs")
        let leds = GPIOLEDs.LED.leds(for: config.reactions)
        // FER2013 order: angry (GPIO22), happy (GPIO17), sad (GPIO27), surprise (GPIO23).
        #expect(leds.map(\.line) == ["GPIO22", "GPIO17", "GPIO27", "GPIO23"])
    }
}
