import CV4L2
import Testing
@testable import EdgeDevices
@testable import EdgeSystem

@Suite struct CameraTests {
    private func makeSystem(camera: FakeCamera) -> FakeSystem {
        let system = FakeSystem()
        system.devices["/dev/video0"] = camera
        system.directories["/dev"] = ["null", "video0"]
        return system
    }

    private func settings(_ source: CameraSettings.Source = .path("/dev/video0")) -> CameraSettings {
        CameraSettings(source: source, format: .yuyv, width: 64, height: 48, framesPerSecond: 30, bufferCount: 4,
                       stallSeconds: 2, initialBackoffSeconds: 0.25, maximumBackoffSeconds: 4)
    }

    @Test func capturesGrayFromYUYVWithTimestampsAndFrameRate() throws {
        let fake = FakeCamera()
        let system = makeSystem(camera: fake)
        let camera = V4L2Camera(settings: settings(), system: system, clock: FakeClock())
        try camera.open()
        #expect(camera.format?.pixelFormat == .yuyv)
        #expect(camera.format?.width == 64)
        #expect(fake.requestedInterval.map { [$0.0, $0.1] } == [1, 30])
        var gray: [UInt8] = []
        var frames: [CapturedFrame] = []
        for _ in 0..<6 {
            if let frame = try camera.nextFrame(into: &gray) { frames.append(frame) }
        }
        #expect(frames.count == 6)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $1.timestamp > $0.timestamp })
        let last = try #require(frames.last)
        #expect(gray.count == 64 * 48)
        var mismatches = 0
        for y in 0..<48 {
            for x in 0..<64 where gray[y * 64 + x] != FakeCamera.luma(x: x, y: y, frame: last.sequence) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        camera.close()
        #expect(system.mappingCount == 0)
        #expect(!fake.streaming)
    }

    @Test func unplugReconnectsWithBackoff() throws {
        let fake = FakeCamera()
        let system = makeSystem(camera: fake)
        let clock = FakeClock()
        let log = LogLines()
        let camera = V4L2Camera(settings: settings(), system: system, clock: clock, log: log.append)
        try camera.open()
        var gray: [UInt8] = []
        #expect(try camera.nextFrame(into: &gray) != nil)

        // Unplugged: the device errors, then the node is gone for two attempts, then it is back.
        fake.unplugged = true
        #expect(try camera.nextFrame(into: &gray) == nil)
        #expect(!camera.isConnected)
        fake.unplugged = false
        system.openErrors["/dev/video0"] = [.noSuchFileOrDirectory, .noSuchFileOrDirectory]
        var frame: CapturedFrame?
        var attempts = 0
        while frame == nil && attempts < 50 {
            if attempts == 6 { system.openErrors["/dev/video0"] = nil }
            frame = try camera.nextFrame(into: &gray)
            attempts += 1
        }
        #expect(frame != nil)
        #expect(camera.reconnects == 1)
        #expect(log.lines.first?.contains("lost") == true)
        #expect(log.lines.contains { $0.contains("next try in 0.25 s") })
        #expect(log.lines.contains { $0.contains("next try in 0.5 s") })
        #expect(log.lines.last?.contains("reconnected") == true)
        // Waiting between attempts happens in bounded sleeps, never a busy loop.
        #expect(!clock.sleeps.isEmpty && clock.sleeps.allSatisfy { $0 > 0 && $0 <= 0.25 })
    }

    @Test func permissionAndBusyRightAfterReplugAreRetried() throws {
        let fake = FakeCamera()
        let system = makeSystem(camera: fake)
        let log = LogLines()
        let camera = V4L2Camera(settings: settings(), system: system, clock: FakeClock(), log: log.append)
        try camera.open()
        fake.unplugged = true
        var gray: [UInt8] = []
        #expect(try camera.nextFrame(into: &gray) == nil)
        fake.unplugged = false
        // udev has not set the group yet, then the old session is still closing, then it opens.
        system.openErrors["/dev/video0"] = [.permissionDenied, .busy]
        var frame: CapturedFrame?
        for attempt in 0..<30 where frame == nil {
            if attempt == 8 { system.openErrors["/dev/video0"] = nil }
            frame = try camera.nextFrame(into: &gray)
        }
        #expect(frame != nil)
        #expect(log.lines.contains { $0.contains("(EACCES)") && $0.contains("next try") })
        #expect(log.lines.contains { $0.contains("(EBUSY)") && $0.contains("next try") })
        #expect(camera.reconnects == 1)
    }

    @Test func stalledStreamReconnects() throws {
        let fake = FakeCamera()
        let system = makeSystem(camera: fake)
        let clock = FakeClock()
        let log = LogLines()
        let camera = V4L2Camera(settings: settings(), system: system, clock: clock, log: log.append)
        try camera.open()
        fake.stalled = true
        var gray: [UInt8] = []
        #expect(try camera.nextFrame(into: &gray) == nil)
        #expect(camera.isConnected)
        clock.time += 3
        #expect(try camera.nextFrame(into: &gray) == nil)
        #expect(!camera.isConnected)
        #expect(log.lines.contains { $0.contains("stalled") })
        fake.stalled = false
        var frame: CapturedFrame?
        for _ in 0..<10 where frame == nil { frame = try camera.nextFrame(into: &gray) }
        #expect(frame != nil)
        #expect(camera.reconnects == 1)
    }

    @Test func busyDeviceNamesTheHolder() throws {
        let system = makeSystem(camera: FakeCamera())
        system.openErrors["/dev/video0"] = [.busy]
        system.directories["/proc"] = ["1", "377", "4242", "self", "cpuinfo"]
        system.directories["/proc/1/fd"] = ["0"]
        system.links["/proc/1/fd/0"] = "/dev/null"
        system.directories["/proc/377/fd"] = ["0", "1", "9"]
        system.links["/proc/377/fd/9"] = "/dev/video0"
        system.files["/proc/377/comm"] = Array("motion\n".utf8)
        let camera = V4L2Camera(settings: settings(), system: system, clock: FakeClock())
        do {
            try camera.open()
            Issue.record("open should fail")
        } catch let error as SystemError {
            #expect(error.errno == .busy)
            #expect(error.path == "/dev/video0")
            #expect(error.description.contains("Held by motion (pid 377)"))
        }
    }

    @Test func permissionDeniedNamesTheGroup() throws {
        let system = makeSystem(camera: FakeCamera())
        system.openErrors["/dev/video0"] = [.permissionDenied]
        system.statuses["/dev/video0"] = FileStatus(mode: 0o20660, ownerID: 0, groupID: 44, deviceNumber: 0)
        system.groups[44] = "video"
        let camera = V4L2Camera(settings: settings(), system: system, clock: FakeClock())
        #expect {
            try camera.open()
        } throws: { error in
            "\(error)".contains("(EACCES)") && "\(error)".contains("usermod -aG video")
        }
    }

    @Test func cardNameIsResolvedAndMissingCardListsWhatExists() throws {
        let fake = FakeCamera()
        fake.card = "vivid"
        let system = makeSystem(camera: fake)
        let camera = V4L2Camera(settings: settings(.card("VIVID")), system: system, clock: FakeClock())
        try camera.open()
        #expect(camera.devicePath == "/dev/video0")
        camera.close()
        let missing = V4L2Camera(settings: settings(.card("imx219")), system: system, clock: FakeClock())
        #expect {
            try missing.open()
        } throws: { error in
            "\(error)".contains("imx219") && "\(error)".contains("/dev/video0 \"vivid\"")
        }
    }

    @Test func grayExtractionHandlesPaddedRowsAndShortBuffers() {
        // GREY with 8 bytes of padding per row.
        let format = NegotiatedFormat(pixelFormat: .grey, width: 4, height: 2, bytesPerLine: 12,
                                      intervalNumerator: 1, intervalDenominator: 30)
        let source: [UInt8] = [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8]
        var gray = [UInt8](repeating: 0, count: 8)
        let ok = source.withUnsafeBytes { bytes in
            gray.withUnsafeMutableBufferPointer { GrayExtraction.extract(from: bytes, format: format, into: $0) }
        }
        #expect(ok)
        #expect(gray == [1, 2, 3, 4, 5, 6, 7, 8])
        let truncated = Array(source.prefix(10))
        let refused = truncated.withUnsafeBytes { bytes in
            gray.withUnsafeMutableBufferPointer { GrayExtraction.extract(from: bytes, format: format, into: $0) }
        }
        #expect(!refused)
    }
}
