import CLinuxGPIO
import CV4L2
import Testing
@testable import EdgeDevices
@testable import EdgeSystem

@Suite struct SystemLayerTests {
    @Test func interruptedCallsAreRetried() throws {
        var calls = 0
        var errors: [Errno] = [.interrupted, .interrupted]
        let result = try retryingOnInterrupt("read", errno: { errors.removeFirst() }) { () -> Int in
            calls += 1
            return calls < 3 ? -1 : 7
        }
        #expect(result == 7)
        #expect(calls == 3)
    }

    @Test func otherErrorsAreThrownWithTheirErrno() {
        #expect(throws: SystemError(.noDevice, operation: "VIDIOC_DQBUF")) {
            _ = try retryingOnInterrupt("VIDIOC_DQBUF", errno: { .noDevice }) { Int32(-1) }
        }
    }

    @Test func errorsNameDeviceOperationAndErrno() {
        let error = SystemError(.busy, operation: "open").on("/dev/video0").withHint("Held by motion (pid 7)")
        #expect(error.description.hasPrefix("/dev/video0: open: "))
        #expect(error.description.contains("(EBUSY)"))
        #expect(error.description.hasSuffix("Held by motion (pid 7)"))
        // A path already attributed is kept.
        #expect(error.on("/dev/other").path == "/dev/video0")
    }

    /// The encoded request numbers equal the kernel headers' macros (values printed by a C program
    /// including linux/videodev2.h, linux/gpio.h and drm.h on x86_64).
    @Test func ioctlNumbersMatchTheKernelHeaders() {
        #expect(V4L2Request.queryCapability.rawValue == 0x8068_5600)
        #expect(V4L2Request.setFormat.rawValue == 0xC0D0_5605)
        #expect(V4L2Request.requestBuffers.rawValue == 0xC014_5608)
        #expect(V4L2Request.queryBuffer.rawValue == 0xC058_5609)
        #expect(V4L2Request.queueBuffer.rawValue == 0xC058_560F)
        #expect(V4L2Request.dequeueBuffer.rawValue == 0xC058_5611)
        #expect(V4L2Request.streamOn.rawValue == 0x4004_5612)
        #expect(V4L2Request.getParameters.rawValue == 0xC0CC_5615)
        #expect(V4L2Request.setParameters.rawValue == 0xC0CC_5616)
        #expect(V4L2Request.enumerateFormat.rawValue == 0xC040_5602)
        #expect(GPIORequest.chipInfo.rawValue == 0x8044_B401)
        #expect(GPIORequest.lineInfo.rawValue == 0xC100_B405)
        #expect(GPIORequest.requestLines.rawValue == 0xC250_B407)
        #expect(GPIORequest.setValues.rawValue == 0xC010_B40F)
        #expect(DRMRequest.createDumb.rawValue == 0xC020_64B2)
        #expect(DRMRequest.mapDumb.rawValue == 0xC010_64B3)
        #expect(DRMRequest.destroyDumb.rawValue == 0xC004_64B4)
    }

    @Test func rawTerminalModeSetsBaudAndRefusesOthers() throws {
        var attributes = TerminalAttributes()
        try attributes.makeRaw(baud: 115200)
        #expect(attributes.outputSpeed == speed_t(B115200))
        #expect(attributes.raw.c_lflag & tcflag_t(ICANON) == 0)
        #expect(attributes.raw.c_lflag & tcflag_t(ECHO) == 0)
        #expect(throws: SystemError.self) { try attributes.makeRaw(baud: 12345) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
