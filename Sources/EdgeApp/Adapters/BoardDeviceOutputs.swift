import EdgeBoardConfig
import EdgeDevices
import EdgeOverlay

/// The board's outputs from EdgeDevices, each optional: a device that cannot be opened is logged once and
/// the application runs without it (headless, no LEDs, no serial), never failing the run.
struct BoardDeviceOutputs {
    var serial: LineSink?
    var leds: LEDOutput?
    var display: FrameDisplay?

    init(configuration: RunConfiguration, log: @escaping @Sendable (String) -> Void) {
        let board = configuration.board
        if configuration.useSerial {
            do {
                serial = SerialLineSink(writer: try SerialLineWriter(port: board.serial.port, baud: board.serial.baud,
                                                                     queueCapacity: board.serial.queueCapacity, log: log))
            } catch {
                log("serial: \(error); JSON lines go to the other outputs only")
            }
        }
        if configuration.useLEDs, !board.reactions.leds.isEmpty {
            let leds = board.reactions.leds.values.map { GPIOLEDs.LED(line: $0.line.description, activeLow: $0.activeLow) }
            do {
                self.leds = GPIOLEDOutput(leds: try GPIOLEDs(leds: leds, consumer: "edge-run"))
            } catch {
                log("leds: \(error); running without LEDs")
            }
        }
        if configuration.useDisplay {
            let display = board.display
            let settings = DisplaySettings(card: display.card, connector: display.connector, width: display.mode?.width,
                                           height: display.mode?.height, refreshHz: display.mode?.refreshHz)
            if let screen = DRMDisplay.open(settings: settings, log: log) {
                self.display = DRMFrameDisplay(display: screen)
            }
        }
    }
}

/// JSON lines to the serial port; the writer queues and drops the oldest when the port is slow.
final class SerialLineSink: LineSink {
    let writer: SerialLineWriter
    var name: String { writer.port }
    init(writer: SerialLineWriter) { self.writer = writer }
    func write(line: String) { writer.write(line: line) }
    func close() { writer.close() }
}

final class GPIOLEDOutput: LEDOutput {
    let leds: GPIOLEDs
    init(leds: GPIOLEDs) { self.leds = leds }
    var lineNames: [String] { leds.lineNames }
    func set(line: String, on: Bool) throws { try leds.set(line: line, on: on) }
    func close() { leds.close() }  // all off and released
}

/// The frame scaled to fit the screen with the faces drawn over it (EdgeOverlay).
final class DRMFrameDisplay: FrameDisplay {
    let display: DRMDisplay
    init(display: DRMDisplay) { self.display = display }

    func show(frame: GrayFrame, faces: [FaceReport]) {
        frame.pixels.withUnsafeBufferPointer { gray in
            display.show { canvas in
                FrameOverlay.draw(on: canvas, gray: gray, width: frame.width, height: frame.height,
                                  faces: faces.map(SnapshotWriter.overlayFace), status: "edge-run frame \(frame.index)")
            }
        }
    }

    func close() { display.close() }  // restores the previous CRTC
}
