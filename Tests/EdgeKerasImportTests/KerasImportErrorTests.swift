import EdgeGraph
import EdgeKerasImport
import EdgeTestSupport
import Foundation
import Testing

/// Bad inputs give one `KerasImportError` naming the file (and the layer when one is at fault).
@Suite struct KerasImportErrorTests {
    private func importError(_ path: String) -> KerasImportError? {
        do {
            _ = try KerasImporter.load(path: path)
            return nil
        } catch {
            return error
        }
    }

    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keras-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name))))
    }

    @Test func missingFile() throws {
        let error = try #require(importError("/nonexistent/model.h5"))
        #expect(error.path == "/nonexistent/model.h5")
        #expect(error.message == "no such file")
    }

    @Test func directoryIsNotAModel() throws {
        let path = FileManager.default.temporaryDirectory.path
        let error = try #require(importError(path))
        #expect(error.message.contains("is a directory"))
    }

    @Test func foreignFileIsNotHDF5() throws {
        let path = Fixtures.path("vgg.golden.json")
        let error = try #require(importError(path))
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.message.contains("not an HDF5 file"))
    }

    @Test func unsupportedLayerIsNamed() throws {
        let error = try #require(importError(Fixtures.path("unsupported.h5")))
        #expect(error.message.contains("layer 'leaky' (LeakyReLU): unsupported layer type"))
    }

    @Test(arguments: ["every_layer.h5", "every_layer.keras", "vgg.h5"])
    func truncatedFilesFailCleanly(name: String) throws {
        let bytes = try fixtureBytes(name)
        // Every 1/16 of the file, plus cuts right after the header.
        let cuts = [0, 8, 100, 512] + (1..<16).map { bytes.count * $0 / 16 }
        for cut in cuts {
            let path = try temporaryFile(name, Array(bytes[..<cut]))
            let error = try #require(importError(path), "\(name) cut at \(cut) of \(bytes.count) bytes imported")
            #expect(error.path == path)
            #expect(!error.message.isEmpty)
        }
    }

    /// Seeded byte mutations: each mutated file either imports (the damage hit unused bytes) or
    /// gives a `KerasImportError`; it must never crash or hang.
    @Test(arguments: ["every_layer.h5", "every_layer.keras"])
    func mutatedFilesNeverCrash(name: String) throws {
        let original = try fixtureBytes(name)
        var random = SeededGenerator(seed: 0x5eed_2026)
        var failures = 0
        for _ in 0..<60 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let path = try temporaryFile(name, bytes)
            if importError(path) != nil { failures += 1 }
        }
        // Not a fixed figure: just that some mutations were caught, so the loop tested something.
        #expect(failures > 0)
    }

    @Test func zipWithoutKerasContentIsRejected() throws {
        // A stored zip holding one empty entry "a.txt".
        let zip: [UInt8] = [
            0x50, 0x4b, 0x03, 0x04, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0, 0,
            0x61, 0x2e, 0x74, 0x78, 0x74,
            0x50, 0x4b, 0x01, 0x02, 0x14, 0, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x2e, 0x74, 0x78, 0x74,
            0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0x01, 0, 0x01, 0, 0x33, 0, 0, 0, 0x23, 0, 0, 0, 0, 0,
        ]
        let path = try temporaryFile("not-a-model.keras", zip)
        let error = try #require(importError(path))
        #expect(error.message.contains("not a Keras 3 .keras model"), "\(error)")
    }
}
