import EdgeOverlay
import EdgeSystem

/// A display mode of a connector.
public struct DisplayModeInfo: Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var refreshHz: Int
    public var isPreferred: Bool
    /// The kernel's mode record (`drmModeModeInfo`), passed back unchanged to set the mode.
    public var raw: [UInt8]

    public init(width: Int, height: Int, refreshHz: Int, isPreferred: Bool, raw: [UInt8] = []) {
        self.width = width
        self.height = height
        self.refreshHz = refreshHz
        self.isPreferred = isPreferred
        self.raw = raw
    }

    public var description: String { "\(width)x\(height)@\(refreshHz)\(isPreferred ? " (preferred)" : "")" }
}

public struct DisplayConnector: Equatable, CustomStringConvertible {
    public var id: UInt32
    /// `HDMI-A-1`, `Virtual-1`, `DSI-1`.
    public var name: String
    public var isConnected: Bool
    public var modes: [DisplayModeInfo]
    /// CRTCs that can drive this connector, the one currently driving it first.
    public var crtcIDs: [UInt32]

    public init(id: UInt32, name: String, isConnected: Bool, modes: [DisplayModeInfo], crtcIDs: [UInt32]) {
        self.id = id
        self.name = name
        self.isConnected = isConnected
        self.modes = modes
        self.crtcIDs = crtcIDs
    }

    public var description: String {
        "\(name) \(isConnected ? "connected" : "disconnected")" + (modes.isEmpty ? "" : ", modes: " + modes.prefix(6).map(\.description).joined(separator: ", "))
    }
}

/// A dumb buffer registered as a framebuffer and mapped for drawing (XRGB8888).
public struct DumbFramebuffer {
    public var framebufferID: UInt32
    public var handle: UInt32
    public var width: Int
    public var height: Int
    /// Bytes per row.
    public var pitch: Int
    public var size: Int
    public var pixels: UnsafeMutablePointer<UInt32>

    public init(framebufferID: UInt32, handle: UInt32, width: Int, height: Int, pitch: Int, size: Int,
                pixels: UnsafeMutablePointer<UInt32>) {
        self.framebufferID = framebufferID
        self.handle = handle
        self.width = width
        self.height = height
        self.pitch = pitch
        self.size = size
        self.pixels = pixels
    }

    public var canvas: Canvas { Canvas(base: pixels, width: width, height: height, stride: pitch / 4) }
}

/// The kernel mode-setting operations the display needs, one card. `LibDRMCard` does them through
/// libdrm; tests use a fake to play "not master", "no connector" and failing page flips.
public protocol ModeSettingCard: AnyObject {
    var path: String { get }
    /// Kernel driver name (`vc4`, `bochs`, `i915`).
    var driverName: String { get }
    /// Becomes DRM master (needed to set modes).
    /// - Throws: `SystemError` (EACCES/EBUSY/EPERM) when another program, typically a desktop, is master.
    func becomeMaster() throws
    func connectors() throws -> [DisplayConnector]
    /// Remembers what `crtcID` shows now, for `restoreCrtc()`.
    func saveCrtc(_ crtcID: UInt32)
    func restoreCrtc(connectorID: UInt32)
    func createFramebuffer(width: Int, height: Int) throws -> DumbFramebuffer
    func destroyFramebuffer(_ framebuffer: DumbFramebuffer)
    func setCrtc(_ crtcID: UInt32, framebuffer: DumbFramebuffer, connectorID: UInt32, mode: DisplayModeInfo) throws
    /// Schedules `framebuffer` for the next vertical blank; completion is reported by `waitForFlip`.
    func pageFlip(_ crtcID: UInt32, framebuffer: DumbFramebuffer) throws
    /// Waits until the pending flip completed; false on timeout.
    func waitForFlip(timeoutMilliseconds: Int32) throws -> Bool
    func close()
}
