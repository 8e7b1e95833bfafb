@testable import EdgeDetect
import EdgeImage
import Foundation
import Testing

/// OpenCV 4.14's detections on the synthetic scenes of tools/make-haar-fixtures.
private struct RecordedDetections {
    struct Parameters { var scaleFactor: Double; var minNeighbors: Int; var minSize: Int }
    var parameters: [Parameters] = []
    var raw: [String: [[Int]]] = [:]
    var grouped: [String: [[[Int]]]] = [:]

    init() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("opencv-detections.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for entry in try #require(json["params"] as? [[String: Any]]) {
            parameters.append(Parameters(scaleFactor: try #require(entry["scaleFactor"] as? Double),
                                         minNeighbors: try #require(entry["minNeighbors"] as? Int),
                                         minSize: try #require((entry["minSize"] as? [Int])?.first)))
        }
        for (name, value) in try #require(json["images"] as? [String: [String: Any]]) {
            raw[name] = try #require(value["raw"] as? [[Int]])
            grouped[name] = try #require(value["grouped"] as? [[[Int]]])
        }
    }
}

@Suite struct FaceDetectorTests {
    static let cascade = try! HaarCascade(contentsOfFile: TestFiles.cascadeBinary)

    /// Raw windows (minNeighbors 0) must equal OpenCV's one for one: same pyramid, resize, steps,
    /// variance test and stage decisions.
    @Test func rawWindowsMatchOpenCV() throws {
        let recorded = try RecordedDetections()
        #expect(recorded.raw.count == 6)
        let detector = FaceDetector(cascade: Self.cascade)
        for (name, expected) in recorded.raw.sorted(by: { $0.key < $1.key }) {
            let image = try GrayImage(contentsOfFile: TestFiles.fixture(name))
            // minNeighbors 0: no grouping, but boxes are still clipped to the image, as OpenCV does.
            let boxes = try detector.detect(image, parameters: DetectionParameters(minNeighbors: 0, minSize: WindowSize(width: 0, height: 0)))
            #expect(boxes.allSatisfy { $0.neighbors == 1 })
            let found = boxes.map { [$0.box.x, $0.box.y, $0.box.width, $0.box.height] }.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(found == expected.sorted { $0.lexicographicallyPrecedes($1) }, "\(name)")
        }
    }

    /// Grouped boxes and neighbour counts equal OpenCV's detectMultiScale2 for three parameter sets.
    @Test func groupedDetectionsMatchOpenCV() throws {
        let recorded = try RecordedDetections()
        let detector = FaceDetector(cascade: Self.cascade)
        for (name, sets) in recorded.grouped.sorted(by: { $0.key < $1.key }) {
            let image = try GrayImage(contentsOfFile: TestFiles.fixture(name))
            for (index, parameters) in recorded.parameters.enumerated() {
                let detections = try detector.detect(image, parameters: DetectionParameters(
                    scaleFactor: parameters.scaleFactor, minNeighbors: parameters.minNeighbors,
                    minSize: WindowSize(width: parameters.minSize, height: parameters.minSize)))
                let found = detections.map { [$0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.neighbors] }
                    .sorted { $0.lexicographicallyPrecedes($1) }
                #expect(found == sets[index].sorted { $0.lexicographicallyPrecedes($1) }, "\(name) parameter set \(index)")
            }
        }
    }

    @Test func threadedScanGivesTheSameBoxes() throws {
        let single = FaceDetector(cascade: Self.cascade)
        let threaded = FaceDetector(cascade: Self.cascade, threads: 3)
        let parameters = DetectionParameters(minNeighbors: 0, minSize: WindowSize(width: 0, height: 0))
        for name in try RecordedDetections().raw.keys.sorted() {
            let image = try GrayImage(contentsOfFile: TestFiles.fixture(name))
            #expect(try threaded.candidates(image, parameters: parameters) == single.candidates(image, parameters: parameters))
        }
    }

    @Test func pyramidFollowsOpenCV() {
        let detector = FaceDetector(cascade: Self.cascade)
        let levels = detector.levels(imageWidth: 640, imageHeight: 480, parameters: DetectionParameters())
        // minSize 30: factor 1.1^3 (window 32) is the first level; the last window fits the 480 rows.
        #expect(levels.first == FaceDetector.Level(factor: Float(1.1 * 1.1 * 1.1), width: 481, height: 361, step: 2))
        #expect(levels.allSatisfy { $0.step == ($0.factor >= 2 ? 1 : 2) })
        #expect(levels.count == 29)
        let capped = detector.levels(imageWidth: 640, imageHeight: 480, parameters: DetectionParameters(
            minSize: WindowSize(width: 0, height: 0), maxSize: WindowSize(width: 40, height: 40)))
        #expect(capped.count == 6)  // windows 24, 26, 29, 32, 35, 39
    }

    @Test func emptyAndFlatImagesGiveNothing() throws {
        let detector = FaceDetector(cascade: Self.cascade)
        #expect(try detector.detect(try GrayImage(width: 23, height: 100)).isEmpty)  // narrower than the window
        #expect(try detector.detect(try GrayImage(width: 200, height: 200, filledWith: 128)).isEmpty)
    }

    @Test func hugeImagesAndBadParametersAreRefused() throws {
        let detector = FaceDetector(cascade: Self.cascade)
        let huge = try GrayImage(width: 4000, height: 2500)
        #expect(throws: DetectionError.imageTooLarge(width: 4000, height: 2500)) { try detector.detect(huge) }
        let small = try GrayImage(width: 64, height: 64)
        #expect(throws: DetectionError.self) { try detector.detect(small, parameters: DetectionParameters(scaleFactor: 1)) }
        #expect(throws: DetectionError.self) { try detector.detect(small, parameters: DetectionParameters(minNeighbors: -1)) }
        #expect(throws: ImageError.self) { try GrayImage(width: 0, height: 0) }
    }
}

@Suite struct RectangleGroupingTests {
    @Test func similarBoxesMergeIntoTheirAverage() {
        let boxes = [Box(x: 100, y: 100, width: 50, height: 50), Box(x: 104, y: 98, width: 52, height: 52),
                     Box(x: 98, y: 103, width: 48, height: 48), Box(x: 300, y: 40, width: 30, height: 30)]
        let groups = RectangleGrouping.group(boxes, threshold: 2, eps: 0.2)
        #expect(groups == [Detection(box: Box(x: 101, y: 100, width: 50, height: 50), neighbors: 3)])
    }

    @Test func thresholdZeroKeepsRawBoxes() {
        let boxes = [Box(x: 1, y: 2, width: 30, height: 30), Box(x: 2, y: 2, width: 30, height: 30)]
        #expect(RectangleGrouping.group(boxes, threshold: 0, eps: 0.2) == boxes.map { Detection(box: $0, neighbors: 1) })
    }

    @Test func similarityIsTransitive() {
        // a ~ b and b ~ c but not a ~ c: one class of three.
        let a = Box(x: 0, y: 0, width: 50, height: 50), b = Box(x: 9, y: 0, width: 50, height: 50)
        let c = Box(x: 18, y: 0, width: 50, height: 50)
        #expect(!RectangleGrouping.similar(a, c, eps: 0.2))
        #expect(RectangleGrouping.group([a, b, c], threshold: 2, eps: 0.2).map(\.neighbors) == [3])
    }

    @Test func smallGroupsInsideStrongBigOnesAreDropped() {
        let big = Array(repeating: Box(x: 100, y: 100, width: 100, height: 100), count: 6)
        let small = Array(repeating: Box(x: 120, y: 120, width: 30, height: 30), count: 4)
        let grouped = RectangleGrouping.group(big + small, threshold: 2, eps: 0.2)
        #expect(grouped == [Detection(box: Box(x: 100, y: 100, width: 100, height: 100), neighbors: 6)])
        // The big group needs more than max(3, n) members to swallow the small one.
        let weakBig = Array(repeating: Box(x: 100, y: 100, width: 100, height: 100), count: 4)
        #expect(RectangleGrouping.group(weakBig + small, threshold: 2, eps: 0.2).count == 2)
    }

    @Test func agreementCountsMatchesMissesAndExtras() {
        let reference = [Box(x: 0, y: 0, width: 10, height: 10), Box(x: 50, y: 50, width: 20, height: 20)]
        let candidates = [Box(x: 1, y: 1, width: 10, height: 10), Box(x: 200, y: 0, width: 5, height: 5)]
        #expect(DetectionAgreement(reference: reference, candidates: candidates)
            == DetectionAgreement(matched: 1, missed: 1, extra: 1))
    }
}
