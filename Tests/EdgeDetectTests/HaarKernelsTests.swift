@testable import EdgeDetect
import EdgeImage
import Testing

/// Every Haar scan table this CPU can run returns the reference's raw windows, in the same order:
/// on the shipped cascade, on the small XML cascades of both OpenCV layouts (stumps and a tree), and
/// on random stump and tree cascades with odd window sizes, over random images (levels of step 1 and 2).
@Suite struct HaarKernelsTests {
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
    }

    private static func image(_ random: inout Random, width: Int, height: Int) throws -> GrayImage {
        let mode = random.int(0...2), base = random.int(0...255)
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let value: Int
                switch mode {
                case 0: value = random.int(0...255)
                case 1: value = ((x / 9 + y / 7) & 1) == 0 ? base : random.int(0...255)
                default: value = x < width / 4 ? base : (base + 3 * x + 2 * y + random.int(-40...40))
                }
                pixels[y * width + x] = UInt8(clamping: value)
            }
        }
        return try GrayImage(width: width, height: height, pixels: pixels)
    }

    /// A cascade of OpenCV's shape: features of a -1 rectangle and a +2/+3 part of it, stumps or chains
    /// of up to three nodes, stage thresholds around the typical total.
    private static func cascade(_ random: inout Random, stumps: Bool) throws -> HaarCascade {
        let width = random.int(0...1) == 0 ? 24 : random.int(7...31), height = random.int(0...1) == 0 ? width : random.int(7...31)
        let one = Int32(1) << Int32(HaarCascade.weightShift)
        let thresholdShift = random.int(24...34)
        var features: [HaarCascade.Feature] = []
        var stages: [HaarCascade.Stage] = []
        func feature() -> Int {
            let w = random.int(2...width), h = random.int(2...height)
            let x = random.int(0...(width - w)), y = random.int(0...(height - h))
            let parts = random.int(2...3)
            var rectangles = [HaarCascade.Rectangle(x: x, y: y, width: w, height: h, weight: -one)]
            if w >= parts && random.int(0...1) == 0 {
                rectangles.append(.init(x: x + w / parts, y: y, width: w / parts, height: h, weight: Int32(parts) * one))
            } else if h >= parts {
                rectangles.append(.init(x: x, y: y + h / parts, width: w, height: h / parts, weight: Int32(parts) * one))
            } else {
                rectangles.append(.init(x: x, y: y, width: w, height: h, weight: 2 * one))
            }
            features.append(HaarCascade.Feature(rectangles: rectangles))
            return features.count - 1
        }
        func threshold() -> Int64 {
            let limit = (Int64(1) << Int64(thresholdShift)) / 16
            return Int64(random.int(-Int(limit)...Int(limit))) / Int64(random.int(0...1) == 0 ? 1 : 16)
        }
        func leaf() -> Int64 { Int64(random.int(-(1 << 31)...(1 << 31))) }
        for _ in 0..<random.int(1...6) {
            var trees: [HaarCascade.Tree] = []
            var middle: Int64 = 0
            for _ in 0..<random.int(1...(stumps ? 30 : 10)) {
                let count = stumps ? 1 : random.int(1...3)
                var nodes: [HaarCascade.Node] = []
                for n in 0..<count {
                    let last = n + 1 == count
                    let onLeft = random.int(0...1) == 0
                    nodes.append(HaarCascade.Node(feature: feature(), threshold: threshold(),
                                                  left: last ? -n : (onLeft ? n + 1 : -n),
                                                  right: last ? -(n + 1) : (onLeft ? -n : n + 1)))
                }
                let leaves = (0...count).map { _ in leaf() }
                middle += leaves[0] / 2 + leaves[count] / 2
                trees.append(HaarCascade.Tree(nodes: nodes, leaves: leaves))
            }
            stages.append(HaarCascade.Stage(threshold: middle + Int64(random.int(-(1 << 31)...(1 << 31))), trees: trees))
        }
        return try HaarCascade(windowWidth: width, windowHeight: height, thresholdShift: thresholdShift,
                               features: features, stages: stages, fail: { CascadeError.invalidBinary(path: "random", message: $0) })
    }

    private static func expectSameCandidates(_ cascade: HaarCascade, _ image: GrayImage, _ label: String) throws {
        let parameters = DetectionParameters(scaleFactor: 1.1, minNeighbors: 0, minSize: WindowSize(width: 0, height: 0))
        let expected = try FaceDetector(cascade: cascade, kernels: .reference).candidates(image, parameters: parameters)
        for name in HaarKernels.supportedNames() where name != "reference" {
            let found = try FaceDetector(cascade: cascade, kernels: try HaarKernels.select(name)).candidates(image, parameters: parameters)
            #expect(found == expected, "\(name) on \(label): \(found.count) windows, reference \(expected.count)")
        }
    }

    @Test func shippedCascadeOnFixtures() throws {
        let cascade = try HaarCascade(contentsOfFile: TestFiles.cascadeBinary)
        for index in 0..<6 {
            let name = "synthetic-0\(index).png"
            try Self.expectSameCandidates(cascade, try GrayImage(contentsOfFile: TestFiles.fixture(name)), name)
        }
    }

    @Test func smallCascadesOfBothLayouts() throws {
        var random = Random(state: 0x5EED_0001)
        for (layout, text) in [("new", SmallCascades.newLayout), ("old", SmallCascades.oldLayout)] {
            let cascade = try HaarCascade(xmlData: Array(text.utf8), path: "\(layout).xml")
            for _ in 0..<4 {
                let image = try Self.image(&random, width: random.int(24...121), height: random.int(24...97))
                try Self.expectSameCandidates(cascade, image, "\(layout) layout \(image.width)x\(image.height)")
            }
        }
    }

    @Test func randomCascades() throws {
        var random = Random(state: 0x5EED_0002)
        var hits = 0
        for round in 0..<40 {
            let stumps = round % 4 != 3
            let cascade = try Self.cascade(&random, stumps: stumps)
            let image = try Self.image(&random, width: random.int(cascade.windowWidth...150), height: random.int(cascade.windowHeight...110))
            hits += try FaceDetector(cascade: cascade, kernels: .reference).candidates(
                image, parameters: DetectionParameters(scaleFactor: 1.1, minNeighbors: 0, minSize: WindowSize(width: 0, height: 0))).count
            try Self.expectSameCandidates(cascade, image, "random \(stumps ? "stump" : "tree") cascade \(round)")
        }
        #expect(hits > 100, "the random cascades accept too few windows to compare (\(hits))")
    }

    /// `edge-bench haar --profile`'s counting scan: the reference's windows, and counts that add up (with one lane
    /// every row-stage evaluation is a lone window's, so the stump counts follow from the stage reach counts).
    @Test func profilingScanCountsTheWork() throws {
        let cascade = try HaarCascade(contentsOfFile: TestFiles.cascadeBinary)
        let parameters = DetectionParameters(scaleFactor: 1.2, minNeighbors: 0, minSize: WindowSize(width: 0, height: 0))
        let image = try GrayImage(contentsOfFile: TestFiles.fixture("synthetic-00.png"))
        let expected = try FaceDetector(cascade: cascade, kernels: .reference).candidates(image, parameters: parameters)
        for lanes in [1, 4] {
            let found = try FaceDetector(cascade: cascade, kernels: .profiling(lanes: lanes, rowStages: 3))
                .candidates(image, parameters: parameters)
            let levels = HaarKernels.takeProfile()
            #expect(found == expected)
            #expect(!levels.isEmpty && levels.map(\.hits).reduce(0, +) == expected.count)
            for level in levels {
                let perRow = (level.columns + level.step - 1) / level.step, rows = (level.rows + level.step - 1) / level.step
                #expect(level.windows == perRow * rows)
                #expect(level.reach[0] == level.normalized && level.normalized <= level.windows)
                #expect(zip(level.reach, level.reach.dropFirst()).allSatisfy { $0 >= $1 })
                let stumps = { (range: Range<Int>) in range.map { level.reach[$0] * cascade.stages[$0].trees.count }.reduce(0, +) }
                if lanes == 1 {
                    #expect(level.blockStumps == 0 && level.scalarStumps == stumps(0..<3) && level.survivorBlockStumps == 0)
                    #expect(level.listStumps == stumps(3..<min(cascade.stages.count, level.reach.count)))
                } else {
                    #expect(level.blockStumps * lanes + level.scalarStumps >= stumps(0..<3))
                }
            }
        }
    }

    @Test func unknownNameIsRefused() {
        #expect(throws: HaarKernelSelectionError.self) { try HaarKernels.select("no-such-kernels") }
        #expect(HaarKernels.supportedNames().last == "reference")
    }
}
