import ArgumentParser
import EdgeDevices
import EdgeOverlay
import EdgeSystem

struct DisplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "display", abstract: "Show a test pattern or a PGM image on a DRM connector for a while.")

    @Option(help: "Card path (/dev/dri/card0) or driver name (vc4, bochs).") var card: String?
    @Option(help: "Connector name, e.g. HDMI-A-1.") var connector: String?
    @Option(help: "Mode WIDTHxHEIGHT; default: the connector's preferred mode.") var mode: String?
    @Flag(help: "Draw the test pattern (emotion colour bars and a gray ramp).") var testPattern = false
    @Option(help: "Draw this PGM image scaled to fit.") var image: String?
    @Option(help: "A face box x,y,width,height,emotionIndex drawn over --image (repeatable).") var face: [String] = []
    @Option(help: "Seconds to keep the picture up (SIGTERM ends earlier).") var seconds: Double = 3
    @Option(help: "File created once the picture is on screen (for scripted screenshots).") var readyFile: String?

    func run() throws {
        guard testPattern != (image != nil) else { throw ValidationError("give exactly one of --test-pattern and --image") }
        let signals = TerminationSignals()
        var settings = DisplaySettings(card: card, connector: connector)
        if let mode {
            let parts = mode.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--mode must be WIDTHxHEIGHT") }
            settings.width = parts[0]
            settings.height = parts[1]
        }
        let picture = try image.map { path in try reportingErrors { try PGMFile.read(path) } }
        let faces = try face.map(parseFace)
        guard let display = DRMDisplay.open(settings: settings, log: { printError($0) }) else {
            // The warning explains why; headless is an error for this diagnostic.
            throw ExitCode.failure
        }
        defer { display.close() }
        print("display: \(display.card.path) (\(display.card.driverName)) \(display.connector.name) \(display.mode)")
        for _ in 0..<2 {
            display.show { canvas in
                if let picture {
                    picture.pixels.withUnsafeBufferPointer { pixels in
                        FrameOverlay.draw(on: canvas, gray: pixels, width: picture.width, height: picture.height, faces: faces)
                    }
                } else {
                    TestPattern.draw(on: canvas)
                }
            }
        }
        display.finishPendingFlip()
        print("shown: \(display.framesShown) frames")
        if let readyFile {
            try reportingErrors { try PGMFile(width: 1, height: 1, pixels: [0]).write(to: readyFile) }
        }
        if let signal = signals.wait(seconds: seconds) {
            print("received \(TerminationSignals.name(signal)); restoring the display")
        }
    }

    private func parseFace(_ text: String) throws -> OverlayFace {
        let fields = text.split(separator: ",").map(String.init)
        guard fields.count == 5, let x = Int(fields[0]), let y = Int(fields[1]), let width = Int(fields[2]),
              let height = Int(fields[3]), let emotion = Int(fields[4]), (0..<7).contains(emotion) else {
            throw ValidationError("--face must be x,y,width,height,emotionIndex (0-6), got \(text)")
        }
        return OverlayFace(x: x, y: y, width: width, height: height, label: EmotionPalette.labels[emotion],
                           emotionIndex: emotion)
    }
}
