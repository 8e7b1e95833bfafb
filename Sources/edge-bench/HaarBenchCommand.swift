import ArgumentParser
import EdgeDetect
import EdgeImage
import Foundation

/// `edge-bench haar <frame>...`: the timing driver behind tools/bench-haar. For each gray frame it
/// prints one JSON line {"frame", "ms" (median of --repeat timed detections, one thread), "boxes"}.
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
    @Flag(help: "Also read frame paths from standard input, one per line, answering each before reading the next (lets tools/bench-haar interleave its OpenCV and project timings).")
    var stdin = false
    @Argument(help: "Frames (PGM, PNG or JPEG).") var frames: [String] = []

    func run() throws {
        let detector = FaceDetector(cascade: try loadCascade(cascade), threads: threads)
        let parameters = DetectionParameters(scaleFactor: scaleFactor, minNeighbors: minNeighbors,
                                             minSize: WindowSize(width: minSize, height: minSize))
        let clock = ContinuousClock()
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
            var detections = try detector.detect(image, parameters: parameters)  // warm-up, also the boxes
            var times: [Double] = []
            for _ in 0..<max(repetitions, 1) {
                let start = clock.now
                detections = try detector.detect(image, parameters: parameters)
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
            times.sort()
            let boxes = detections.map { [$0.box.x, $0.box.y, $0.box.width, $0.box.height, $0.neighbors] }
            let data = try JSONSerialization.data(
                withJSONObject: ["frame": path, "ms": times[times.count / 2], "boxes": boxes], options: [.sortedKeys])
            // Unbuffered, so a reader waiting for this frame's line gets it now.
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}
