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
            if frame.index < Self.appearFrame {
                // One face from the first frame on (nothing tracked yet: that frame's full scan is its answer).
                #expect(found == reference, "frame \(frame.index)")
            }
        }
        #expect(reference(frames[Self.appearFrame + 1], full).count == 2)
        // The second face is reported within fullScanSeconds (plus the frame the full scan result takes to merge).
        let seen = try #require(firstSeenB)
        #expect(Double(seen - Self.appearFrame) / Self.fps <= 0.5 + 1 / Self.fps)
        // No full scan is due then (frames 15 and 30): the change where it comes into view is scanned in that frame.
        #expect(seen == Self.appearFrame)
        #expect(tracked.statistics.changeRegionScans > 0)
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

    /// With the background worker (edge-run's camera mode) and nothing tracked, the first frame's own full scan is its
    /// answer; later frames are region scans matching the full scan while background full scans come and go.
    @Test func backgroundModeReportsTheFirstFrame() throws {
        let config = DetectorConfig(cascade: Self.cascadePath, fullScanSeconds: 0.1)
        let full = try HaarFaceDetector(cascadePath: Self.cascadePath, config: config)
        let tracked = try TrackingHaarFaceDetector(cascadePath: Self.cascadePath, config: config)
        for frame in try Self.frames(count: 12) {
            let reference = try full.detectFaces(in: frame)
            #expect(!reference.isEmpty)
            #expect(try tracked.detectFaces(in: frame) == reference, "frame \(frame.index)")
            usleep(10_000)
        }
        #expect(tracked.statistics.fullScansStarted >= 2)
    }
}
