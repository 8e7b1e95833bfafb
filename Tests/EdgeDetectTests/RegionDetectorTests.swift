@testable import EdgeDetect
import EdgeImage
import EdgeTestSupport
import Foundation
import Testing

/// Region scans (tracking-driven scanning) against the full-frame scan on the same image.
@Suite struct RegionDetectorTests {
    static let cascade = try! HaarCascade(contentsOfFile: TestFiles.cascadeBinary)

    static let samples = ["01-astronaut.jpg", "02-astronaut-moved.jpg", "03-astronaut-mirrored.jpg", "04-cameraman.jpg",
                          "05-coffee.jpg"].map { TestFiles.repositoryRoot + "/models/samples/" + $0 }

    /// Two parameter sets: the boards' (every level has step 1) and OpenCV's defaults (factor < 2 levels step 2).
    static let parameterSets = [
        DetectionParameters(scaleFactor: 1.2, minNeighbors: 4, minSize: WindowSize(width: 48, height: 48)),
        DetectionParameters(scaleFactor: 1.1, minNeighbors: 3, minSize: WindowSize(width: 24, height: 24)),
    ]

    /// The full scan's raw hits that the region covers: frame box inside the region box, width in the scanned range.
    static func inside(_ hits: [Box], _ region: ScanRegion) -> [Box] {
        hits.filter { hit in
            let box = region.coveredBox(windowWidth: hit.width)
            return region.windowWidths.contains(hit.width) && hit.x >= box.x && hit.y >= box.y
                && hit.x + hit.width <= box.x + box.width && hit.y + hit.height <= box.y + box.height
        }
    }

    static func sorted(_ boxes: [Box]) -> [Box] {
        boxes.sorted { ($0.x, $0.y, $0.width, $0.height) < ($1.x, $1.y, $1.width, $1.height) }
    }

    static func randomRegion(_ random: inout SeededGenerator, width: Int, height: Int) -> ScanRegion {
        let x = random.next(in: -40...(width - 60)), y = random.next(in: -40...(height - 60))
        let low = random.next(in: 20...120)
        // Half the regions grow with the window size, as the tracker's do.
        return ScanRegion(box: Box(x: x, y: y, width: random.next(in: 50...300), height: random.next(in: 50...300)),
                          grow: random.chance(50) ? Double(random.next(in: -60...20)) : 0,
                          growPerWindow: random.chance(50) ? Double(random.below(12)) / 8 : 0,
                          windowGrowLimit: random.chance(50) ? Double(random.next(in: 20...200)) : .infinity,
                          windowWidths: low...(low + random.next(in: 0...200)))
    }

    /// Checks `count` random regions of `image`: raw hits equal the full scan's inside the region, and every
    /// trusted detection is one the full scan reports (same box and neighbour count). Returns how many trusted
    /// detections were compared, so callers can assert the check was not vacuous.
    /// `bandWalkBack`: the region detector's (small: the whole-level rescan runs often); `rescans` counts those.
    static func checkRegions(_ image: GrayImage, count: Int, seed: UInt64, name: String, bandWalkBack: Int = 64,
                             rescans: inout Int) throws -> Int {
        var random = SeededGenerator(seed: seed)
        let full = FaceDetector(cascade: cascade)
        let region = RegionDetector(detector: FaceDetector(cascade: cascade))
        region.bandWalkBack = bandWalkBack
        defer { rescans += region.wholeBandRescans }
        var compared = 0
        for parameters in parameterSets {
            let raw = try full.candidates(image, parameters: parameters)
            let detections = Set(try full.detect(image, parameters: parameters))
            var regions = (0..<count).map { _ in randomRegion(&random, width: image.width, height: image.height) }
            // Regions around the full scan's own faces, as the tracker builds them.
            regions += detections.map { ScanRegion(around: $0.box, margin: 0.25, sizeRange: 0.45...2.1) }
            for scan in regions {
                let found = try region.candidates(image, in: scan, parameters: parameters)
                #expect(sorted(found) == sorted(inside(raw, scan)), "\(name) \(scan) \(parameters)")
                let grouped = try region.detect(image, in: scan, parameters: parameters)
                // Levels grown outwards from a random core of sizes, as the tracker scans: trusted is still the full scan's.
                let low = random.next(in: 20...160)
                let growing = try region.detect(image, in: scan, parameters: parameters,
                                                growingFrom: low...(low + random.next(in: 0...60)))
                for detection in grouped.trusted + growing.trusted {
                    #expect(detections.contains(detection), "\(name) \(scan): trusted \(detection) not in the full scan")
                    compared += 1
                }
            }
            // Around each full-scan face the region reports it, trusted, also with levels grown from the face's size.
            for detection in detections {
                let scan = ScanRegion(around: detection.box, margin: 0.25, sizeRange: 0.45...2.1)
                let width = detection.box.width
                #expect(try region.detect(image, in: scan, parameters: parameters).trusted.contains(detection),
                        "\(name): \(detection) not found in its own region")
                #expect(try region.detect(image, in: scan, parameters: parameters,
                                          growingFrom: (width * 4 / 5)...(width * 5 / 4)).trusted.contains(detection),
                        "\(name): \(detection) not found in its own region grown from its size")
            }
        }
        return compared
    }

    @Test func regionsOnSamplesEqualTheFullScan() throws {
        var compared = 0, rescans = 0
        for (index, path) in Self.samples.enumerated() {
            compared += try Self.checkRegions(try GrayImage(contentsOfFile: path), count: 12, seed: UInt64(index + 1),
                                              name: path, rescans: &rescans)
        }
        #expect(compared >= 3)
    }

    /// Random blocky textures: many first-stage rejections in a row, so the skip rule's walk back matters.
    @Test func regionsOnRandomImagesEqualTheFullScan() throws {
        var random = SeededGenerator(seed: 77)
        var rescans = 0
        for index in 0..<3 {
            let width = 200 + random.below(160), height = 150 + random.below(120)
            let block = 1 + random.below(6)
            var pixels = [UInt8](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    var cell = SeededGenerator(seed: UInt64((y / block) * 10_007 + x / block) &+ UInt64(index) << 32)
                    pixels[y * width + x] = UInt8(truncatingIfNeeded: cell.next())
                }
            }
            let image = try GrayImage(width: width, height: height, pixels: pixels)
            _ = try Self.checkRegions(image, count: 10, seed: UInt64(100 + index), name: "random \(index)",
                                      bandWalkBack: 2, rescans: &rescans)
        }
        // Some walk backs ran past the band's (here very short) left part, so the level was scanned again from column 0.
        #expect(rescans > 0)
    }

    /// A region covering the whole frame and every size gives the full scan's detections, all trusted.
    @Test func wholeFrameRegionIsTheFullScan() throws {
        let image = try GrayImage(contentsOfFile: Self.samples[0])
        let parameters = Self.parameterSets[0]
        let full = try FaceDetector(cascade: Self.cascade).detect(image, parameters: parameters)
        let region = try RegionDetector(detector: FaceDetector(cascade: Self.cascade)).detect(
            image, in: ScanRegion(box: Box(x: 0, y: 0, width: image.width, height: image.height), windowWidths: 0...10_000),
            parameters: parameters)
        #expect(!full.isEmpty)
        #expect(Set(region.trusted + region.untrusted) == Set(full))
    }

    /// A region cutting through a face's hits: its group is not trusted (it touches the border).
    @Test func groupsCutByTheBorderAreNotTrusted() throws {
        let image = try GrayImage(contentsOfFile: Self.samples[0])
        let parameters = Self.parameterSets[0]
        let face = try #require(try FaceDetector(cascade: Self.cascade).detect(image, parameters: parameters).first)
        let tight = ScanRegion(box: face.box, windowWidths: (face.box.width / 2)...(face.box.width * 2))
        let result = try RegionDetector(detector: FaceDetector(cascade: Self.cascade)).detect(image, in: tight,
                                                                                            parameters: parameters)
        #expect(!result.trusted.contains(face))
    }
}
