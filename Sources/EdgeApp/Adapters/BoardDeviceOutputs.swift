// PENDING: opens the serial port, GPIO LEDs and DRM display through EdgeDevices when the board branch lands them.
struct BoardDeviceOutputs {
    var serial: LineSink?
    var leds: LEDOutput?
    var display: FrameDisplay?

    init(configuration: RunConfiguration, log: @escaping @Sendable (String) -> Void) {}
}
