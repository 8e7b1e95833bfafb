import Foundation

/// Frames from a YUV4MPEG2 (`.y4m`) video: the raw format ffmpeg, GStreamer and v4l2loopback tools write
/// (`ffmpeg -i in.mp4 -pix_fmt gray out.y4m`). The Y (luma) plane of each frame becomes the gray frame;
/// colour spaces `mono`, `420*` (default), `422` and `444` are accepted, interlacing and aspect are ignored.
/// Timestamps follow the header's frame rate (`F30:1`, 30 fps when absent), starting at 0.
public final class Y4MFileSource: FrameSource {
    public let path: String
    public let width: Int
    public let height: Int
    public let framesPerSecond: Double
    private let chromaBytes: Int
    private let handle: FileHandle
    private var nextIndex = 0
    private var offset: UInt64

    public var summary: String {
        "video \(path) \(width)x\(height) \(String(format: "%.3g", framesPerSecond)) fps (YUV4MPEG2)"
    }

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FrameSourceError.unreadable(path: path, reason: "no such file or no permission to read it")
        }
        self.handle = handle
        let magic = Array("YUV4MPEG2 ".utf8)
        guard (try? handle.read(upToCount: magic.count)).flatMap({ $0.map { [UInt8]($0) } }) == magic else {
            throw FrameSourceError.malformed(path: path, reason: "not a YUV4MPEG2 file (the first line must start with \"YUV4MPEG2 \")")
        }
        let headerLine = "YUV4MPEG2 " + (try Self.readLine(handle, path: path, maxLength: 1024, what: "stream header"))
        let fields = headerLine.split(separator: " ").map(String.init)
        guard fields.first == "YUV4MPEG2" else {
            throw FrameSourceError.malformed(path: path, reason: "not a YUV4MPEG2 file (the first line must start with \"YUV4MPEG2 \")")
        }
        var width = 0, height = 0, fps = 30.0, colourSpace = "420jpeg"
        for field in fields.dropFirst() {
            guard let tag = field.first else { continue }
            let value = String(field.dropFirst())
            switch tag {
            case "W": width = Int(value) ?? 0
            case "H": height = Int(value) ?? 0
            case "F":
                let parts = value.split(separator: ":").compactMap { Double($0) }
                guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                    throw FrameSourceError.malformed(path: path, reason: "frame rate \"F\(value)\" is not of the form F<num>:<den>")
                }
                fps = parts[0] / parts[1]
            case "C": colourSpace = value
            default: break
            }
        }
        guard (1...16384).contains(width), (1...16384).contains(height) else {
            throw FrameSourceError.malformed(path: path, reason: "header needs a width W and height H between 1 and 16384, got W\(width) H\(height)")
        }
        let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
        switch colourSpace {
        case "mono": chromaBytes = 0
        case _ where colourSpace.hasPrefix("420"): chromaBytes = 2 * chromaWidth * chromaHeight
        case "422": chromaBytes = 2 * chromaWidth * height
        case "444": chromaBytes = 2 * width * height
        default:
            throw FrameSourceError.malformed(path: path, reason: "colour space C\(colourSpace) is not supported (use mono, 420jpeg, 420paldv, 420mpeg2, 422 or 444, 8-bit)")
        }
        self.width = width
        self.height = height
        self.framesPerSecond = fps
        self.offset = UInt64(headerLine.utf8.count + 1)
    }

    public func nextFrame() throws -> GrayFrame? {
        let marker: String
        do {
            marker = try Self.readLine(handle, path: path, maxLength: 1024, what: "frame \(nextIndex) header")
        } catch FrameSourceError.empty {
            return nil
        }
        guard marker.hasPrefix("FRAME") else {
            throw FrameSourceError.malformed(path: path, reason: "frame \(nextIndex) at byte \(offset): expected \"FRAME\", found \(marker.prefix(16).debugDescription)")
        }
        offset += UInt64(marker.utf8.count + 1)
        let luma = try handle.read(upToCount: width * height) ?? Data()
        let chroma = chromaBytes > 0 ? (try handle.read(upToCount: chromaBytes) ?? Data()) : Data()
        guard luma.count == width * height, chroma.count == chromaBytes else {
            throw FrameSourceError.malformed(path: path, reason: "frame \(nextIndex) at byte \(offset) is truncated: \(luma.count + chroma.count) of \(width * height + chromaBytes) bytes")
        }
        offset += UInt64(luma.count + chroma.count)
        let frame = GrayFrame(width: width, height: height, pixels: [UInt8](luma), index: nextIndex,
                              timestamp: Double(nextIndex) / framesPerSecond, origin: (path as NSString).lastPathComponent)
        nextIndex += 1
        return frame
    }

    public func close() {
        try? handle.close()
    }

    /// Reads up to and without the next "\n"; `.empty` at a clean end of file.
    private static func readLine(_ handle: FileHandle, path: String, maxLength: Int, what: String) throws -> String {
        var bytes: [UInt8] = []
        while true {
            guard let chunk = try handle.read(upToCount: 1), let byte = chunk.first else {
                if bytes.isEmpty { throw FrameSourceError.empty(path: path, reason: "end of file before the \(what)") }
                throw FrameSourceError.malformed(path: path, reason: "the \(what) is cut off (no newline)")
            }
            if byte == 0x0A { break }
            bytes.append(byte)
            if bytes.count > maxLength {
                throw FrameSourceError.malformed(path: path, reason: "the \(what) is longer than \(maxLength) bytes: not a YUV4MPEG2 file?")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
