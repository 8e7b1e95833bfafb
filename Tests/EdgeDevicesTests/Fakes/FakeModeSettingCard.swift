import EdgeOverlay
import EdgeSystem
@testable import EdgeDevices

/// A DRM card in memory: connectors and modes as given, master refusable, flips recorded.
final class FakeModeSettingCard: ModeSettingCard {
    let path: String
    let driverName: String
    var connectorList: [DisplayConnector]
    var masterError: Errno?
    var pageFlipError: Errno?
    private(set) var events: [String] = []
    private var storage: [UnsafeMutablePointer<UInt32>] = []
    private var nextID: UInt32 = 100
    private(set) var shownFramebuffer: UInt32?
    private(set) var framebuffers: [UInt32: UnsafeMutablePointer<UInt32>] = [:]

    init(path: String, driverName: String = "fakedrm", connectors: [DisplayConnector]) {
        self.path = path
        self.driverName = driverName
        self.connectorList = connectors
    }

    deinit { storage.forEach { $0.deallocate() } }

    func becomeMaster() throws {
        if let masterError { throw SystemError(masterError, operation: "DRM_IOCTL_SET_MASTER", path: path) }
        events.append("master")
    }
    func connectors() throws -> [DisplayConnector] { connectorList }
    func saveCrtc(_ crtcID: UInt32) { events.append("save \(crtcID)") }
    func restoreCrtc(connectorID: UInt32) { events.append("restore \(connectorID)") }

    func createFramebuffer(width: Int, height: Int) throws -> DumbFramebuffer {
        let pixels = UnsafeMutablePointer<UInt32>.allocate(capacity: width * height)
        pixels.initialize(repeating: 0x123456, count: width * height)
        storage.append(pixels)
        nextID += 1
        framebuffers[nextID] = pixels
        events.append("create \(nextID)")
        return DumbFramebuffer(framebufferID: nextID, handle: nextID, width: width, height: height, pitch: width * 4,
                               size: width * height * 4, pixels: pixels)
    }
    func destroyFramebuffer(_ framebuffer: DumbFramebuffer) { events.append("destroy \(framebuffer.framebufferID)") }
    func setCrtc(_ crtcID: UInt32, framebuffer: DumbFramebuffer, connectorID: UInt32, mode: DisplayModeInfo) throws {
        shownFramebuffer = framebuffer.framebufferID
        events.append("setcrtc \(crtcID) \(framebuffer.framebufferID) \(mode.width)x\(mode.height)")
    }
    func pageFlip(_ crtcID: UInt32, framebuffer: DumbFramebuffer) throws {
        if let pageFlipError { throw SystemError(pageFlipError, operation: "drmModePageFlip", path: path) }
        shownFramebuffer = framebuffer.framebufferID
        events.append("flip \(framebuffer.framebufferID)")
    }
    func waitForFlip(timeoutMilliseconds: Int32) throws -> Bool { true }
    func close() { events.append("close") }
}
