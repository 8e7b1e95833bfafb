import CHaarKernels
@testable import EdgeDetect
import EdgeImage
import EdgeTestSupport
import Foundation
import Testing

/// A two-stage LBP cascade (12x12 window, three features) in OpenCV's XML layout.
enum SmallLBPCascade {
    static let xml = """
        <?xml version="1.0"?>
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
          <featureType>LBP</featureType>
          <height>12</height>
          <width>12</width>
          <stageParams><maxDepth>1</maxDepth><maxWeakCount>2</maxWeakCount></stageParams>
          <featureParams><maxCatCount>256</maxCatCount></featureParams>
          <stageNum>2</stageNum>
          <stages>
            <_>
              <maxWeakCount>2</maxWeakCount>
              <stageThreshold>-0.5</stageThreshold>
              <weakClassifiers>
                <_><internalNodes>0 -1 0 -67130709 -21569 -1426120013 -1275125205 -21585 -16385 587145899 -24005</internalNodes>
                  <leafValues>-0.6543210148811340 0.8888888955116272</leafValues></_>
                <_><internalNodes>0 -1 1 -163512766 -769593758 -10027009 -262145 -514457854 -193593353 -524289 -1</internalNodes>
                  <leafValues>-0.7739216089248657 7.278633713722229e-01</leafValues></_></weakClassifiers></_>
            <_>
              <maxWeakCount>1</maxWeakCount>
              <stageThreshold>0.1</stageThreshold>
              <weakClassifiers>
                <_><internalNodes>0 -1 2 0 1 2 3 4 5 6 7</internalNodes>
                  <leafValues>1.5e-3 -0.25</leafValues></_></weakClassifiers></_></stages>
          <features>
            <_><rect>0 0 4 2</rect></_>
            <_><rect>3 3 3 3</rect></_>
            <_><rect>1 2 1 1</rect></_></features></cascade>
        </opencv_storage>
        """
}

@Suite struct LBPCascadeTests {
    static let shipped = [("lbpcascade_frontalface", "face_frontal_lbp"),
                          ("lbpcascade_frontalface_improved", "face_frontal_lbp_improved")]

    @Test func shippedCascadesConvertToTheCommittedFiles() throws {
        for (xml, binary) in Self.shipped {
            let path = TestFiles.repositoryRoot + "/models/opencv/\(xml).xml"
            let cascade = try DetectorCascade(contentsOfFile: path)
            guard case .lbp(let lbp) = cascade else { Issue.record("\(xml) did not load as LBP"); continue }
            #expect(lbp.stages.count == (xml.hasSuffix("improved") ? 19 : 20))
            let committed = try TestFiles.bytes(TestFiles.repositoryRoot + "/models/\(binary).edgecascade")
            #expect(cascade.fileBytes == committed, "models/\(binary).edgecascade is not the conversion of \(xml).xml")
            #expect(try DetectorCascade(contentsOfFile: TestFiles.repositoryRoot + "/models/\(binary).edgecascade") == cascade)
        }
    }

    /// The contract: every fixed-point leaf and threshold is OpenCV's float value exactly.
    @Test func fixedPointValuesAreExact() throws {
        let cascade = try LBPCascade(xmlData: Array(SmallLBPCascade.xml.utf8), path: "small.xml")
        let scale = Double(sign: .plus, exponent: -cascade.leafShift, significand: 1)
        #expect(Double(cascade.stages[0].stumps[0].left) * scale == Double(Float(-0.6543210148811340)))
        #expect(Double(cascade.stages[1].stumps[0].left) * scale == Double(Float(1.5e-3)))
        #expect(Double(cascade.stages[1].threshold) * scale == Double(Float(0.1) - Float(1e-5)))
        // 1.5e-3 as a float is an odd multiple of 2^-32 (the finest value here): no fewer bits would do.
        #expect(cascade.leafShift == 32)
    }

    @Test func binaryRoundTripAndVersions() throws {
        let cascade = try LBPCascade(xmlData: Array(SmallLBPCascade.xml.utf8), path: "small.xml")
        let bytes = CascadeFile.encode(cascade)
        #expect(try CascadeFile.decodeLBP(bytes, path: "small.edgecascade") == cascade)
        #expect(CascadeFile.kind(of: bytes) == .lbp)
        // The Haar decoder refuses version 2 by name; old (version 1) files still load as Haar.
        #expect(throws: CascadeError.self) { try CascadeFile.decode(bytes, path: "lbp.edgecascade") }
        let haar = try TestFiles.bytes(TestFiles.cascadeBinary)
        #expect(CascadeFile.kind(of: haar) == .haar)
    }

    @Test func refusalsNameTheFile() throws {
        let cases: [(String, String)] = [
            (SmallLBPCascade.xml.replacingOccurrences(of: "<featureType>LBP", with: "<featureType>HOG"), "featureType HOG"),
            (SmallLBPCascade.xml.replacingOccurrences(of: "<rect>3 3 3 3</rect>", with: "<rect>3 3 4 3</rect>"), "not inside"),
            (SmallLBPCascade.xml.replacingOccurrences(of: "0 -1 2 0 1 2 3 4 5 6 7", with: "0 -1 2 0 1 2 3 4 5 6 7 1 2 3 0 1 2 3 4 5 6 7"), "maxDepth"),
            (SmallLBPCascade.xml.replacingOccurrences(of: "<maxCatCount>256", with: "<maxCatCount>0"), "maxCatCount"),
            (SmallLBPCascade.xml.replacingOccurrences(of: "</cascade>", with: ""), "malformed XML"),
            (SmallLBPCascade.xml.replacingOccurrences(of: "0 -1 2 0", with: "0 -1 7 0"), "feature index 7"),
        ]
        let path = NSTemporaryDirectory() + "lbp-refusal-\(getpid()).xml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (text, expected) in cases {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try DetectorCascade(contentsOfFile: path)
                Issue.record("accepted a cascade that should fail with \(expected)")
            } catch let error as CascadeError {
                #expect(error.description.hasPrefix(path), "\(error)")
                #expect(error.description.contains(expected), "\(error)")
            }
        }
    }

    @Test func xmlImporterSurvivesMutations() {
        var random = SeededGenerator(seed: 0x1B9)
        let alphabet = Array("<>/&;\"'=_ 0-9.e-\n".utf8)
        var pixels = SeededGenerator(seed: 5)
        let image = try! GrayImage(width: 40, height: 30, pixels: (0..<1200).map { _ in UInt8(truncatingIfNeeded: pixels.next()) })
        let original = Array(SmallLBPCascade.xml.utf8)
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<(1 + random.below(6)) {
                let index = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(alphabet[random.below(alphabet.count)], at: index)
                case 2: bytes.remove(at: index)
                default: bytes[index] = alphabet[random.below(alphabet.count)]
                }
            }
            if random.below(5) == 0 { bytes = Array(bytes.prefix(random.below(bytes.count))) }
            do {
                let cascade = try LBPCascade(xmlData: bytes, path: "fuzz.xml")
                #expect(try CascadeFile.decodeLBP(CascadeFile.encode(cascade), path: "fuzz") == cascade)
                _ = try FaceDetector(cascade: .lbp(cascade)).detect(
                    image, parameters: DetectionParameters(minNeighbors: 0, minSize: WindowSize(width: 0, height: 0)))
            } catch is CascadeError {
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }

    @Test func binaryDecoderSurvivesMutations() throws {
        var random = SeededGenerator(seed: 0x1B8)
        let original = CascadeFile.encode(try LBPCascade(xmlData: Array(SmallLBPCascade.xml.utf8), path: "small.xml"))
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            if random.below(4) == 0 { bytes = Array(bytes.prefix(random.below(bytes.count))) }
            // Mutations that keep a valid length and checksum exercise the structural checks behind them.
            if random.below(2) == 0, bytes.count >= 24 {
                withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { bytes.replaceSubrange(12..<16, with: $0) }
                let crc = CRC32.checksum(bytes[0..<(bytes.count - 4)])
                withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
            }
            do {
                _ = try CascadeFile.decodeLBP(bytes, path: "fuzz.edgecascade")
            } catch is CascadeError {
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }

    /// A random cascade whose stage thresholds lie inside the reachable sums, so windows go deep.
    static func randomCascade(_ random: inout SeededGenerator) throws -> LBPCascade {
        let width = random.next(in: 9...30), height = random.next(in: 9...30)
        let features = (0..<12).map { _ -> LBPCascade.Feature in
            let blockWidth = random.next(in: 1...(width / 3)), blockHeight = random.next(in: 1...(height / 3))
            return .init(x: random.next(in: 0...(width - 3 * blockWidth)), y: random.next(in: 0...(height - 3 * blockHeight)),
                         blockWidth: blockWidth, blockHeight: blockHeight)
        }
        let stages = (0..<random.next(in: 1...8)).map { _ -> LBPCascade.Stage in
            let stumps = (0..<random.next(in: 1...6)).map { _ in
                LBPCascade.Stump(feature: random.below(features.count),
                                 subset: (0..<8).map { _ in UInt32(truncatingIfNeeded: random.next()) },
                                 left: Int64(random.next(in: -(1 << 30)...(1 << 30))),
                                 right: Int64(random.next(in: -(1 << 30)...(1 << 30))))
            }
            let low = stumps.reduce(Int64(0)) { $0 + min($1.left, $1.right) }
            let high = stumps.reduce(Int64(0)) { $0 + max($1.left, $1.right) }
            return .init(threshold: low + (high - low) * Int64(random.next(in: 0...60)) / 100, stumps: stumps)
        }
        return try LBPCascade(windowWidth: width, windowHeight: height, leafShift: 30, features: features, stages: stages,
                              fail: { CascadeError.invalidBinary(path: "random", message: $0) })
    }

    /// Every variant this CPU runs against the scalar reference, through the detector's own layout:
    /// random cascades, images with flat areas (ties between block sums), steps 1 to 3, hit for hit.
    @Test func kernelVariantsMatchTheReference() throws {
        var random = SeededGenerator(seed: 0x1B7)
        let names = LBPKernel.supportedNames()
        #expect(names.last == "reference")
        var total = 0
        for round in 0..<40 {
            let cascade = try Self.randomCascade(&random)
            let width = cascade.windowWidth + random.below(70), height = cascade.windowHeight + random.below(30)
            let flat = random.chance(30)
            let pixels: [UInt8] = (0..<(width * height)).map { index in
                flat && (index % width) < width / 2 ? 100 : UInt8(truncatingIfNeeded: random.next())
            }
            let stride = width + 1 + random.below(4)
            let columns = width + 1 - cascade.windowWidth, rows = height + 1 - cascade.windowHeight
            let step = random.next(in: 1...3)
            var results: [[Int32]] = []
            for name in names {
                let layout = LBPKernelLayout(cascade: cascade, stride: stride, kernel: try LBPKernel.select(name))
                var hits = [Int32](repeating: 0, count: 2)  // too small: the layout must grow it
                let found = pixels.withUnsafeBufferPointer { image in
                    layout.scan(levelImage: image.baseAddress!, width: width, height: height, integralRows: height + 1,
                                columns: columns, rows: rows, step: step, scratch: LevelScratch(), hits: &hits)
                }
                results.append(Array(hits.prefix(2 * found)))
            }
            total += results.last!.count / 2
            for (name, result) in zip(names, results) {
                #expect(result == results.last!, "\(name) differs from the reference (round \(round), step \(step))")
            }
        }
        // The comparison must have seen accepted windows, not only rejections.
        #expect(total > 100)
    }

    @Test func unknownKernelNameIsRefused() {
        #expect(throws: DetectionError.self) { try LBPKernel.select("sse9") }
    }
}
