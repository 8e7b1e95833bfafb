import EdgeBoardConfig
import EdgeDetect
import EdgeImage

/// EdgeDetect's integer cascade detector (Haar or LBP) as the pipeline's face detector, with the board config's
/// parameters. The cascade is OpenCV XML or the project's binary `.edgecascade` file (recognised by its signature). `threads` workers
/// share the pyramid levels (same boxes as one thread).
public final class HaarFaceDetector: FaceDetecting {
    private let detector: FaceDetector
    public let parameters: DetectionParameters

    public init(cascadePath: String, config: DetectorConfig, threads: Int = 1) throws {
        detector = FaceDetector(cascade: try DetectorCascade(contentsOfFile: cascadePath), threads: max(1, threads))
        parameters = DetectionParameters(scaleFactor: config.scaleFactor, minNeighbors: config.minimumNeighbors,
                                         minSize: WindowSize(width: config.minimumFaceSize, height: config.minimumFaceSize))
    }

    public func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] {
        let image = try GrayImage(width: frame.width, height: frame.height, pixels: frame.pixels)
        return try detector.detect(image, parameters: parameters).map {
            FaceDetection(box: FaceBox(x: $0.box.x, y: $0.box.y, width: $0.box.width, height: $0.box.height),
                          neighbors: $0.neighbors)
        }
    }
}
