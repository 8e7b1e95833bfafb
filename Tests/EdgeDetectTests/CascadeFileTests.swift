@testable import EdgeDetect
import EdgeImage
import EdgeTestSupport
import Foundation
import Testing

@Suite struct CascadeFileTests {
    @Test func roundTripsBothStumpsAndTrees() throws {
        for text in [SmallCascades.newLayout] {
            let cascade = try HaarCascade(xmlData: Array(text.utf8), path: "small.xml")
            #expect(try CascadeFile.decode(CascadeFile.encode(cascade), path: "small.edgecascade") == cascade)
        }
        let shipped = try TestFiles.bytes(TestFiles.cascadeBinary)
        #expect(CascadeFile.encode(try CascadeFile.decode(shipped, path: "shipped")) == shipped)
    }

    @Test func truncatedFilesAreRefused() throws {
        let bytes = try TestFiles.bytes(TestFiles.cascadeBinary)
        for length in [0, 7, 19, 100, bytes.count / 2, bytes.count - 1] {
            do {
                _ = try CascadeFile.decode(Array(bytes.prefix(length)), path: "cut.edgecascade")
                Issue.record("a file cut to \(length) bytes was accepted")
            } catch let error as CascadeError {
                #expect(error.description.hasPrefix("cut.edgecascade: not a usable .edgecascade file"), "\(error)")
            }
        }
    }

    @Test func corruptionAndVersionAreDetected() throws {
        var bytes = try TestFiles.bytes(TestFiles.cascadeBinary)
        bytes[bytes.count / 2] ^= 0x40
        #expect(throws: CascadeError.invalidBinary(path: "x", message: "checksum mismatch (corrupt file)")) {
            try CascadeFile.decode(bytes, path: "x")
        }
        var future = try TestFiles.bytes(TestFiles.cascadeBinary)
        future[8] = 2
        do {
            _ = try CascadeFile.decode(future, path: "v2")
            Issue.record("version 2 accepted")
        } catch {
            #expect("\(error)".contains("format version 2"))
        }
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: CascadeError.self) { try HaarCascade(contentsOfFile: "/nonexistent/face.edgecascade") }
    }
}

@Suite struct ParserFuzzTests {
    /// Seeded byte mutations (flips, insertions of XML punctuation, deletions, truncation) of both layouts:
    /// the importer must either succeed or throw a CascadeError, never crash or hang.
    @Test func xmlImporterSurvivesMutations() {
        var random = SeededGenerator(seed: 0xFACE)
        let alphabet = Array("<>/&;\"'=_ 0-9.e-\n".utf8)
        var pixelRandom = SeededGenerator(seed: 3)
        let image = try! GrayImage(width: 48, height: 40, pixels: (0..<(48 * 40)).map { _ in UInt8(truncatingIfNeeded: pixelRandom.next()) })
        for source in [SmallCascades.newLayout, SmallCascades.oldLayout] {
            let original = Array(source.utf8)
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
                    let cascade = try HaarCascade(xmlData: bytes, path: "fuzz.xml")
                    // Whatever was accepted must also survive the binary round trip and a detection.
                    #expect(try CascadeFile.decode(CascadeFile.encode(cascade), path: "fuzz") == cascade)
                    _ = try FaceDetector(cascade: cascade).detect(image, parameters: DetectionParameters(minNeighbors: 0, minSize: WindowSize(width: 0, height: 0)))
                } catch is CascadeError {
                } catch {
                    Issue.record("unexpected error type \(error)")
                }
            }
        }
    }

    @Test func binaryDecoderSurvivesMutations() throws {
        var random = SeededGenerator(seed: 0xBEEF)
        let small = try HaarCascade(xmlData: Array(SmallCascades.newLayout.utf8), path: "small.xml")
        for original in [CascadeFile.encode(small)] {
            for _ in 0..<2000 {
                var bytes = original
                for _ in 0..<(1 + random.below(4)) {
                    bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                }
                if random.below(4) == 0 { bytes = Array(bytes.prefix(random.below(bytes.count))) }
                // Mutations that keep a valid checksum exercise the structural checks behind it.
                if random.below(2) == 0, bytes.count >= 20 {
                    let crc = CRC32.checksum(bytes[0..<(bytes.count - 4)])
                    withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
                    if random.below(2) == 0 {
                        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { bytes.replaceSubrange(12..<16, with: $0) }
                        let fixed = CRC32.checksum(bytes[0..<(bytes.count - 4)])
                        withUnsafeBytes(of: fixed.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
                    }
                }
                do {
                    _ = try CascadeFile.decode(bytes, path: "fuzz.edgecascade")
                } catch is CascadeError {
                } catch {
                    Issue.record("unexpected error type \(error)")
                }
            }
        }
    }
}
