import EdgeImage
import EdgeTestSupport
import Foundation
import Testing

@Suite struct DecodingTests {
    /// Every PNG layout, the JPEGs and the PGM decode to the gray image OpenCV 4.14 made of them
    /// (imread(IMREAD_COLOR) + cvtColor(BGR2GRAY)), bit for bit.
    @Test(arguments: ["rgb.png", "rgba.png", "gray.png", "gray-alpha.png", "palette.png", "rgb16.png",
                      "rgb.jpg", "gray.jpg"])
    func grayMatchesOpenCV(name: String) throws {
        let decoded = try GrayImage(contentsOfFile: FixtureFiles.path(name))
        let expected = try GrayImage(contentsOfFile: FixtureFiles.path(name + ".expected-gray.pgm"))
        #expect(decoded.width == 37 && decoded.height == 29)
        let differing = zip(decoded.pixels, expected.pixels).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) pixels differ from OpenCV")
    }

    @Test func colourFilesDecodeAsRGBAndGrayFilesAsGray() throws {
        guard case .rgb = try DecodedImage(contentsOfFile: FixtureFiles.path("rgba.png")) else {
            Issue.record("RGBA PNG should decode to RGB")
            return
        }
        guard case .gray = try DecodedImage(contentsOfFile: FixtureFiles.path("gray-alpha.png")) else {
            Issue.record("gray+alpha PNG should decode to gray")
            return
        }
    }

    @Test func pgmMatchesPNG() throws {
        let pgm = try GrayImage(contentsOfFile: FixtureFiles.path("gray.pgm"))
        let png = try GrayImage(contentsOfFile: FixtureFiles.path("gray.png"))
        #expect(pgm == png)
    }

    @Test func pngAndPGMRoundTrip() throws {
        let original = try GrayImage(contentsOfFile: FixtureFiles.path("gray.png"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edge-image-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["copy.png", "copy.pgm"] {
            let path = directory.appendingPathComponent(name).path
            try original.write(toFile: path)
            #expect(try GrayImage(contentsOfFile: path) == original)
        }
        let rgb = try RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        guard case .rgb(let back) = try DecodedImage(fileData: try rgb.pngData(), path: "mem.png") else {
            Issue.record("RGB PNG should decode to RGB")
            return
        }
        #expect(back == rgb)
    }
}

@Suite struct DecodingErrorTests {
    private func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: FixtureFiles.path(name))))
    }

    private func expectCorrupt(_ data: [UInt8], _ label: String) {
        do {
            _ = try DecodedImage(fileData: data, path: label)
            Issue.record("\(label) decoded although it is damaged")
        } catch let error as ImageError {
            #expect(error.description.hasPrefix(label), "error should name the file: \(error)")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test(arguments: ["rgb.png", "palette.png", "rgb.jpg", "gray.jpg", "gray.pgm"])
    func truncatedFilesAreRefused(name: String) throws {
        let data = try bytes(name)
        for keep in [data.count / 3, data.count / 2, data.count - 12] {
            expectCorrupt(Array(data.prefix(keep)), "truncated-\(keep)-\(name)")
        }
    }

    @Test func missingAndForeignFilesNameThePath() {
        #expect(throws: ImageError.self) { try GrayImage(contentsOfFile: "/nonexistent/face.png") }
        do {
            _ = try DecodedImage(fileData: Array("hello, not an image".utf8), path: "notes.txt")
            Issue.record("text decoded as an image")
        } catch {
            #expect("\(error)" == "notes.txt: not a PNG, JPEG or binary PGM (P5) image")
        }
    }

    @Test func emptyAndHugeImagesAreRefused() throws {
        #expect(throws: ImageError.self) { try GrayImage(width: 0, height: 0) }
        #expect(throws: ImageError.self) { try GrayImage(width: 20000, height: 2) }
        let hugePGM = Array("P5\n20000 20000\n255\n".utf8) + [0, 0, 0]
        #expect(throws: ImageError.badDimensions(path: "huge.pgm", width: 20000, height: 20000)) {
            try DecodedImage(fileData: hugePGM, path: "huge.pgm")
        }
        let emptyPGM = Array("P5\n0 0\n255\n".utf8)
        #expect(throws: ImageError.badDimensions(path: "empty.pgm", width: 0, height: 0)) {
            try DecodedImage(fileData: emptyPGM, path: "empty.pgm")
        }
        // A PNG header claiming 20000 x 1: patch the IHDR width of a real file (CRC then fails too;
        // either way it must be refused, not allocated).
        var png = try bytes("gray.png")
        png.replaceSubrange(16..<20, with: [0, 0, 0x4E, 0x20])
        expectCorrupt(png, "wide.png")
    }

    /// Seeded byte mutations of every fixture format: decoding either succeeds or throws, never crashes.
    @Test func mutatedFilesNeverCrash() throws {
        var generator = SeededGenerator(seed: 7)
        for name in ["rgb.png", "palette.png", "rgb.jpg", "gray.pgm"] {
            let original = try bytes(name)
            for _ in 0..<150 {
                var data = original
                for _ in 0..<(1 + Int(generator.next() % 8)) {
                    let index = Int(generator.next() % UInt64(data.count))
                    data[index] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 4 == 0 { data = Array(data.prefix(Int(generator.next() % UInt64(data.count)))) }
                _ = try? DecodedImage(fileData: data, path: name)
            }
        }
    }
}
