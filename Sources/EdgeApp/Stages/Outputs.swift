/// Receives complete JSON lines (without the trailing newline): stdout, a serial port, a file.
/// Must not block the pipeline for long: a slow sink drops lines and counts them.
public protocol LineSink: AnyObject {
    var name: String { get }
    func write(line: String)
    func close()
}

/// Receives every processed frame's report after its JSON line is written (MQTT, metrics). Only called from the
/// output thread: must return at once (hand the report to its own thread or queue).
public protocol ReportSink: AnyObject {
    /// A JSON member (`"key":value`) added to every JSON line, e.g. the MQTT connection state; nil adds nothing.
    func lineField() -> String?
    func observe(_ report: FrameReport)
}

/// Sets LED lines by name. Only called from the reaction ticker thread.
public protocol LEDOutput: AnyObject {
    /// Names of the lines this output drives (as used in the reactions config).
    var lineNames: [String] { get }
    func set(line: String, on: Bool) throws
    /// All lines off and released.
    func close()
}

/// Shows a frame with its faces (a DRM screen, a window). Only called from the output thread.
public protocol FrameDisplay: AnyObject {
    func show(frame: GrayFrame, faces: [FaceReport])
    /// Restores what was on screen before.
    func close()
}

/// Writes an annotated picture of a frame (PNG snapshots). Only called from the output thread.
public protocol SnapshotWriting: AnyObject {
    func writeSnapshot(frame: GrayFrame, faces: [FaceReport]) throws -> String
}
