import ArgumentParser
import EdgeDevices
import EdgeSystem

struct CameraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera", abstract: "Capture frames, print the frame rate and check them; save the last as PGM.")

    @Option(help: "Device node, e.g. /dev/video0.") var device: String?
    @Option(help: "Card name (substring of the V4L2 card), e.g. vivid.") var card: String?
    @Option(help: "GREY, YUYV or MJPEG.") var format = "YUYV"
    @Option var width = 640
    @Option var height = 480
    @Option var fps = 30
    @Option(help: "Frames to capture.") var frames = 30
    @Option(help: "Write the last frame's gray image here (PGM).") var output: String?

    func run() throws {
        let source: CameraSettings.Source
        switch (device, card) {
        case (let device?, nil): source = .path(device)
        case (nil, let card?): source = .card(card)
        default: throw ValidationError("give exactly one of --device and --card")
        }
        guard let pixelFormat = CameraSettings.PixelFormat(rawValue: format.uppercased()) else {
            throw ValidationError("--format must be GREY, YUYV or MJPEG")
        }
        let settings = CameraSettings(source: source, format: pixelFormat, width: width, height: height,
                                      framesPerSecond: fps)
        let clock = MonotonicClock()
        let camera = V4L2Camera(settings: settings, log: { printError($0) })
        try reportingErrors { try camera.open() }
        defer { camera.close() }
        guard let negotiated = camera.format else { throw ExitCode.failure }
        print("camera: \(camera.devicePath ?? "?") \(negotiated)")

        var gray = [UInt8](repeating: 0, count: negotiated.width * negotiated.height)
        var captured: [CapturedFrame] = []
        let start = clock.now()
        let deadline = start + 10 + Double(frames) / Double(max(1, fps)) * 3
        while captured.count < frames && clock.now() < deadline {
            if let frame = try reportingErrors({ try camera.nextFrame(into: &gray) }) { captured.append(frame) }
        }
        let elapsed = clock.now() - start
        let rate = captured.count > 1 && elapsed > 0 ? Double(captured.count) / elapsed : 0
        print("frames: \(captured.count) in \(String(format2: elapsed)) s (\(String(format2: rate)) fps)")

        var checks = CheckList()
        checks.check(captured.count == frames, "captured \(captured.count) of \(frames) frames")
        let increasing = zip(captured, captured.dropFirst()).allSatisfy { $1.timestamp > $0.timestamp }
        checks.check(increasing, "frame timestamps increase")
        // Frames the driver dropped; a reconnect restarts the sequence, which is not a gap.
        let gaps = zip(captured, captured.dropFirst()).reduce(0) { total, pair in
            pair.1.sequence > pair.0.sequence ? total + Int(pair.1.sequence - pair.0.sequence) - 1 : total
        }
        print("sequence gaps: \(gaps); reconnects: \(camera.reconnects)")
        let minimum = gray.min() ?? 0, maximum = gray.max() ?? 0
        checks.check(maximum > minimum, "last frame is not uniform (gray \(minimum)...\(maximum))")
        if let output {
            try reportingErrors {
                try PGMFile(width: negotiated.width, height: negotiated.height, pixels: gray).write(to: output)
            }
            print("wrote \(output) (\(negotiated.width)x\(negotiated.height))")
        }
        try checks.finish()
    }
}

extension String {
    /// A number with two decimals.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = abs(hundredths % 100)
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
