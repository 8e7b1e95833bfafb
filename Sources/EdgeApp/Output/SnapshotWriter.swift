import EdgeImage
import EdgeOverlay
import Foundation

/// Annotated PNG snapshots drawn with the same overlay as the screen (EdgeOverlay): the frame, each face's box
/// in its emotion's colour, a label "#id emotion 81%", and a status line with the frame number and source.
/// Files are `<folder>/frame-<index, 6 digits>.png`, each written whole under a temporary name and renamed
/// (AtomicFileWrite), so a full disk never leaves a half-written PNG under a final name.
public final class SnapshotWriter: SnapshotWriting {
    public let folder: String

    public init(folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputSetupError(path: folder, problem: "cannot create the snapshot folder (\(error.localizedDescription))")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw OutputSetupError(path: folder, problem: "the snapshot folder is not writable")
        }
        self.folder = folder
    }

    public func writeSnapshot(frame: GrayFrame, faces: [FaceReport]) throws -> String {
        var image = XRGBImage(width: frame.width, height: frame.height)
        image.draw { canvas in
            frame.pixels.withUnsafeBufferPointer { gray in
                FrameOverlay.draw(on: canvas, gray: gray, width: frame.width, height: frame.height,
                                  faces: faces.map(Self.overlayFace), status: "frame \(frame.index) \(frame.origin)")
            }
        }
        let path = (folder as NSString).appendingPathComponent(String(format: "frame-%06d.png", frame.index))
        try AtomicFileWrite.write(try RGBImage(width: frame.width, height: frame.height, pixels: image.rgbBytes).pngData(),
                                  to: path)
        return path
    }

    /// "#2 happy 81%" for an announced emotion, "#2 ..." before one is announced.
    public static func overlayFace(_ face: FaceReport) -> OverlayFace {
        var label = "#\(face.id) \(face.emotion?.label ?? "...")"
        if face.emotion != nil, let score = face.score { label += " \(Int((score * 100).rounded()))%" }
        return OverlayFace(x: face.box.x, y: face.box.y, width: face.box.width, height: face.box.height,
                           label: label, emotionIndex: face.emotion?.rawValue)
    }
}

/// An output that cannot be set up: names the file or folder and what is wrong.
public struct OutputSetupError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
