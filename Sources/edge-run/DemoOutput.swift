import Foundation

/// Where the demo (no camera, no --input) writes, and its start: each demo run replaces the previous run's
/// JSON lines and snapshots, so out/demo always shows one run. Explicit --json-out files are appended to.
enum DemoOutput {
    static let folder = "out/demo"
    static let snapshotFolder = "out/demo/snapshots"
    static let jsonLinesFile = "out/demo/frames.jsonl"

    static func startFresh(snapshots: Bool, jsonLines: Bool, log: @Sendable (String) -> Void) {
        let files = FileManager.default
        try? files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var removed = 0
        if jsonLines, files.fileExists(atPath: jsonLinesFile), (try? files.removeItem(atPath: jsonLinesFile)) != nil {
            removed += 1
        }
        if snapshots, let names = try? files.contentsOfDirectory(atPath: snapshotFolder) {
            for name in names where name.hasPrefix("frame-") && name.hasSuffix(".png") {
                if (try? files.removeItem(atPath: (snapshotFolder as NSString).appendingPathComponent(name))) != nil { removed += 1 }
            }
        }
        if removed > 0 { log("edge-run: demo output of the previous run removed from \(folder) (\(removed) files)") }
    }
}
