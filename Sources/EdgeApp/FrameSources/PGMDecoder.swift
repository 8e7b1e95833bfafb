import Foundation

/// Binary PGM (`P5`, maxval <= 255) to gray: the one image format the app reads without a codec library.
public enum PGMDecoder {
    public static func decode(path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FrameSourceError.unreadable(path: path, reason: "no such file or no permission to read it")
        }
        return try decode(data: [UInt8](data), path: path)
    }

    public static func decode(data: [UInt8], path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var position = 0
        func token() throws -> String {
            while position < data.count {
                if data[position] == UInt8(ascii: "#") {
                    while position < data.count && data[position] != 0x0A { position += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(data[position]) {
                    position += 1
                } else { break }
            }
            let start = position
            while position < data.count && ![0x20, 0x09, 0x0A, 0x0D].contains(data[position]) && position - start < 16 {
                position += 1
            }
            guard position > start else { throw FrameSourceError.malformed(path: path, reason: "PGM header is cut off") }
            return String(decoding: data[start..<position], as: UTF8.self)
        }
        guard try token() == "P5" else {
            throw FrameSourceError.malformed(path: path, reason: "not a binary PGM (P5) file")
        }
        guard let width = Int(try token()), let height = Int(try token()), let maxValue = Int(try token()),
              (1...16384).contains(width), (1...16384).contains(height), (1...255).contains(maxValue) else {
            throw FrameSourceError.malformed(path: path, reason: "PGM header needs width and height in 1...16384 and maxval in 1...255")
        }
        position += 1
        guard data.count - position >= width * height else {
            throw FrameSourceError.malformed(path: path, reason: "PGM pixel data is truncated: \(max(0, data.count - position)) of \(width * height) bytes")
        }
        var pixels = Array(data[position..<position + width * height])
        if maxValue != 255 { pixels = pixels.map { UInt8(min(255, Int($0) * 255 / maxValue)) } }
        return (width, height, pixels)
    }
}
