import ArgumentParser
import EdgeApp
import EdgeBoardConfig
import EdgeImage
import Foundation

/// `edge-bench frame`: the per-frame cost of the whole face -> emotion path on one thread, as tools/bench-frame
/// compares it with fer: colour frame -> gray (BGR2GRAY weights) -> fixed-point Haar -> fer's crop -> int8 model,
/// for every face. Decoding the file is not timed (fer gets decoded frames too).
struct FrameBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Time gray + detect + crop + classify per frame over a folder of frames (one thread).")

    @Argument(help: "Folder of PNG/JPEG frames.")
    var frames: String

    @Option(help: "Emotion model file (.edgemodel).")
    var model: String = "models/emotion_a16w8.edgemodel"

    @Option(help: "Haar cascade (OpenCV XML or the project's binary cascade).")
    var cascade: String = "models/face_frontal.edgecascade"

    @Option(name: .customLong("repeat"), help: "Timings per frame; the frame's time is their median.")
    var repetitions: Int = 3

    @Option(help: "Write the median and the faces found per frame as JSON to this file.")
    var json: String?

    @Option(help: "Detector scale factor (fer: 1.1).")
    var scaleFactor: Double = 1.1

    @Option(help: "Detector minimum neighbours (fer: 5).")
    var minNeighbors: Int = 5

    @Option(help: "Smallest face in pixels (fer: 50).")
    var minFace: Int = 50

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: frames, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(frames) is not a folder of frames")
        }
    }

    func run() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: frames)
            .filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !names.isEmpty else { throw ValidationError("no PNG/JPEG frames in \(frames)") }
        let images = try names.map { try DecodedImage(contentsOfFile: (frames as NSString).appendingPathComponent($0)) }
        let detector = try HaarFaceDetector(cascadePath: cascade, config: DetectorConfig(
            cascade: cascade, minimumFaceSize: minFace, scaleFactor: scaleFactor, minimumNeighbors: minNeighbors))
        let classifier = try Int8EmotionClassifier(path: model)
        let crop = FerFaceCrop(side: classifier.inputSide)

        func process(_ image: DecodedImage, index: Int) throws -> [(FaceBox, Emotion)] {
            let gray = image.gray
            let frame = GrayFrame(width: gray.width, height: gray.height, pixels: gray.pixels, index: index, timestamp: 0)
            return try detector.detectFaces(in: frame).compactMap { face in
                guard let pixels = crop.crop(frame, box: face.box) else { return nil }
                return (face.box, try classifier.classify(crop: pixels).top)
            }
        }

        _ = try process(images[0], index: 0)  // warm-up, as the fer side does
        var perFrame: [Double] = []
        var found: [String: [(FaceBox, Emotion)]] = [:]
        for (index, image) in images.enumerated() {
            var samples: [Double] = []
            for _ in 0..<repetitions {
                let start = DispatchTime.now().uptimeNanoseconds
                found[names[index]] = try process(image, index: index)
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            perFrame.append(Self.median(samples))
        }
        let median = Self.median(perFrame)
        let faceCount = found.values.reduce(0) { $0 + $1.count }
        print(String(format: "edge frame: %d frames, %d faces, median %.2f ms (min %.2f, max %.2f)",
                     images.count, faceCount, median, perFrame.min()!, perFrame.max()!))
        if let json {
            let faces = found.mapValues { $0.map { ["box": [$0.0.x, $0.0.y, $0.0.width, $0.0.height], "emotion": $0.1.label] as [String: Any] } }
            let object: [String: Any] = ["median_ms": median, "frames": images.count, "faces": faces]
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: json))
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
