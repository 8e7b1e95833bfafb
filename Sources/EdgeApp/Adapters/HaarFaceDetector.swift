import EdgeBoardConfig
import EdgeDetect
import EdgeImage

/// EdgeDetect's integer cascade detector (Haar or LBP) as the pipeline's face detector, with the board config's parameters, scanning
/// the whole frame every time (`TrackingHaarFaceDetector` scans around tracked faces). The cascade is OpenCV XML
/// or the project's binary `.edgecascade` file (recognised by its signature). `threads` workers share the pyramid levels (same
/// boxes as one thread).
public final class HaarFaceDetector: FaceDetecting {
    private let detector: FaceDetector
    public let parameters: DetectionParameters

    public convenience init(cascadePath: String, config: DetectorConfig, threads: Int = 1) throws {
        try self.init(cascade: Self.loadCascade(cascadePath), config: config, threads: threads)
    }

    public init(cascade: DetectorCascade, config: DetectorConfig, threads: Int = 1) {
        detector = FaceDetector(cascade: cascade, threads: max(1, threads))
        parameters = Self.parameters(config)
    }

    public func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] {
        let image = try GrayImage(width: frame.width, height: frame.height, pixels: frame.pixels)
        return try detector.detect(image, parameters: parameters).map(Self.faceDetection)
    }

    /// A Haar or LBP cascade from OpenCV XML or a `.edgecascade` file.
    public static func loadCascade(_ path: String) throws -> DetectorCascade {
        try DetectorCascade(contentsOfFile: path)
    }

    public static func parameters(_ config: DetectorConfig) -> DetectionParameters {
        DetectionParameters(scaleFactor: config.scaleFactor, minNeighbors: config.minimumNeighbors,
                            minSize: WindowSize(width: config.minimumFaceSize, height: config.minimumFaceSize))
    }

    static func faceDetection(_ detection: Detection) -> FaceDetection {
        FaceDetection(box: FaceBox(x: detection.box.x, y: detection.box.y, width: detection.box.width,
                                   height: detection.box.height), neighbors: detection.neighbors)
    }
}
