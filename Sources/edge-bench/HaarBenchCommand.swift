import ArgumentParser
import EdgeApp
import EdgeDetect
import EdgeImage
import Foundation

/// `edge-bench haar <frame>...`: the timing driver behind tools/bench-haar. For each gray frame it
/// prints one JSON line {"frame", "ms" (median of --repeat timed detections, one thread), "boxes"}.
/// With --profile the line also has "pyramid_ms" (the same detections with a scan that evaluates nothing:
/// resize, integral images, grouping), "scan_ms" (ms - pyramid_ms) and "levels": per pyramid level what the
/// lane scan with --lanes windows per block evaluates (`HaarLevelProfile`; tools/haar-mca's input).
/// With --profile and --track-margin it also has "tracked": the region scan `edge-run` runs while it tracks
/// the frame's largest face (`ScanRegion(around:)` with that margin, levels grown from the tracker's core sizes): its
/// "box", "ms" (median, real kernels), "pyramid_ms" (no scan) and "levels" (the same counts, per scanned level).
struct HaarBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haar", abstract: "Time the Haar face detector on gray frames (JSON line per frame).")

    @Option(help: "Cascade file (.edgecascade or OpenCV XML).")
    var cascade = "models/face_frontal.edgecascade"
    @Option(name: .customLong("repeat"), help: "Timed detections per frame (the median is reported).") var repetitions = 5
    @Option(help: "Worker threads sharing the pyramid levels.") var threads = 1
    @Option(help: "Pyramid scale factor.") var scaleFactor = 1.1
    @Option(help: "Minimum neighbours.") var minNeighbors = 5
    @Option(help: "Minimum window side.") var minSize = 30
    @Flag(help: "Also time the pyramid without the scan and print per-level work counts of the lane scan.")
    var profile = false
    @Option(help: "With --profile: windows per lane block of the modelled variant (4 NEON, 8 AVX2).") var lanes = 4
    @Option(help: "With --profile: stages evaluated by row blocks before survivors are listed.") var rowStages = 3
    @Option(help: "With --profile: also profile the tracked region scan around the largest face with this detector.trackMargin.")
    var trackMargin: Double?
    @Flag(help: "Also read frame paths from standard input, one per line, answering each before reading the next (lets tools/bench-haar interleave its OpenCV and project timings).")
    var stdin = false
    @Argument(help: "Frames (PGM, PNG or JPEG).") var frames: [String] = []

    func run() throws {
        let cascadeFile = try loadCascade(cascade)
        let detector = FaceDetector(cascade: cascadeFile, threads: threads)
        let parameters = DetectionParameters(scaleFactor: scaleFactor, minNeighbors: minNeighbors,
                                             minSize: WindowSize(width: minSize, height: minSize))
        let clock = ContinuousClock()
        let pyramidOnly = FaceDetector(cascade: cascadeFile, threads: threads, kernels: .noScan)
        let counting = FaceDetector(cascade: cascadeFile, threads: 1, kernels: .profiling(lanes: lanes, rowStages: rowStages))
        let regions = RegionDetector(detector: FaceDetector(cascade: cascadeFile))
        let regionPyramidOnly = RegionDetector(detector: FaceDetector(cascade: cascadeFile, kernels: .noScan))
        let regionCounting = RegionDetector(detector: counting)
        func medianMs<Result>(_ body: () throws -> Result) rethrows -> (Double, Result) {
            var result = try body()  // warm-up
            var times: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                let start = clock.now
                result = try body()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
            times.sort()
            return (times[times.count / 2], result)
        }
        func median(_ detector: FaceDetector, _ image: GrayImage) throws -> (Double, [Detection]) {
            try medianMs { try detector.detect(image, parameters: parameters) }
        }
        func json(_ levels: [HaarLevelProfile]) -> [[String: Any]] {
            levels.map { level in
                ["columns": level.columns, "rows": level.rows, "step": level.step, "windows": level.windows,
                 "normalized": level.normalized, "block_stumps": level.blockStumps,
                 "scalar_stumps": level.scalarStumps, "list_stumps": level.listStumps,
                 "survivor_block_stumps": level.survivorBlockStumps,
                 "reach": Array(level.reach.reversed().drop { $0 == 0 }.reversed()), "hits": level.hits]
            }
        }
        var pending = frames
        while true {
            let path: String
            if !pending.isEmpty {
                path = pending.removeFirst()
            } else if stdin, let line = readLine() {
                path = line
            } else {
                break
            }
            let image: GrayImage
            do { image = try GrayImage(contentsOfFile: path) } catch { throw ValidationError("\(error)") }
            let (ms, detections) = try median(detector, image)
            let boxes = detections.map { [$0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.neighbors] }
            var line: [String: Any] = ["frame": path, "ms": ms, "boxes": boxes]
            if profile {
                let pyramidMs = try median(pyramidOnly, image).0
                _ = HaarKernels.takeProfile()
                let counted = try counting.detect(image, parameters: parameters)
                guard counted == detections else { throw ValidationError("profile scan disagrees with the detector on \(path)") }
                line["pyramid_ms"] = pyramidMs
                line["scan_ms"] = ms - pyramidMs
                line["width"] = image.width
                line["height"] = image.height
                line["levels"] = json(HaarKernels.takeProfile())
                if let trackMargin, let face = detections.max(by: { $0.box.width * $0.box.height < $1.box.width * $1.box.height }) {
                    var region = ScanRegion(around: face.box, margin: trackMargin, sizeRange: TrackingHaarFaceDetector.sizeRange)
                    let core = TrackingHaarFaceDetector.coreWidths(around: face.box)
                    let (trackedMs, found) = try medianMs {
                        try regions.detect(image, in: region, parameters: parameters, growingFrom: core)
                    }
                    guard found.trusted.contains(where: { $0.box == face.box }) || found.untrusted.contains(where: { $0.box == face.box })
                    else { throw ValidationError("the tracked region scan lost the face \(face.box) on \(path)") }
                    // The levels the tracker's scan grew to, for the pyramid-only timing and the counts.
                    region.windowWidths = found.scannedWidths ?? region.windowWidths
                    let pyramidMs = try medianMs { try regionPyramidOnly.detect(image, in: region, parameters: parameters) }.0
                    line["tracked"] = ["box": [face.box.x, face.box.y, face.box.width, face.box.height], "ms": trackedMs,
                                       "pyramid_ms": pyramidMs,
                                       "levels": json(try regionCounting.profile(image, in: region, parameters: parameters))]
                }
            }
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
            // Unbuffered, so a reader waiting for this frame's line gets it now.
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}
