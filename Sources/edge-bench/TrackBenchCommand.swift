import ArgumentParser
import EdgeApp
import EdgeBoardConfig
import EdgeDetect
import EdgeImage
import Foundation

/// `edge-bench track CLIP.y4m`: the timing driver behind tools/bench-track. Runs the detector on every frame of the
/// clip twice (interleaved frame by frame), one thread each: a full scan per frame (`HaarFaceDetector`'s work) and tracking-driven scanning
/// (`TrackingHaarFaceDetector` with its full scans run in the caller and merged at the next frame, so their cost is
/// in the measured time). Prints the counters, then
/// `track_ms full=<mean ms per frame> tracked=<mean ms per frame> ratio=<tracked/full> kept=<fraction>` where kept is
/// the fraction of the full scans' faces the tracked run also reports in the same frame (IoU >= 0.5).
struct TrackBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track", abstract: "Full scans vs tracking-driven scanning on a clip (time and agreement).")

    @Option(help: "Cascade file (.edgecascade or OpenCV XML).") var cascade = "models/face_frontal.edgecascade"
    @Option(help: "Pyramid scale factor (the board configs' value).") var scaleFactor = 1.2
    @Option(help: "Minimum neighbours.") var minNeighbors = 4
    @Option(help: "Minimum face size.") var minSize = 48
    @Option(help: "Full-scan period in clip seconds (detector.fullScanSeconds).")
    var fullScanSeconds = DetectorConfig.defaultFullScanSeconds
    @Option(help: "Region margin (detector.trackMargin).") var trackMargin = DetectorConfig.defaultTrackMargin
    @Argument(help: "Gray or YUV 4:2:0 YUV4MPEG2 clip.") var clip: String

    func run() throws {
        let source = try Y4MFileSource(path: clip)
        var frames: [GrayFrame] = []
        while let frame = try source.nextFrame() { frames.append(frame) }
        source.close()
        guard !frames.isEmpty else { throw ValidationError("\(clip) has no frames") }
        guard case .haar(let cascade) = try loadCascade(self.cascade) else {
            throw ValidationError("\(self.cascade): tracking-driven scanning needs a Haar cascade")
        }
        let parameters = DetectionParameters(scaleFactor: scaleFactor, minNeighbors: minNeighbors,
                                             minSize: WindowSize(width: minSize, height: minSize))
        let images = try frames.map { try GrayImage(width: $0.width, height: $0.height, pixels: $0.pixels) }
        let clock = ContinuousClock()
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
        }

        // Interleaved frame by frame, so a change in machine load hits both runs alike.
        let full = FaceDetector(cascade: cascade)
        let tracked = TrackingHaarFaceDetector(cascade: cascade, parameters: parameters, fullScanSeconds: fullScanSeconds,
                                               trackMargin: trackMargin, threads: 1, fullScans: .nextFrame)
        var fullFaces: [[Detection]] = [], trackedFaces: [[Detection]] = []
        var fullTime = 0.0, trackedTime = 0.0, fullCPU = 0.0, trackedCPU = 0.0
        for (image, frame) in zip(images, frames) {
            var start = clock.now, startCPU = Self.threadCPUMilliseconds()
            fullFaces.append(try full.detect(image, parameters: parameters))
            fullTime += milliseconds(clock.now - start)
            fullCPU += Self.threadCPUMilliseconds() - startCPU
            start = clock.now
            startCPU = Self.threadCPUMilliseconds()
            trackedFaces.append(try tracked.detect(image, index: frame.index, time: frame.timestamp))
            trackedTime += milliseconds(clock.now - start)
            trackedCPU += Self.threadCPUMilliseconds() - startCPU
        }

        var total = 0, kept = 0, exact = 0, extra = 0
        var missedFrames: [Int] = []
        for (index, (reference, candidate)) in zip(fullFaces, trackedFaces).enumerated() {
            total += reference.count
            let found = reference.filter { face in candidate.contains { $0.box.intersectionOverUnion(face.box) >= 0.5 } }.count
            kept += found
            if found < reference.count {
                missedFrames.append(index)
                if ProcessInfo.processInfo.environment["TRACK_BENCH_VERBOSE"] != nil {
                    print("frame \(index): full \(reference.map(\.box)) tracked \(candidate.map(\.box))")
                }
            }
            exact += reference.filter { candidate.contains($0) }.count
            extra += candidate.filter { face in !reference.contains { $0.box.intersectionOverUnion(face.box) >= 0.5 } }.count
        }
        let count = Double(frames.count)
        let stats = tracked.statistics
        print("clip \(clip): \(frames.count) frames \(frames[0].width)x\(frames[0].height) at \(source.framesPerSecond) fps, "
            + "\(total) full-scan faces (\(exact) reported identically by the tracked run, \(extra) tracked-only faces)")
        print("tracked run: \(stats.fullScansStarted) full scans (\(stats.changeTriggeredFullScans) on a large change outside the faces), \(stats.regionScans) region scans, "
            + "\(stats.changeRegionScans) changed-area scans, "
            + "\(stats.widenedRegions) widened, \(stats.untrustedReported) untrusted groups reported")
        print("frames with a missed face: \(missedFrames.count)\(missedFrames.isEmpty ? "" : " (" + missedFrames.prefix(40).map(String.init).joined(separator: " ") + (missedFrames.count > 40 ? " ..." : "") + ")")")
        // Thread CPU time leaves out the time the thread waited for a core (a loaded machine), not cache effects.
        print(String(format: "thread cpu ms per frame: full=%.3f tracked=%.3f ratio=%.3f", fullCPU / count, trackedCPU / count,
                     trackedCPU / fullCPU))
        let keptFraction = total > 0 ? Double(kept) / Double(total) : 1
        print(String(format: "track_ms full=%.3f tracked=%.3f ratio=%.3f kept=%.4f", fullTime / count,
                     trackedTime / count, trackedTime / fullTime, keptFraction))
    }

    /// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID) in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) * 1e-6
    }
}
