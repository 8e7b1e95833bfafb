import CImageCodecs
import Foundation

/// A decoded image file: gray files stay one channel, colour files become RGB
/// (alpha is dropped, as OpenCV's imread(IMREAD_COLOR) does).
public enum DecodedImage: Sendable, Equatable {
    case gray(GrayImage)
    case rgb(RGBImage)

    public var width: Int {
        switch self {
        case .gray(let image): return image.width
        case .rgb(let image): return image.width
        }
    }

    public var height: Int {
        switch self {
        case .gray(let image): return image.height
        case .rgb(let image): return image.height
        }
    }

    /// The luma image (OpenCV BGR2GRAY weights for colour files).
    public var gray: GrayImage {
        switch self {
        case .gray(let image): return image
        case .rgb(let image): return GrayImage(image)
        }
    }

    /// Reads a PNG, JPEG or binary PGM (P5) file, chosen by its first bytes.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImageError.unreadable(path: path, reason: Self.reason(for: error))
        }
        try self.init(fileData: [UInt8](data), path: path)
    }

    /// Decodes an image file held in memory; `path` only names it in errors.
    public init(fileData bytes: [UInt8], path: String) throws {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            self = try Self.decodeWithCodec(bytes, path: path, codec: edge_png_decode)
        } else if bytes.starts(with: [0xFF, 0xD8]) {
            self = try Self.decodeWithCodec(bytes, path: path, codec: edge_jpeg_decode)
        } else if bytes.starts(with: [0x50, 0x35]) {  // "P5"
            self = .gray(try PortableGraymap.decode(bytes, path: path))
        } else {
            throw ImageError.unknownFormat(path: path)
        }
    }

    private typealias Codec = (
        UnsafePointer<UInt8>?, Int, UInt32, UnsafeMutablePointer<edge_decoded_image>?, UnsafeMutablePointer<CChar>?
    ) -> Int32

    private static func decodeWithCodec(_ bytes: [UInt8], path: String, codec: Codec) throws -> DecodedImage {
        var decoded = edge_decoded_image()
        var message = [CChar](repeating: 0, count: Int(EDGE_CODEC_ERROR_CAPACITY))
        let status = bytes.withUnsafeBufferPointer { buffer in
            codec(buffer.baseAddress, buffer.count, UInt32(ImageLimits.maximumSide), &decoded, &message)
        }
        guard status == 0, let pixels = decoded.pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.contains("exceeds") || text.contains("limit is") || text.contains("Image width")
                || text.contains("Image height") || text.contains("Invalid IHDR")
            {
                throw ImageError.corrupt(path: path, reason: text + " (images must be 1...\(ImageLimits.maximumSide) per side)")
            }
            throw ImageError.corrupt(path: path, reason: text.isEmpty ? "decoder failed" : text)
        }
        defer { edge_codec_free(pixels) }
        let width = Int(decoded.width)
        let height = Int(decoded.height)
        guard ImageLimits.accepts(width: width, height: height) else {
            throw ImageError.badDimensions(path: path, width: width, height: height)
        }
        let samples = [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * Int(decoded.channels)))
        if decoded.channels == 1 {
            return .gray(GrayImage(uncheckedWidth: width, height: height, pixels: samples))
        }
        return .rgb(RGBImage(uncheckedWidth: width, height: height, pixels: samples))
    }

    static func reason(for error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return error.localizedDescription
    }
}

extension GrayImage {
    /// Reads a PNG, JPEG or PGM file and converts it to gray the way cv2.imread + cvtColor(BGR2GRAY) does.
    public init(contentsOfFile path: String) throws {
        self = try DecodedImage(contentsOfFile: path).gray
    }
}
