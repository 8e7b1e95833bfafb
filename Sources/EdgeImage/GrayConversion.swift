extension GrayImage {
    /// Luma with OpenCV 4.x's COLOR_BGR2GRAY fixed-point weights, bit-exact with cv2.cvtColor on uint8
    /// (OpenCV 4 uses 15 fractional bits, not the 14 of its 2.x tables; checked on 10^6 random colours):
    /// gray = (R*9798 + G*19235 + B*3735 + 16384) >> 15. The weights sum to 32768, so a gray pixel
    /// (R = G = B) maps to itself and the result never exceeds 255.
    public init(_ rgb: RGBImage) {
        var gray = [UInt8](repeating: 0, count: rgb.width * rgb.height)
        rgb.pixels.withUnsafeBufferPointer { source in
            gray.withUnsafeMutableBufferPointer { destination in
                for index in 0..<destination.count {
                    let red = UInt32(source[3 * index])
                    let green = UInt32(source[3 * index + 1])
                    let blue = UInt32(source[3 * index + 2])
                    destination[index] = UInt8((red * 9798 + green * 19235 + blue * 3735 + 16384) >> 15)
                }
            }
        }
        self.init(uncheckedWidth: rgb.width, height: rgb.height, pixels: gray)
    }
}
