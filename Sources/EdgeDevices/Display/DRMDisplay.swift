import EdgeOverlay
import EdgeSystem

/// A full-screen picture on a DRM/KMS connector: two dumb buffers, drawn alternately and shown with a
/// page flip (or with SetCrtc when the driver cannot flip). `open` never fails: when there is no card,
/// another program is DRM master, or nothing is connected, it logs one warning and returns nil, and the
/// application runs headless. `close()` puts back what the CRTC showed before.
public final class DRMDisplay {
    public let card: any ModeSettingCard
    public let connector: DisplayConnector
    public let mode: DisplayModeInfo
    public let crtcID: UInt32
    private var framebuffers: [DumbFramebuffer]
    private var front = 0
    private var usesPageFlip = true
    private var flipPending = false
    private let log: (String) -> Void
    public private(set) var framesShown = 0

    /// Opens a display as `settings` say, or explains in one warning why the board runs headless.
    /// - Parameter openCard: makes a card from a device path (tests pass a fake).
    public static func open(settings: DisplaySettings, system: any SystemCalls = LinuxSystemCalls(),
                            openCard: (String) throws -> any ModeSettingCard = { try LibDRMCard(path: $0) },
                            log: @escaping (String) -> Void) -> DRMDisplay? {
        do {
            return try openOrThrow(settings: settings, system: system, openCard: openCard, log: log)
        } catch let reason as HeadlessReason {
            log("display: \(reason); running headless")
            return nil
        } catch {
            log("display: \(error); running headless")
            return nil
        }
    }

    /// Why there is no picture; the text of the single warning.
    public struct HeadlessReason: Error, CustomStringConvertible {
        public var description: String
    }

    static func openOrThrow(settings: DisplaySettings, system: any SystemCalls,
                            openCard: (String) throws -> any ModeSettingCard,
                            log: @escaping (String) -> Void) throws -> DRMDisplay {
        let directory = "/dev/dri"
        let cardPaths = ((try? system.directoryEntries(directory)) ?? [])
            .filter { $0.hasPrefix("card") && Int($0.dropFirst(4)) != nil }
            .sorted { Int($0.dropFirst(4))! < Int($1.dropFirst(4))! }
            .map { "\(directory)/\($0)" }
        var candidates = cardPaths
        if let wanted = settings.card, wanted.hasPrefix("/") { candidates = [wanted] }
        guard !candidates.isEmpty else {
            throw HeadlessReason(description: "no DRM card (\(directory)/card* absent: no GPU driver loaded)")
        }
        var notes: [String] = []
        for path in candidates {
            let card: any ModeSettingCard
            do {
                card = try openCard(path)
            } catch {
                notes.append("\(error)")
                continue
            }
            // "bochs" matches the driver "bochs-drm"; "vc4" matches "vc4".
            if let wanted = settings.card, !wanted.hasPrefix("/"),
               card.driverName != wanted && !card.driverName.hasPrefix(wanted + "-") {
                notes.append("\(path) is \(card.driverName), not \(wanted)")
                card.close()
                continue
            }
            let connectors: [DisplayConnector]
            do {
                connectors = try card.connectors()
            } catch {
                notes.append("\(error)")
                card.close()
                continue
            }
            let usable = connectors.filter { $0.isConnected && !$0.modes.isEmpty && !$0.crtcIDs.isEmpty }
            guard let connector = settings.connector.map({ name in usable.first { $0.name == name } })
                ?? usable.first else {
                let list = connectors.map(\.description).joined(separator: "; ")
                let wanted = settings.connector.map { "\($0) " } ?? ""
                notes.append("\(path) (\(card.driverName)): no connected connector \(wanted)(\(list.isEmpty ? "none" : list))")
                card.close()
                continue
            }
            do {
                try card.becomeMaster()
            } catch let error as SystemError {
                card.close()
                throw HeadlessReason(description: "\(path) (\(card.driverName)) is in use: another program (a desktop "
                    + "or another console application) is DRM master (\(error.errno)); stop it or set display.enabled "
                    + "to false")
            }
            let mode = chooseMode(connector.modes, settings: settings)
            if let width = settings.width, let height = settings.height, mode.width != width || mode.height != height {
                log("display: \(connector.name) has no \(width)x\(height) mode; using \(mode)")
            }
            do {
                return try DRMDisplay(card: card, connector: connector, mode: mode, log: log)
            } catch {
                card.close()
                throw HeadlessReason(description: "\(path) (\(card.driverName)) \(connector.name) \(mode): \(error)")
            }
        }
        throw HeadlessReason(description: notes.joined(separator: "; "))
    }

    /// The configured size (and refresh, if given), else the preferred mode, else the first.
    static func chooseMode(_ modes: [DisplayModeInfo], settings: DisplaySettings) -> DisplayModeInfo {
        if let width = settings.width, let height = settings.height {
            let sized = modes.filter { $0.width == width && $0.height == height }
            if let refresh = settings.refreshHz, let exact = sized.first(where: { $0.refreshHz == refresh }) { return exact }
            if let first = sized.first { return first }
        }
        return modes.first(where: \.isPreferred) ?? modes[0]
    }

    init(card: any ModeSettingCard, connector: DisplayConnector, mode: DisplayModeInfo,
         log: @escaping (String) -> Void) throws {
        self.card = card
        self.connector = connector
        self.mode = mode
        self.crtcID = connector.crtcIDs[0]
        self.log = log
        var buffers: [DumbFramebuffer] = []
        do {
            for _ in 0..<2 { buffers.append(try card.createFramebuffer(width: mode.width, height: mode.height)) }
            buffers[0].canvas.fill(.black)
            card.saveCrtc(crtcID)
            try card.setCrtc(crtcID, framebuffer: buffers[0], connectorID: connector.id, mode: mode)
        } catch {
            buffers.forEach(card.destroyFramebuffer)
            throw error
        }
        framebuffers = buffers
    }

    deinit { close() }

    public var width: Int { mode.width }
    public var height: Int { mode.height }

    /// Pictures skipped because the previous page flip had not completed (the display is slower than the camera).
    public private(set) var framesSkipped = 0

    /// Draws the next picture into the hidden buffer with `draw`, then shows it. If the previous flip is
    /// still pending after 100 ms, this picture is skipped rather than drawn into a buffer being scanned out.
    public func show(_ draw: (Canvas) -> Void) {
        guard !framebuffers.isEmpty else { return }
        if flipPending {
            flipPending = (try? card.waitForFlip(timeoutMilliseconds: 100)) != true
            if flipPending {
                framesSkipped += 1
                return
            }
        }
        let back = 1 - front
        draw(framebuffers[back].canvas)
        if usesPageFlip {
            do {
                try card.pageFlip(crtcID, framebuffer: framebuffers[back])
                flipPending = true
            } catch {
                usesPageFlip = false
                log("display: page flip not available (\(error)); using SetCrtc per frame")
            }
        }
        if !usesPageFlip {
            do {
                try card.setCrtc(crtcID, framebuffer: framebuffers[back], connectorID: connector.id, mode: mode)
            } catch {
                log("display: \(error)")
                return
            }
        }
        front = back
        framesShown += 1
    }

    /// Waits for a pending flip so the last picture is on screen (for screenshots and tests).
    public func finishPendingFlip() {
        if flipPending { flipPending = (try? card.waitForFlip(timeoutMilliseconds: 500)) != true }
    }

    /// Restores the previous CRTC configuration and frees the buffers. Safe to call twice.
    public func close() {
        guard !framebuffers.isEmpty else { return }
        finishPendingFlip()
        card.restoreCrtc(connectorID: connector.id)
        framebuffers.forEach(card.destroyFramebuffer)
        framebuffers = []
        card.close()
    }
}
