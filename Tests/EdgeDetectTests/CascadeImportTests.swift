@testable import EdgeDetect
import Testing

@Suite struct CascadeImportTests {
    @Test func bothLayoutsGiveTheSameCascade() throws {
        let new = try HaarCascade(xmlData: Array(SmallCascades.newLayout.utf8), path: "new.xml")
        let old = try HaarCascade(xmlData: Array(SmallCascades.oldLayout.utf8), path: "old.xml")
        #expect(new == old)
        #expect(new.stages.count == 2)
        #expect(new.stages[1].trees[0].nodes.count == 2)
        #expect(!new.isStumpBased)
        // Weights -1, 3 and 1.5 are exact in the 12-bit fixed point.
        #expect(new.features[0].rectangles.map(\.weight) == [-4096, 12288])
        #expect(new.features[3].rectangles[2].weight == 6144)
    }

    @Test func fixedPointFollowsOpenCVFloats() throws {
        let cascade = try HaarCascade(xmlData: Array(SmallCascades.newLayout.utf8), path: "new.xml")
        let shift = Double(1 << cascade.thresholdShift)
        let node = cascade.stages[0].trees[0].nodes[0]
        #expect(Double(node.threshold) == (Double(Float(-3.1511999666690826e-02)) * shift).rounded())
        // Stage threshold is (float)value - 1e-5f, as OpenCV stores it.
        let expected = Double(Float(-1.5) - Float(1e-5)) * Double(UInt64(1) << 32)
        #expect(Double(cascade.stages[0].threshold) == expected.rounded())
    }

    @Test func shippedCascadeLoadsFromXMLAndBinaryAlike() throws {
        let xml = try HaarCascade(xmlFile: TestFiles.cascadeXML)
        #expect(xml.stages.count == 25)
        #expect(xml.stages.reduce(0) { $0 + $1.trees.count } == 2913)
        #expect(xml.windowWidth == 24 && xml.windowHeight == 24 && xml.isStumpBased)
        let binary = try HaarCascade(contentsOfFile: TestFiles.cascadeBinary)
        #expect(binary == xml, "models/face_frontal.edgecascade is stale: rerun edge-quantize cascade")
    }

    @Test func tiltedFeaturesAreRefusedWithTheirLine() {
        let xml = SmallCascades.newLayout.replacingOccurrences(of: "<tilted>0</tilted>", with: "<tilted>1</tilted>")
        do {
            _ = try HaarCascade(xmlData: Array(xml.utf8), path: "tilted.xml")
            Issue.record("a tilted feature was accepted")
        } catch let error as CascadeError {
            guard case .invalidCascade(let path, let line, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == "tilted.xml")
            let expectedLine = xml.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("<tilted>1</tilted>") }! + 1
            #expect(line == expectedLine)
            #expect(message.contains("tilted"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        ("<opencv_storage>\n<cascade>\n<width>24</width>\n</cascde>\n</opencv_storage>", 4, "does not match"),
        ("<opencv_storage>\n<cascade>\n<width>24</width>\n", 2, "never closed"),
        ("<opencv_storage>\n\n<cascade a=1>\n</cascade></opencv_storage>", 3, "quoted"),
        ("", 1, "empty"),
        ("<a>&bogus;</a>", 1, "entity"),
        ("<a></a>\n<b/>", 2, "after the root"),
        ("<!-- never closed\n\n", 1, "comment"),
    ])
    func malformedXMLNamesTheLine(text: String, line: Int, fragment: String) {
        do {
            _ = try HaarCascade(xmlData: Array(text.utf8), path: "bad.xml")
            Issue.record("malformed XML accepted")
        } catch let error as CascadeError {
            guard case .malformedXML(let path, let errorLine, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == "bad.xml" && errorLine == line, "\(error)")
            #expect(message.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("bad.xml:\(line): malformed XML"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        ("<opencv_storage><cascade><stageType>BOOST</stageType><featureType>LBP</featureType></cascade></opencv_storage>", "LBP"),
        ("<svg><g/></svg>", "opencv_storage"),
        ("<opencv_storage><model><layers/></model></opencv_storage>", "neither"),
        ("<opencv_storage><c type_id=\"opencv-haar-classifier\"><size>24</size></c></opencv_storage>", "width height"),
    ])
    func foreignXMLIsRefused(text: String, fragment: String) {
        do {
            _ = try HaarCascade(xmlData: Array(text.utf8), path: "foreign.xml")
            Issue.record("foreign XML accepted")
        } catch let error as CascadeError {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("foreign.xml:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func outOfWindowRectanglesAreRefused() {
        let xml = SmallCascades.newLayout.replacingOccurrences(of: "<_>6 4 12 9 -1.</_>", with: "<_>20 4 12 9 -1.</_>")
        #expect(throws: CascadeError.self) { try HaarCascade(xmlData: Array(xml.utf8), path: "wide.xml") }
    }
}
