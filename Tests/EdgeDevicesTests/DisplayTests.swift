import Testing
@testable import EdgeDevices
@testable import EdgeSystem
import EdgeOverlay

@Suite struct DisplayTests {
    private let hdmi = DisplayConnector(
        id: 31, name: "HDMI-A-1", isConnected: true,
        modes: [DisplayModeInfo(width: 1920, height: 1080, refreshHz: 60, isPreferred: true),
                DisplayModeInfo(width: 1280, height: 720, refreshHz: 50, isPreferred: false),
                DisplayModeInfo(width: 1280, height: 720, refreshHz: 60, isPreferred: false)],
        crtcIDs: [70, 71])

    private func systemWithCard() -> FakeSystem {
        let system = FakeSystem()
        system.directories["/dev/dri"] = ["by-path", "card0", "renderD128"]
        return system
    }

    @Test func notMasterGivesOneWarningAndHeadless() {
        let card = FakeModeSettingCard(path: "/dev/dri/card0", connectors: [hdmi])
        card.masterError = .busy
        let log = LogLines()
        let display = DRMDisplay.open(settings: DisplaySettings(), system: systemWithCard(), openCard: { _ in card },
                                      log: log.append)
        #expect(display == nil)
        #expect(log.lines.count == 1)
        #expect(log.lines[0].contains("DRM master"))
        #expect(log.lines[0].contains("running headless"))
        #expect(card.events.last == "close")
    }

    @Test func noCardOrNoConnectorIsHeadlessWithReason() {
        let log = LogLines()
        let empty = FakeSystem()
        #expect(DRMDisplay.open(settings: DisplaySettings(), system: empty, openCard: { _ in
            Issue.record("no card should be opened")
            throw SystemError(.noDevice, operation: "open")
        }, log: log.append) == nil)
        #expect(log.lines.last?.contains("no DRM card") == true)

        var unplugged = hdmi
        unplugged.isConnected = false
        let card = FakeModeSettingCard(path: "/dev/dri/card0", connectors: [unplugged])
        #expect(DRMDisplay.open(settings: DisplaySettings(), system: systemWithCard(), openCard: { _ in card },
                                log: log.append) == nil)
        #expect(log.lines.count == 2)
        #expect(log.lines.last?.contains("no connected connector") == true)
        #expect(log.lines.last?.contains("HDMI-A-1 disconnected") == true)
    }

    @Test func choosesModeFlipsBuffersAndRestoresCrtc() throws {
        let card = FakeModeSettingCard(path: "/dev/dri/card0", connectors: [hdmi])
        let display = try #require(DRMDisplay.open(
            settings: DisplaySettings(connector: "HDMI-A-1", width: 1280, height: 720, refreshHz: 60),
            system: systemWithCard(), openCard: { _ in card }, log: { Issue.record("unexpected warning \($0)") }))
        #expect(display.mode.width == 1280 && display.mode.refreshHz == 60)
        #expect(display.crtcID == 70)
        display.show { $0.fill(XRGBColor(red: 1, green: 2, blue: 3)) }
        let first = try #require(card.shownFramebuffer)
        display.show { $0.fill(.white) }
        let second = try #require(card.shownFramebuffer)
        #expect(first != second)
        #expect(card.framebuffers[second]![0] == XRGBColor.white.rawValue)
        #expect(card.framebuffers[first]![1280 * 720 - 1] == XRGBColor(red: 1, green: 2, blue: 3).rawValue)
        display.close()
        let events = card.events
        #expect(events.contains("save 70"))
        #expect(events.filter { $0.hasPrefix("flip") }.count == 2)
        #expect(events.firstIndex(of: "restore 31")! < events.lastIndex(where: { $0.hasPrefix("destroy") })!)
        #expect(events.last == "close")
    }

    @Test func failingPageFlipFallsBackToSetCrtc() throws {
        let card = FakeModeSettingCard(path: "/dev/dri/card0", connectors: [hdmi])
        card.pageFlipError = .invalidArgument
        let log = LogLines()
        let display = try #require(DRMDisplay.open(settings: DisplaySettings(), system: systemWithCard(),
                                                   openCard: { _ in card }, log: log.append))
        #expect(display.mode.width == 1920)
        for _ in 0..<3 { display.show { $0.fill(.black) } }
        #expect(display.framesShown == 3)
        #expect(log.lines.count == 1)
        #expect(log.lines[0].contains("page flip not available"))
        #expect(card.events.filter { $0.hasPrefix("setcrtc") }.count == 4)
    }
}
