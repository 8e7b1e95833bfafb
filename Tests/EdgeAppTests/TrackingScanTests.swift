import EdgeApp
import EdgeBoardConfig
import EdgeImage
import Foundation
import Testing

/// Tracking-driven scanning on a synthetic clip: the astronaut's face (models/samples/01) moves over the coffee
/// photo; the mirrored astronaut (03) appears at `appearFrame` while the first is tracked.
@Suite struct TrackingScanTests {
    static let cascadePath = repositoryRoot + "/models/face_frontal.edgecascade"
    static let fps = 30.0
    static let appearFrame = 20

    /// A 640x480 frame: coffee background, face patch A moving right, face patch B from `appearFrame` on.
    static func frames(count: Int) throws -> [GrayFrame] {
        let background = try GrayImage(contentsOfFile: repositoryRoot + "/models/samples/05-coffee.jpg")
        let first = try GrayImage(contentsOfFile: repositoryRoot + "/models/samples/01-astronaut.jpg")
        let second = try GrayImage(contentsOfFile: repositoryRoot + "/models/samples/03-astronaut-mirrored.jpg")
        // Face boxes from models/samples/README.md, grown by about half their size.
        func patch(_ image: GrayImage, x: Int, y: Int, side: Int) -> [[UInt8]] {
            (y..<(y + side)).map { row in Array(image.pixels[(row * image.width + x)..<(row * image.width + x + side)]) }
        }
        let a = patch(first, x: 198, y: 15, side: 184), b = patch(second, x: 280, y: 20, side: 180)
        func paste(_ rows: [[UInt8]], into pixels: inout [UInt8], x: Int, y: Int) {
            for (index, row) in rows.enumerated() {
                pixels.replaceSubrange(((y + index) * 640 + x)..<((y + index) * 640 + x + row.count), with: row)
            }
        }
        return (0..<count).map { index in
            var pixels = background.pixels
            paste(a, into: &pixels, x: 30 + 2 * index, y: 20 + index)
            if index >= appearFrame { paste(b, into: &pixels, x: 430 - index, y: 280) }
            return GrayFrame(width: 640, height: 480, pixels: pixels, index: index, timestamp: Double(index) / fps)
        }
    }

    @Test func trackedFacesAreTheFullScansAndNewFacesAppearInTime() throws {
        let config = DetectorConfig(cascade: Self.cascadePath, fullScanSeconds: 0.5)
        let full = try HaarFaceDetector(cascadePath: Self.cascadePath, config: config)
        let tracked = try TrackingHaarFaceDetector(cascadePath: Self.cascadePath, config: config, fullScans: .nextFrame)
        let frames = try Self.frames(count: 45)
        var firstSeenB: Int?
        for frame in frames {
            let reference = try full.detectFaces(in: frame)
            let found = try tracked.detectFaces(in: frame)
            // Everything reported is the full scan's (exact boxes and neighbour counts).
            for face in found { #expect(reference.contains(face), "frame \(frame.index): \(face) not in \(reference)") }
            if frame.index >= Self.appearFrame, firstSeenB == nil,
               found.contains(where: { $0.box.x > 320 && $0.box.y > 240 }) {
                firstSeenB = frame.index
            }
            if frame.index >= 1 && frame.index < Self.appearFrame {
                // One face tracked from the second frame on (the first frame's full scan is merged at the next).
                #expect(found == reference, "frame \(frame.index)")
            }
        }
        #expect(reference(frames[Self.appearFrame + 1], full).count == 2)
        // The second face is reported within fullScanSeconds (plus the frame the full scan result takes to merge).
        let seen = try #require(firstSeenB)
        #expect(Double(seen - Self.appearFrame) / Self.fps <= 0.5 + 1 / Self.fps)
        #expect(tracked.statistics.fullScansStarted <= 1 + 4 * Int((Double(frames.count) / Self.fps / 0.5).rounded(.up)))
        #expect(tracked.statistics.regionScans > 0)
    }

    private func reference(_ frame: GrayFrame, _ detector: HaarFaceDetector) -> [FaceDetection] {
        (try? detector.detectFaces(in: frame)) ?? []
    }

    /// With nothing tracked a full scan is requested on every frame; fullScanSeconds 0 keeps the plain detector.
    @Test func fullScansWhileNothingIsTracked() throws {
        let config = DetectorConfig(cascade: Self.cascadePath, fullScanSeconds: 10)
        let tracked = try TrackingHaarFaceDetector(cascadePath: Self.cascadePath, config: config, fullScans: .nextFrame)
        let empty = try GrayImage(contentsOfFile: repositoryRoot + "/models/samples/05-coffee.jpg")
        for index in 0..<4 {
            let frame = GrayFrame(width: empty.width, height: empty.height, pixels: empty.pixels, index: index,
                                  timestamp: Double(index) / Self.fps)
            #expect(try tracked.detectFaces(in: frame).isEmpty)
        }
        #expect(tracked.statistics.fullScansStarted == 4)
    }

    /// The background worker delivers too (edge-run's mode): the face is reported once its result has arrived.
    @Test func backgroundFullScansArrive() throws {
        let config = DetectorConfig(cascade: Self.cascadePath, fullScanSeconds: 0.5)
        let tracked = try TrackingHaarFaceDetector(cascadePath: Self.cascadePath, config: config)
        let frame = try Self.frames(count: 1)[0]
        var found: [FaceDetection] = []
        for attempt in 0..<200 where found.isEmpty {
            found = try tracked.detectFaces(in: GrayFrame(width: 640, height: 480, pixels: frame.pixels, index: attempt,
                                                          timestamp: Double(attempt) / Self.fps))
            if found.isEmpty { usleep(20_000) }
        }
        let full = try HaarFaceDetector(cascadePath: Self.cascadePath, config: config).detectFaces(in: frame)
        #expect(!found.isEmpty)
        #expect(found == full)
    }
}
