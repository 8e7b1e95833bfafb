import EdgeImage
import Foundation

/// A folder of images for calibration or evaluation: either one subfolder per class (the Keras
/// `image_dataset_from_directory` layout; other files at the top are ignored) or a flat folder of
/// images. PNG, JPEG and binary PGM, found by extension (case-insensitive), in sorted order.
public struct ImageFolder: Sendable {
    public struct Entry: Sendable, Equatable {
        public var path: String
        /// The class subfolder's name; nil in a flat folder.
        public var className: String?
    }

    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "pgm"]

    public let path: String
    public private(set) var entries: [Entry]
    /// Class subfolder names, sorted; empty for a flat folder.
    public let classNames: [String]

    /// At most `count` entries spread evenly over the folder (every k-th).
    public func evenSample(_ count: Int) -> ImageFolder {
        guard count > 0, count < entries.count else { return self }
        var sampled = self
        sampled.entries = (0..<count).map { entries[$0 * entries.count / count] }
        return sampled
    }

    public init(path: String) throws(QuantizeError) {
        self.path = path
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw QuantizeError("\(path): no such folder")
        }
        guard isDirectory.boolValue else { throw QuantizeError("\(path): is a file, expected a folder of images") }
        func images(in folder: String) throws(QuantizeError) -> [String] {
            let names: [String]
            do {
                names = try manager.contentsOfDirectory(atPath: folder)
            } catch {
                throw QuantizeError("\(folder): cannot list the folder (\(error.localizedDescription))")
            }
            return names.filter { Self.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted().map { (folder as NSString).appendingPathComponent($0) }
        }
        let topLevel = try images(in: path)
        let subfolders = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && manager.fileExists(atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
        var entries = topLevel.map { Entry(path: $0, className: nil) }
        var classNames: [String] = []
        if topLevel.isEmpty {
            for name in subfolders {
                let files = try images(in: (path as NSString).appendingPathComponent(name))
                guard !files.isEmpty else { continue }
                classNames.append(name)
                entries += files.map { Entry(path: $0, className: name) }
            }
        }
        guard !entries.isEmpty else {
            throw QuantizeError("\(path): no images (PNG, JPEG or PGM files, directly or in class subfolders)")
        }
        self.entries = entries
        self.classNames = classNames
    }

    /// Gray pixels of every image, resized (OpenCV INTER_LINEAR) to width x height.
    /// `progress(done, total)` after each image.
    public func loadPixels(
        width: Int, height: Int, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizeError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        result.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            result.append(try Self.loadPixels(entry.path, width: width, height: height))
            progress(index + 1, entries.count)
        }
        return result
    }

    public static func loadPixels(_ path: String, width: Int, height: Int) throws(QuantizeError) -> [UInt8] {
        try loadViews(path, width: width, height: height, views: [AugmentedView()])[0]
    }

    /// One resized gray input per view (test-time augmentation), in `views` order; the plain view is
    /// what `loadPixels` gives. The image is decoded once.
    public static func loadViews(
        _ path: String, width: Int, height: Int, views: [AugmentedView]
    ) throws(QuantizeError) -> [[UInt8]] {
        do {
            let gray = try DecodedImage(contentsOfFile: path).gray
            return try views.map { try gray.resized(width: width, height: height, view: $0).pixels }
        } catch let error as ImageError {
            throw QuantizeError(error.description)
        } catch {
            throw QuantizeError("\(path): cannot use the image (\(error))")
        }
    }
}
