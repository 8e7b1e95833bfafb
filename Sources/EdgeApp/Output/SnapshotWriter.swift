import EdgeImage
import Foundation

/// Annotated PNG snapshots: the gray frame in colour, each face's box (3 px, the emotion's colour) and a label
/// "#id emotion 0.81" drawn with `LabelFont`. Files are `<folder>/frame-<index, 6 digits>.png`.
public final class SnapshotWriter: SnapshotWriting {
    public let folder: String
    public private(set) var written: [String] = []

    public init(folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FrameSourceError.unreadable(path: folder, reason: "cannot create the snapshot folder (\(error.localizedDescription))")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw FrameSourceError.unreadable(path: folder, reason: "snapshot folder is not writable")
        }
        self.folder = folder
    }

    public func writeSnapshot(frame: GrayFrame, faces: [FaceReport]) throws -> String {
        var canvas = RGBCanvas(frame: frame)
        for face in faces {
            let colour = EmotionColors.rgb(for: face.emotion)
            canvas.strokeRectangle(face.box, thickness: 3, colour: colour)
            var label = "#\(face.id) \(face.emotion?.label ?? "...")"
            if let score = face.score { label += String(format: " %.2f", score) }
            let labelY = face.box.y >= LabelFont.height * 2 + 4 ? face.box.y - LabelFont.height * 2 - 4 : face.box.maxY + 4
            canvas.fillRectangle(FaceBox(x: face.box.x, y: labelY, width: LabelFont.width(of: label, scale: 2) + 4,
                                         height: LabelFont.height * 2 + 4), colour: (0, 0, 0))
            LabelFont.draw(label, into: &canvas, x: face.box.x + 2, y: labelY + 2, scale: 2, colour: colour)
        }
        let path = (folder as NSString).appendingPathComponent(String(format: "frame-%06d.png", frame.index))
        try RGBImage(width: frame.width, height: frame.height, pixels: canvas.pixels).write(toFile: path)
        written.append(path)
        return path
    }
}

/// An RGB drawing surface the size of a frame; drawing outside it is clipped.
public struct RGBCanvas {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(frame: GrayFrame) {
        width = frame.width
        height = frame.height
        pixels = [UInt8](repeating: 0, count: frame.width * frame.height * 3)
        for index in 0..<frame.pixels.count {
            let value = frame.pixels[index]
            pixels[3 * index] = value
            pixels[3 * index + 1] = value
            pixels[3 * index + 2] = value
        }
    }

    public mutating func set(_ x: Int, _ y: Int, _ colour: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = 3 * (y * width + x)
        pixels[index] = colour.0
        pixels[index + 1] = colour.1
        pixels[index + 2] = colour.2
    }

    public mutating func fillRectangle(_ box: FaceBox, colour: (UInt8, UInt8, UInt8)) {
        for y in max(0, box.y)..<max(max(0, box.y), min(height, box.maxY)) {
            for x in max(0, box.x)..<max(max(0, box.x), min(width, box.maxX)) { set(x, y, colour) }
        }
    }

    public mutating func strokeRectangle(_ box: FaceBox, thickness: Int, colour: (UInt8, UInt8, UInt8)) {
        fillRectangle(FaceBox(x: box.x, y: box.y, width: box.width, height: thickness), colour: colour)
        fillRectangle(FaceBox(x: box.x, y: box.maxY - thickness, width: box.width, height: thickness), colour: colour)
        fillRectangle(FaceBox(x: box.x, y: box.y, width: thickness, height: box.height), colour: colour)
        fillRectangle(FaceBox(x: box.maxX - thickness, y: box.y, width: thickness, height: box.height), colour: colour)
    }
}
