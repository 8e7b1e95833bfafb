import EdgeBoardConfig
import EdgeImage
import EdgeOverlay
import Foundation
import Testing
@testable import EdgeApp

/// The repository root, from this file's path (Tests/EdgeAppTests/<file>).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite struct OutputAndConfigTests {
    @Test func snapshotIsAPNGWithTheBoxInTheEmotionColour() throws {
        let folder = try temporaryFolder("snapshots")
        let writer = try SnapshotWriter(folder: folder + "/nested")
        let frame = GrayFrame(width: 320, height: 240, pixels: [UInt8](repeating: 100, count: 320 * 240), index: 42, timestamp: 4.2)
        let face = FaceReport(id: 1, box: FaceBox(x: 100, y: 60, width: 80, height: 80), neighbors: 7, emotion: .happy,
                              scores: scores(.happy, 0.81), frameEmotion: .happy)
        let path = try writer.writeSnapshot(frame: frame, faces: [face])
        #expect(path.hasSuffix("nested/frame-000042.png"))
        guard case let .rgb(image) = try DecodedImage(contentsOfFile: path) else {
            Issue.record("snapshot is not an RGB PNG")
            return
        }
        #expect(image.width == 320 && image.height == 240)
        let happy = EmotionPalette.color(label: "happy").rawValue
        let topEdge = 3 * (60 * 320 + 140)
        #expect(UInt32(image.pixels[topEdge]) << 16 | UInt32(image.pixels[topEdge + 1]) << 8 | UInt32(image.pixels[topEdge + 2]) == happy)
        let inside = 3 * (100 * 320 + 140)
        #expect(Array(image.pixels[inside..<inside + 3]) == [100, 100, 100])
        #expect(SnapshotWriter.overlayFace(face).label == "#1 happy 81%")
    }

    @Test func unwritableSnapshotFolderIsAClearError() throws {
        let folder = try temporaryFolder("snapshot-file")
        try Data().write(to: URL(fileURLWithPath: folder + "/taken"))
        do {
            _ = try SnapshotWriter(folder: folder + "/taken")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("taken") && "\(error)".contains("snapshot folder"))
        }
    }

    @Test func boardConfigReactionsGiveEachEmotionItsLED() throws {
        let reactions = try BoardConfig.load(path: repositoryRoot + "/board-configs/raspberry-pi-4b.json").reactions
        #expect(reactions.led(for: .happy) == .init(line: .name("GPIO17"), pattern: .on))
        #expect(reactions.led(for: .sad) == .init(line: .name("GPIO27"), pattern: .blink(hertz: 1)))
        #expect(reactions.led(for: .surprise) == .init(line: .name("GPIO23"), pattern: .pulse(periodSeconds: 1, widthSeconds: 0.15)))
        #expect(reactions.led(for: .neutral) == nil)
        #expect(reactions.lines == ["GPIO17", "GPIO22", "GPIO23", "GPIO27"])
    }

    @Test func fileSinkAppendsLines() throws {
        let folder = try temporaryFolder("sink")
        let sink = try FileLineSink(path: folder + "/out.jsonl", log: { _ in })
        sink.write(line: "{\"a\":1}")
        sink.write(line: "{\"a\":2}")
        sink.close()
        #expect(try String(contentsOfFile: folder + "/out.jsonl", encoding: .utf8) == "{\"a\":1}\n{\"a\":2}\n")
        #expect(throws: OutputSetupError.self) { try FileLineSink(path: folder + "/missing/dir/out.jsonl", log: { _ in }) }
    }
}
