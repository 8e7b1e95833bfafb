import CLinuxGPIO
import EdgeSystem

/// GPIO character device ioctls (linux/gpio.h, uAPI v2 for lines), sized by the kernel's own structs.
enum GPIORequest {
    private static let gpioType: UInt8 = 0xB4
    static let chipInfo = IoctlRequest.read("GPIO_GET_CHIPINFO_IOCTL", type: gpioType, number: 0x01, gpiochip_info.self)
    static let lineInfo = IoctlRequest.readWrite("GPIO_V2_GET_LINEINFO_IOCTL", type: gpioType, number: 0x05,
                                                 gpio_v2_line_info.self)
    static let requestLines = IoctlRequest.readWrite("GPIO_V2_GET_LINE_IOCTL", type: gpioType, number: 0x07,
                                                     gpio_v2_line_request.self)
    static let setValues = IoctlRequest.readWrite("GPIO_V2_LINE_SET_VALUES_IOCTL", type: gpioType, number: 0x0F,
                                                  gpio_v2_line_values.self)
    static let getValues = IoctlRequest.readWrite("GPIO_V2_LINE_GET_VALUES_IOCTL", type: gpioType, number: 0x0E,
                                                  gpio_v2_line_values.self)
}

/// Copies `text` into a fixed-size C char array (NUL-terminated, truncated to fit).
func setCString<Tuple>(_ tuple: inout Tuple, _ text: String) {
    withUnsafeMutableBytes(of: &tuple) { bytes in
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
        for (index, byte) in text.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
    }
}
