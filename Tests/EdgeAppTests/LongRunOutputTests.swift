import Foundation
import Synchronization
import Testing
@testable import EdgeApp

/// What keeps a months-long run's outputs healthy: whole-file snapshot writes, the pause/resume of snapshots
/// after a failure, and the --json-out file reopened after a log rotator moved it.
@Suite struct LongRunOutputTests {
    @Test func atomicWriteLeavesTheFinalNameWholeOrAbsent() throws {
        let folder = try temporaryFolder("atomic")
        let path = folder + "/frame-000001.png"
        try AtomicFileWrite.write([1, 2, 3], to: path)
        #expect(FileManager.default.contents(atPath: path) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["frame-000001.png"])
        #expect(AtomicFileWrite.temporaryPath(for: path) == folder + "/.frame-000001.png.partial")
        #expect {
            try AtomicFileWrite.write([4], to: folder + "/gone/frame-000002.png")
        } throws: { error in
            "\(error)".contains("gone/frame-000002.png") && "\(error)".contains("No such file")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["frame-000001.png"])
    }

    @Test func snapshotFailureIsLoggedOnceAndSnapshotsResume() {
        struct DiskFull: Error, CustomStringConvertible { var description: String { "disk full" } }
        var schedule = SnapshotSchedule()
        var logged: [String] = []
        func isDue(frameTime: Double, interval: Double, changed: Bool, now: Double) -> Bool {
            schedule.isDue(frameTime: frameTime, interval: interval, changed: changed, now: now)
        }
        #expect(isDue(frameTime: 0, interval: 1, changed: false, now: 100))
        schedule.failed(DiskFull(), now: 100, log: { logged.append($0) })
        #expect(schedule.isPaused)
        // Due again a second later, but paused: skipped without a write.
        #expect(!isDue(frameTime: 1, interval: 1, changed: false, now: 101))
        #expect(!isDue(frameTime: 2, interval: 1, changed: true, now: 102))
        // The retry after 5 s fails again: no second log line.
        #expect(isDue(frameTime: 5, interval: 1, changed: false, now: 105))
        schedule.failed(DiskFull(), now: 105, log: { logged.append($0) })
        #expect(logged.count == 1)
        #expect(logged[0].contains("disk full") && logged[0].contains("paused"))
        #expect(isDue(frameTime: 10, interval: 1, changed: false, now: 110))
        schedule.succeeded(frameTime: 10, path: "s/frame-000100.png", log: { logged.append($0) })
        #expect(!schedule.isPaused)
        #expect(logged.count == 2)
        #expect(logged[1].contains("writing again") && logged[1].contains("4 snapshots skipped"))
        // Back to the interval: not due 0.5 s of frame time later, due after 1 s.
        #expect(!isDue(frameTime: 10.5, interval: 1, changed: false, now: 110.5))
        #expect(isDue(frameTime: 11, interval: 1, changed: false, now: 111))
    }

    @Test func fileSinkReopensAtItsPathAfterARotatorMovedIt() throws {
        let folder = try temporaryFolder("rotation")
        let path = folder + "/frames.jsonl"
        let messages = Mutex<[String]>([])
        let sink = try FileLineSink(path: path, log: { message in messages.withLock { $0.append(message) } })
        sink.write(line: "1")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        sink.write(line: "2")  // still the moved file: the rotator has not sent SIGHUP yet
        sink.reopen()
        sink.write(line: "3")
        sink.close()
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "1\n2\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "3\n")
        #expect(messages.withLock { $0 }.isEmpty)
    }

    @Test func fileSinkThatCannotReopenSaysSoOnceAndRecovers() throws {
        let folder = try temporaryFolder("reopen-fails")
        let path = folder + "/logs/frames.jsonl"
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        let messages = Mutex<[String]>([])
        let sink = try FileLineSink(path: path, log: { message in messages.withLock { $0.append(message) } })
        try FileManager.default.removeItem(atPath: folder + "/logs")
        sink.reopen()
        sink.write(line: "lost")
        #expect(messages.withLock { $0 }.count == 1)
        #expect(messages.withLock { $0 }.first?.contains(path) == true)
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        sink.reopen()
        sink.write(line: "back")
        sink.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "back\n")
    }
}
