import EdgeSystem

/// Binary PGM (P5, maxval 255) files: what `camera --output` writes and `display --image` reads.
struct PGMFile {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    struct FormatError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): not a binary 8-bit PGM (\(reason))" }
    }

    func write(to path: String, system: any SystemCalls = LinuxSystemCalls()) throws {
        let file = try DeviceFile(path: path, flags: [.writeOnly, .create, .truncate], system: system)
        defer { file.close() }
        try file.write(Array("P5\n\(width) \(height)\n255\n".utf8) + pixels)
    }

    static func read(_ path: String, system: any SystemCalls = LinuxSystemCalls()) throws -> PGMFile {
        let bytes = try system.readSmallFile(path, limit: 64 << 20)
        var position = 0
        func token() throws -> String {
            while position < bytes.count {
                if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 0x0A { position += 1 }
                } else if [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) {
                    position += 1
                } else {
                    break
                }
            }
            let start = position
            while position < bytes.count && ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
            guard position > start else { throw FormatError(path: path, reason: "header ends early") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        guard try token() == "P5" else { throw FormatError(path: path, reason: "magic is not P5") }
        guard let width = Int(try token()), let height = Int(try token()), width > 0, height > 0,
              width <= 16384, height <= 16384 else { throw FormatError(path: path, reason: "bad size") }
        guard try token() == "255" else { throw FormatError(path: path, reason: "maxval is not 255") }
        position += 1
        guard bytes.count - position >= width * height else {
            throw FormatError(path: path, reason: "\(width * height) pixel bytes expected, \(max(0, bytes.count - position)) present")
        }
        return PGMFile(width: width, height: height, pixels: Array(bytes[position..<(position + width * height)]))
    }
}
