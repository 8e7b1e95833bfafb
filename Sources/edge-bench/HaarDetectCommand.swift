import ArgumentParser
import EdgeDetect
import EdgeImage
import Foundation

/// `edge-bench haar-detect <image>...`: prints the detector's boxes for each image as one JSON line
/// ({"image": path, "boxes": [[x, y, w, h, neighbors]...]}); minNeighbors 0 prints the raw, ungrouped windows.
struct HaarDetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haar-detect", abstract: "Print the Haar detector's boxes for images as JSON lines.")

    @Option(help: "Cascade file (.edgecascade or OpenCV XML).")
    var cascade = "models/face_frontal.edgecascade"
    @Option(help: "Worker threads sharing the pyramid levels.") var threads = 1
    @Option(help: "Pyramid scale factor.") var scaleFactor = 1.1
    @Option(help: "Minimum neighbours (0: raw windows).") var minNeighbors = 5
    @Option(help: "Minimum window side.") var minSize = 30
    @Argument(help: "PNG, JPEG or PGM images.") var images: [String]

    func run() throws {
        let detector = FaceDetector(cascade: try loadCascade(cascade), threads: threads)
        let parameters = DetectionParameters(scaleFactor: scaleFactor, minNeighbors: minNeighbors,
                                             minSize: WindowSize(width: minSize, height: minSize))
        for path in images {
            let image: GrayImage
            do { image = try GrayImage(contentsOfFile: path) } catch { throw ValidationError("\(error)") }
            let boxes = minNeighbors == 0
                ? try detector.candidates(image, parameters: parameters).map { [$0.x, $0.y, $0.width, $0.height, 1] }
                : try detector.detect(image, parameters: parameters).map { [$0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.neighbors] }
            let data = try JSONSerialization.data(withJSONObject: ["image": path, "boxes": boxes], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
