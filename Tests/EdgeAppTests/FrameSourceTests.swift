import EdgeSystem
import EdgeImage
import Synchronization
import Foundation
import Testing
@testable import EdgeApp
import EdgeTestSupport

func temporaryFolder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edge-app-tests-\(getpid())-\(name)").path
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A YUV4MPEG2 file: `frames` frames of `width` x `height`, 4:2:0, luma = frame index + row, chroma 128.
func y4mBytes(width: Int, height: Int, frames: Int, header: String? = nil) -> [UInt8] {
    var bytes = Array((header ?? "YUV4MPEG2 W\(width) H\(height) F25:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n").utf8)
    let chroma = 2 * ((width + 1) / 2) * ((height + 1) / 2)
    for index in 0..<frames {
        bytes += Array("FRAME\n".utf8)
        for row in 0..<height { bytes += [UInt8](repeating: UInt8((index + row) % 256), count: width) }
        bytes += [UInt8](repeating: 128, count: chroma)
    }
    return bytes
}

@Suite struct FrameSourceTests {
    @Test func y4mFramesAndTimestamps() throws {
        let folder = try temporaryFolder("y4m")
        let path = folder + "/clip.y4m"
        try Data(y4mBytes(width: 7, height: 5, frames: 3)).write(to: URL(fileURLWithPath: path))
        let source = try Y4MFileSource(path: path)
        #expect(source.width == 7 && source.height == 5 && source.framesPerSecond == 25)
        var frames: [GrayFrame] = []
        while let frame = try source.nextFrame() { frames.append(frame) }
        #expect(frames.count == 3)
        #expect(frames.map(\.timestamp) == [0, 0.04, 0.08])
        #expect(frames[2][0, 4] == 6)
        #expect(frames[1].origin == "clip.y4m")
    }

    @Test func y4mMonoAndErrorsNameTheProblem() throws {
        let folder = try temporaryFolder("y4m-errors")
        func attempt(_ bytes: [UInt8]) -> String {
            let path = folder + "/bad.y4m"
            try? Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let source = try Y4MFileSource(path: path)
                while try source.nextFrame() != nil {}
                return "ok"
            } catch {
                return "\(error)"
            }
        }
        let mono = Array("YUV4MPEG2 W2 H2 Cmono\nFRAME\n".utf8) + [1, 2, 3, 4]
        #expect(attempt(mono) == "ok")
        #expect(attempt(Array("RIFF....AVI".utf8)).contains("not a YUV4MPEG2 file"))
        #expect(attempt(Array("YUV4MPEG2 W0 H2\n".utf8)).contains("width W and height H"))
        #expect(attempt(Array("YUV4MPEG2 W2 H2 C411\n".utf8)).contains("C411 is not supported"))
        #expect(attempt(Array("YUV4MPEG2 W2 H2 F30:0\n".utf8)).contains("frame rate"))
        #expect(attempt(Array(y4mBytes(width: 8, height: 8, frames: 2).dropLast(10))).contains("frame 1 at byte"))
        #expect(attempt(Array(y4mBytes(width: 8, height: 8, frames: 2).dropLast(10))).contains("truncated"))
        #expect(attempt(Array("YUV4MPEG2 W2 H2 Cmono\nFRAMX\n".utf8)).contains("expected \"FRAME\""))
        let missing = (try? Y4MFileSource(path: folder + "/none.y4m")) == nil
        #expect(missing)
    }

    /// Seeded mutations of a valid file: every outcome is frames or a thrown error, never a crash; bounded.
    @Test func y4mParserSurvivesMutations() throws {
        let folder = try temporaryFolder("y4m-fuzz")
        let valid = y4mBytes(width: 6, height: 4, frames: 2)
        var generator = SeededGenerator(seed: 0xED6E)
        let path = folder + "/fuzz.y4m"
        var failures = 0
        for _ in 0..<400 {
            var bytes = valid
            for _ in 0..<Int(generator.next() % 4) + 1 {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.removeSubrange(position...)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                }
                if bytes.isEmpty { break }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let source = try Y4MFileSource(path: path)
                var count = 0
                while let frame = try source.nextFrame() {
                    #expect(frame.pixels.count == frame.width * frame.height)
                    count += 1
                    if count > 10 { break }
                }
                source.close()
            } catch {
                failures += 1
                #expect(!"\(error)".isEmpty)
            }
        }
        #expect(failures > 0)
    }

    @Test func folderHoldsEachImageAndSkipsBrokenOnes() throws {
        let folder = try temporaryFolder("folder")
        try GrayImage(width: 4, height: 3, filledWith: 10).write(toFile: folder + "/a.png")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: folder + "/b.png"))
        try GrayImage(width: 5, height: 2, filledWith: 200).write(toFile: folder + "/c.pgm")
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        let logged = Mutex<[String]>([])
        let source = try ImageFolderSource(folder: folder, extensions: ImageFileDecoding.extensions,
                                           decode: ImageFileDecoding.decodeGray, framesPerImage: 2, framesPerSecond: 4,
                                           log: { line in logged.withLock { $0.append(line) } })
        var frames: [GrayFrame] = []
        while let frame = try source.nextFrame() { frames.append(frame) }
        #expect(frames.map(\.origin) == ["a.png", "a.png", "c.pgm", "c.pgm"])
        #expect(frames.map(\.index) == [0, 1, 4, 5])
        #expect(frames.map(\.timestamp) == [0, 0.25, 1.0, 1.25])
        #expect(frames[2].width == 5 && frames[2].pixels.allSatisfy { $0 == 200 })
        #expect(logged.withLock { $0 }.count == 1 && logged.withLock { $0 }[0].contains("b.png"))
    }

    @Test func emptyOrMissingFolderIsAClearError() throws {
        let folder = try temporaryFolder("empty")
        #expect(throws: FrameSourceError.self) {
            try ImageFolderSource(folder: folder, extensions: ImageFileDecoding.extensions, decode: ImageFileDecoding.decodeGray, log: { _ in })
        }
        do {
            _ = try ImageFolderSource(folder: folder + "/nope", extensions: ["png"], decode: ImageFileDecoding.decodeGray, log: { _ in })
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("nope") && "\(error)".contains("no such folder"))
        }
    }

    @Test func missingCameraIsRetriedWithBackoffAndLogged() throws {
        final class OneFrame: FrameSource {
            let summary = "camera ok"
            func nextFrame() throws -> GrayFrame? { GrayFrame(width: 1, height: 1, pixels: [7], index: 0, timestamp: 0) }
            func close() {}
        }
        let attempts = Mutex(0)
        let logged = Mutex<[String]>([])
        let source = ReconnectingSource(describe: "camera /dev/video9", log: { line in logged.withLock { $0.append(line) } }) {
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt < 3 { throw FrameSourceError.unreadable(path: "/dev/video9", reason: "no such device") }
            return OneFrame()
        }
        let start = MonotonicClock().now()
        var frame: GrayFrame?
        while frame == nil && MonotonicClock().now() - start < 5 {
            do { frame = try source.nextFrame() } catch FrameSourceError.noFrameYet { continue }
        }
        #expect(frame?.pixels == [7])
        #expect(attempts.withLock { $0 } == 3)
        let lines = logged.withLock { $0 }
        #expect(lines.count == 3)
        #expect(lines[0].contains("/dev/video9") && lines[0].contains("no such device") && lines[0].contains("retrying in 0.5 s"))
        #expect(lines[1].contains("retrying in 1.0 s"))
        #expect(lines[2].contains("is back"))
        // 0.5 s + 1.0 s of backoff.
        #expect(MonotonicClock().now() - start >= 1.4)
    }
}
