import Foundation

/// Binary PGM ("P5", maxval 1...255) reading and writing.
public enum PortableGraymap {
    public static func decode(_ bytes: [UInt8], path: String) throws -> GrayImage {
        var index = 2
        func field(_ name: String) throws -> Int {
            // Whitespace and '#' comments separate header fields.
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                    index += 1
                } else {
                    break
                }
            }
            var value = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
                if value > 1 << 30 {
                    throw ImageError.corrupt(path: path, reason: "PGM \(name) is too large")
                }
            }
            guard digits > 0 else {
                throw ImageError.corrupt(path: path, reason: "PGM header: missing or malformed \(name)")
            }
            return value
        }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else {
            throw ImageError.unknownFormat(path: path)
        }
        let width = try field("width")
        let height = try field("height")
        let maxValue = try field("maxval")
        guard ImageLimits.accepts(width: width, height: height) else {
            throw ImageError.badDimensions(path: path, width: width, height: height)
        }
        guard (1...255).contains(maxValue) else {
            throw ImageError.corrupt(path: path, reason: "PGM maxval \(maxValue) is not 1...255 (16-bit PGM unsupported)")
        }
        guard index < bytes.count else {
            throw ImageError.corrupt(path: path, reason: "PGM header is not followed by pixel data")
        }
        index += 1  // the single whitespace byte after maxval
        let count = width * height
        guard bytes.count - index >= count else {
            throw ImageError.corrupt(path: path, reason: "PGM has \(bytes.count - index) of \(count) pixel bytes")
        }
        return GrayImage(uncheckedWidth: width, height: height, pixels: Array(bytes[index..<(index + count)]))
    }

    public static func encode(_ image: GrayImage) -> [UInt8] {
        Array("P5\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
    }
}
