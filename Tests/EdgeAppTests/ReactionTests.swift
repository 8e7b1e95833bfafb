import EdgeBoardConfig
import EdgeSystem
import Foundation
import Testing
@testable import EdgeApp

@Suite struct ReactionTests {
    @Test func patterns() {
        #expect(LEDConfig.Pattern.on.isOn(secondsSinceStart: 123.4))
        let blink = LEDConfig.Pattern.blink(hertz: 2)  // 0.25 s on, 0.25 s off
        #expect([0.0, 0.1, 0.24, 0.26, 0.49, 0.5, 0.74, 0.76].map { blink.isOn(secondsSinceStart: $0) }
                == [true, true, true, false, false, true, true, false])
        let pulse = LEDConfig.Pattern.pulse(periodSeconds: 1, widthSeconds: 0.2)
        #expect([0.0, 0.19, 0.21, 0.99, 1.05, 1.3].map { pulse.isOn(secondsSinceStart: $0) }
                == [true, true, false, false, true, false])
    }

    let settings = ReactionsConfig(
        leds: ["happy": .init(line: .name("LED_HAPPY"), pattern: .on),
               "surprise": .init(line: .name("LED_SURPRISE"), pattern: .blink(hertz: 4)),
               "angry": .init(line: .name("LED_HAPPY"), pattern: .pulse(periodSeconds: 1, widthSeconds: 0.1))],
        holdSeconds: 2, cooldownSeconds: 5)

    @Test func minimumHoldDelaysAChange() {
        var controller = ReactionController(settings: settings)
        do { let changed = controller.want(.happy, at: 0); #expect(changed) }
        do { let changed = controller.want(.surprise, at: 1.0); #expect(!changed) }
        #expect(controller.active?.emotion == .happy)
        do { let changed = controller.want(.surprise, at: 2.0); #expect(changed) }
        #expect(controller.active == .init(emotion: .surprise, since: 2.0))
        #expect(controller.levels(at: 2.0) == ["LED_HAPPY": false, "LED_SURPRISE": true])
        #expect(controller.levels(at: 2.15) == ["LED_HAPPY": false, "LED_SURPRISE": false])
    }

    @Test func cooldownStopsARepeat() {
        var controller = ReactionController(settings: settings)
        controller.want(.happy, at: 0)
        controller.want(nil, at: 3)  // happy ends at 3
        #expect(controller.active == nil)
        do { let changed = controller.want(.happy, at: 4); #expect(!changed) }  // 1 s after: still cooling down
        #expect(controller.active == nil)
        do { let changed = controller.want(.happy, at: 8); #expect(changed) }  // 5 s after
        #expect(controller.active?.emotion == .happy)
    }

    @Test func unconfiguredEmotionTurnsEverythingOff() {
        var controller = ReactionController(settings: settings)
        controller.want(.happy, at: 0)
        #expect(controller.levels(at: 1) == ["LED_HAPPY": true, "LED_SURPRISE": false])
        controller.want(.sad, at: 3)
        #expect(controller.active == nil)
        #expect(controller.levels(at: 3) == ["LED_HAPPY": false, "LED_SURPRISE": false])
    }

    @Test func hookRunsWithoutBlockingAndIsRateLimited() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edge-hook-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out").path
        let hook = HookConfig(command: "sleep 0.3; echo \"$EDGE_EMOTION $EDGE_PREVIOUS_EMOTION $EDGE_FACE_ID\" >> '\(out)'",
                                         minimumIntervalSeconds: 10)
        let launcher = HookLauncher(hook: hook, log: { _ in })
        let start = MonotonicClock().now()
        launcher.trigger(.init(emotion: .happy, previous: nil, faceID: 3, score: 0.8, frame: 1), now: 100)
        #expect(MonotonicClock().now() - start < 0.2, "trigger must not wait for the command")
        launcher.trigger(.init(emotion: .sad, previous: .happy, faceID: 3, score: 0.7, frame: 2), now: 100.1)
        #expect(launcher.waitUntilIdle(timeout: 5))
        launcher.trigger(.init(emotion: .sad, previous: .happy, faceID: 3, score: 0.7, frame: 3), now: 105)
        launcher.trigger(.init(emotion: .fear, previous: .sad, faceID: 3, score: 0.7, frame: 4), now: 111)
        #expect(launcher.waitUntilIdle(timeout: 5))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["happy none 3", "fear sad 3"])
        #expect(launcher.statistics == .init(started: 2, skippedRateLimit: 1, skippedStillRunning: 1, failedToStart: 0))
    }
}
