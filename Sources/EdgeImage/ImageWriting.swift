import CImageCodecs
import Foundation

extension GrayImage {
    /// The image as a PNG file's bytes (8-bit gray).
    public func pngData() throws -> [UInt8] {
        try encodePNG(pixels: pixels, width: width, height: height, channels: 1)
    }

    /// Writes a PNG (".png") or binary PGM (any other extension) file.
    public func write(toFile path: String) throws {
        let bytes = path.lowercased().hasSuffix(".png") ? try pngData() : PortableGraymap.encode(self)
        try writeFile(bytes, path: path)
    }
}

extension RGBImage {
    /// The image as a PNG file's bytes (8-bit RGB).
    public func pngData() throws -> [UInt8] {
        try encodePNG(pixels: pixels, width: width, height: height, channels: 3)
    }

    /// Writes a PNG file.
    public func write(toFile path: String) throws {
        try writeFile(try pngData(), path: path)
    }
}

private func encodePNG(pixels: [UInt8], width: Int, height: Int, channels: UInt32) throws -> [UInt8] {
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: Int(EDGE_CODEC_ERROR_CAPACITY))
    let status = pixels.withUnsafeBufferPointer { buffer in
        edge_png_encode(buffer.baseAddress, UInt32(width), UInt32(height), channels, &output, &size, &message)
    }
    guard status == 0, let output else {
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw ImageError.invalidArgument("PNG encoding of a \(width)x\(height) image failed: \(text)")
    }
    defer { edge_codec_free(output) }
    return [UInt8](UnsafeBufferPointer(start: output, count: size))
}

private func writeFile(_ bytes: [UInt8], path: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw ImageError.unwritable(path: path, reason: DecodedImage.reason(for: error))
    }
}
