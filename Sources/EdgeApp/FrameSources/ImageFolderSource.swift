import Foundation

/// Decodes one image file to 8-bit gray; injected so that the folder source does not depend on codecs.
public typealias GrayImageDecoder = @Sendable (_ path: String) throws -> (width: Int, height: Int, pixels: [UInt8])

/// Replays the images of a folder in name order, each held for `framesPerImage` frames (a camera looking at a
/// still picture), with timestamps `index / framesPerSecond`, optionally looping. Files whose extension the
/// decoder does not handle are skipped; an image that fails to decode is reported and skipped.
public final class ImageFolderSource: FrameSource {
    public let folder: String
    public let files: [String]
    public let framesPerImage: Int
    public let framesPerSecond: Double
    public let loop: Bool
    private let decode: GrayImageDecoder
    private let log: @Sendable (String) -> Void
    private var nextIndex = 0
    private var cached: (file: Int, frame: GrayFrame)?

    public var summary: String {
        "folder \(folder) (\(files.count) images, \(framesPerImage) frames each at \(String(format: "%.3g", framesPerSecond)) fps\(loop ? ", looping" : ""))"
    }

    public init(folder: String, extensions: Set<String>, decode: @escaping GrayImageDecoder, framesPerImage: Int = 1,
                framesPerSecond: Double = 10, loop: Bool = false, log: @escaping @Sendable (String) -> Void) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FrameSourceError.unreadable(path: folder, reason: "no such folder")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
        guard !names.isEmpty else {
            throw FrameSourceError.empty(path: folder, reason: "no images with extension \(extensions.sorted().joined(separator: ", ")) in this folder")
        }
        self.folder = folder
        self.files = names.map { (folder as NSString).appendingPathComponent($0) }
        self.framesPerImage = max(1, framesPerImage)
        self.framesPerSecond = framesPerSecond
        self.loop = loop
        self.decode = decode
        self.log = log
    }

    public func nextFrame() throws -> GrayFrame? {
        var failures = 0
        while true {
            let position = nextIndex / framesPerImage
            if position >= files.count && !loop { return nil }
            let file = position % files.count
            if cached?.file != file {
                do {
                    let image = try decode(files[file])
                    cached = (file, GrayFrame(width: image.width, height: image.height, pixels: image.pixels, index: 0,
                                              timestamp: 0, origin: (files[file] as NSString).lastPathComponent))
                } catch {
                    log("folder: skipping \(files[file]): \(error)")
                    failures += 1
                    nextIndex = (position + 1) * framesPerImage
                    if failures >= files.count {
                        throw FrameSourceError.empty(path: folder, reason: "none of the \(files.count) images could be decoded")
                    }
                    continue
                }
            }
            var frame = cached!.frame
            frame.index = nextIndex
            frame.timestamp = Double(nextIndex) / framesPerSecond
            nextIndex += 1
            return frame
        }
    }

    public func close() {
        cached = nil
    }
}
