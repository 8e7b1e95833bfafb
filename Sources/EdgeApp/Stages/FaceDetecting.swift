/// One face found in a gray frame; `neighbors` is the detector's grouping count (a confidence).
public struct FaceDetection: Sendable, Equatable {
    public var box: FaceBox
    public var neighbors: Int

    public init(box: FaceBox, neighbors: Int) {
        self.box = box
        self.neighbors = neighbors
    }
}

/// Finds faces in a gray frame. Used by one thread at a time.
public protocol FaceDetecting: AnyObject {
    func detectFaces(in frame: GrayFrame) throws -> [FaceDetection]
}
