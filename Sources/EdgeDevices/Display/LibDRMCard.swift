#if canImport(Glibc)
import Glibc
#endif
import CDRM
import EdgeOverlay
import EdgeSystem

/// DRM dumb-buffer ioctls (drm.h), sized by the kernel's structs.
enum DRMRequest {
    private static let drmType = UInt8(ascii: "d")
    static let createDumb = IoctlRequest.readWrite("DRM_IOCTL_MODE_CREATE_DUMB", type: drmType, number: 0xB2,
                                                   drm_mode_create_dumb.self)
    static let mapDumb = IoctlRequest.readWrite("DRM_IOCTL_MODE_MAP_DUMB", type: drmType, number: 0xB3,
                                                drm_mode_map_dumb.self)
    static let destroyDumb = IoctlRequest.readWrite("DRM_IOCTL_MODE_DESTROY_DUMB", type: drmType, number: 0xB4,
                                                    drm_mode_destroy_dumb.self)
}

/// A DRM card through libdrm's mode-setting calls; dumb buffers, mmap, poll and read go through `SystemCalls`.
public final class LibDRMCard: ModeSettingCard {
    public let path: String
    public let driverName: String
    private let file: DeviceFile
    private var savedCrtc: UnsafeMutablePointer<drmModeCrtc>?

    public init(path: String, system: any SystemCalls = LinuxSystemCalls()) throws {
        self.path = path
        file = try DeviceHolders(system: system).open(path, flags: [.readWrite])
        if let version = drmGetVersion(file.descriptor.rawValue) {
            driverName = version.pointee.name.map { String(cString: $0) } ?? "?"
            drmFreeVersion(version)
        } else {
            driverName = "?"
        }
    }

    deinit { close() }

    private var fd: Int32 { file.descriptor.rawValue }

    /// libdrm calls return -errno or -1 with errno set.
    private func check(_ result: Int32, _ operation: String) throws {
        guard result != 0 else { return }
        let code = result < -1 ? -result : errno
        throw SystemError(Errno(rawValue: code), operation: operation, path: path)
    }

    public func becomeMaster() throws {
        if drmIsMaster(fd) != 0 { return }
        try check(drmSetMaster(fd), "DRM_IOCTL_SET_MASTER")
    }

    public func connectors() throws -> [DisplayConnector] {
        guard let resources = drmModeGetResources(fd) else {
            throw SystemError(.current, operation: "drmModeGetResources", path: path)
        }
        defer { drmModeFreeResources(resources) }
        let crtcs = (0..<Int(resources.pointee.count_crtcs)).map { resources.pointee.crtcs[$0] }
        var result: [DisplayConnector] = []
        for index in 0..<Int(resources.pointee.count_connectors) {
            guard let connector = drmModeGetConnector(fd, resources.pointee.connectors[index]) else { continue }
            defer { drmModeFreeConnector(connector) }
            let value = connector.pointee
            let typeName = drmModeGetConnectorTypeName(value.connector_type).map { String(cString: $0) } ?? "Unknown"
            let modes = (0..<Int(value.count_modes)).map { modeIndex -> DisplayModeInfo in
                var mode = value.modes[modeIndex]
                let raw = withUnsafeBytes(of: &mode) { Array($0) }
                return DisplayModeInfo(width: Int(mode.hdisplay), height: Int(mode.vdisplay), refreshHz: Int(mode.vrefresh),
                                       isPreferred: mode.type & UInt32(DRM_MODE_TYPE_PREFERRED) != 0, raw: raw)
            }
            var crtcIDs: [UInt32] = []
            if value.encoder_id != 0, let encoder = drmModeGetEncoder(fd, value.encoder_id) {
                if encoder.pointee.crtc_id != 0 { crtcIDs.append(encoder.pointee.crtc_id) }
                drmModeFreeEncoder(encoder)
            }
            for encoderIndex in 0..<Int(value.count_encoders) {
                guard let encoder = drmModeGetEncoder(fd, value.encoders[encoderIndex]) else { continue }
                for (crtcIndex, crtc) in crtcs.enumerated()
                where encoder.pointee.possible_crtcs & (1 << UInt32(crtcIndex)) != 0 && !crtcIDs.contains(crtc) {
                    crtcIDs.append(crtc)
                }
                drmModeFreeEncoder(encoder)
            }
            result.append(DisplayConnector(id: value.connector_id, name: "\(typeName)-\(value.connector_type_id)",
                                           isConnected: value.connection == DRM_MODE_CONNECTED, modes: modes,
                                           crtcIDs: crtcIDs))
        }
        return result
    }

    public func saveCrtc(_ crtcID: UInt32) {
        if let savedCrtc { drmModeFreeCrtc(savedCrtc) }
        savedCrtc = drmModeGetCrtc(fd, crtcID)
    }

    public func restoreCrtc(connectorID: UInt32) {
        guard let saved = savedCrtc else { return }
        var connector = connectorID
        var mode = saved.pointee.mode
        if saved.pointee.mode_valid != 0 {
            _ = drmModeSetCrtc(fd, saved.pointee.crtc_id, saved.pointee.buffer_id, saved.pointee.x, saved.pointee.y,
                               &connector, 1, &mode)
        } else {
            _ = drmModeSetCrtc(fd, saved.pointee.crtc_id, 0, 0, 0, nil, 0, nil)
        }
        drmModeFreeCrtc(saved)
        savedCrtc = nil
    }

    public func createFramebuffer(width: Int, height: Int) throws -> DumbFramebuffer {
        var create = drm_mode_create_dumb()
        create.width = UInt32(width)
        create.height = UInt32(height)
        create.bpp = 32
        try file.ioctl(DRMRequest.createDumb, &create)
        var framebufferID: UInt32 = 0
        do {
            try check(drmModeAddFB(fd, UInt32(width), UInt32(height), 24, 32, create.pitch, create.handle, &framebufferID),
                      "drmModeAddFB")
            var map = drm_mode_map_dumb()
            map.handle = create.handle
            try file.ioctl(DRMRequest.mapDumb, &map)
            let address = try file.mapShared(length: Int(create.size), offset: Int(map.offset))
            return DumbFramebuffer(framebufferID: framebufferID, handle: create.handle, width: width, height: height,
                                   pitch: Int(create.pitch), size: Int(create.size),
                                   pixels: address.bindMemory(to: UInt32.self, capacity: Int(create.size) / 4))
        } catch {
            if framebufferID != 0 { drmModeRmFB(fd, framebufferID) }
            var destroy = drm_mode_destroy_dumb(handle: create.handle)
            _ = try? file.ioctl(DRMRequest.destroyDumb, &destroy)
            throw error
        }
    }

    public func destroyFramebuffer(_ framebuffer: DumbFramebuffer) {
        try? file.unmap(UnsafeMutableRawPointer(framebuffer.pixels), length: framebuffer.size)
        drmModeRmFB(fd, framebuffer.framebufferID)
        var destroy = drm_mode_destroy_dumb(handle: framebuffer.handle)
        _ = try? file.ioctl(DRMRequest.destroyDumb, &destroy)
    }

    public func setCrtc(_ crtcID: UInt32, framebuffer: DumbFramebuffer, connectorID: UInt32, mode: DisplayModeInfo) throws {
        var connector = connectorID
        var info = drmModeModeInfo()
        withUnsafeMutableBytes(of: &info) { bytes in
            bytes.copyBytes(from: mode.raw.prefix(bytes.count))
        }
        try check(drmModeSetCrtc(fd, crtcID, framebuffer.framebufferID, 0, 0, &connector, 1, &info), "drmModeSetCrtc")
    }

    public func pageFlip(_ crtcID: UInt32, framebuffer: DumbFramebuffer) throws {
        try check(drmModePageFlip(fd, crtcID, framebuffer.framebufferID, UInt32(DRM_MODE_PAGE_FLIP_EVENT), nil),
                  "drmModePageFlip")
    }

    public func waitForFlip(timeoutMilliseconds: Int32) throws -> Bool {
        let events = try file.poll(.input, timeoutMilliseconds: timeoutMilliseconds)
        guard events.contains(.input) else { return false }
        // The flip-complete event (struct drm_event_vblank) is consumed by reading the card.
        var buffer = [UInt8](repeating: 0, count: 1024)
        _ = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
        return true
    }

    public func close() {
        if let savedCrtc {
            drmModeFreeCrtc(savedCrtc)
            self.savedCrtc = nil
        }
        file.close()
    }
}
