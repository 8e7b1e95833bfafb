import EdgeBoardConfig

// PENDING: replaced by the EdgeDetect adapter when the haar branch lands its detector.
public final class HaarFaceDetector: FaceDetecting {
    public init(cascadePath: String, config: DetectorConfig) throws {
        throw OutputSetupError(path: cascadePath, problem: "the Haar detector is not in this build yet")
    }

    public func detectFaces(in frame: GrayFrame) throws -> [FaceDetection] { [] }
}
