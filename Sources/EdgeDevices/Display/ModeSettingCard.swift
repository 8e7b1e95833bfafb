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
