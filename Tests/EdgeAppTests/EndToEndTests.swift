import EdgeBoardConfig
import Foundation
import Testing
@testable import EdgeApp

/// The real pipeline (EdgeDetect's Haar detector, the shipped int8 model) on the shipped samples, as the demo
/// runs it: 3 frames per sample at 4 fps. Expected boxes are OpenCV 4.14's (models/samples/README.md) on every
/// frame, so the detector scans whole frames (`fullScanSeconds` 0); tracking-driven scanning has its own tests
/// (TrackingScanTests), where a face shows up within `fullScanSeconds`.
@Suite struct EndToEndTests {
    struct Line {
        var frame: Int
        var source: String
        var faces: [[String: Any]]
        var noFace: Bool
    }

    @Test func samplesGiveStableIdsAndHappyFaces() throws {
        var board = try BoardConfig.load(path: repositoryRoot + "/board-configs/generic-pc-usb-webcam.json")
        board.detector.fullScanSeconds = 0
        let modelPath = repositoryRoot + "/" + board.model.path
        let cascadePath = repositoryRoot + "/" + board.detector.cascade
        try #require(FileManager.default.fileExists(atPath: modelPath), "the default model \(modelPath) must be shipped")
        let output = try temporaryFolder("end-to-end")
        let configuration = RunConfiguration(
            board: board, boardConfigPath: nil,
            source: .folder(path: repositoryRoot + "/models/samples", framesPerImage: 3), replayFramesPerSecond: 4,
            modelPath: modelPath, cascadePath: cascadePath, snapshotFolder: output + "/snapshots",
            jsonOutputPath: output + "/frames.jsonl", writeStandardOutput: false, useDisplay: false, useLEDs: false,
            useSerial: false,
            settings: PipelineSettings(
                tracking: TrackingSettings(minimumOverlap: 0.3, forgetAfterSeconds: 1, noFaceAfterSeconds: 1),
                smoothing: SmoothingSettings(timeConstant: 0.4, holdSeconds: 0.6),
                reactions: board.reactions))
        let application = try EdgeRunApplication(configuration: configuration, log: { _ in })
        let summary = application.run()
        #expect(summary.framesDone == 15 && summary.dropped == 0)

        let lines = try String(contentsOfFile: output + "/frames.jsonl", encoding: .utf8).split(separator: "\n").map {
            let object = try parseJSON(String($0))
            return Line(frame: object["frame"] as! Int, source: object["source"] as! String,
                        faces: object["faces"] as! [[String: Any]], noFace: object["no_face"] as! Bool)
        }
        #expect(lines.map(\.frame) == Array(0..<15))
        func box(_ face: [String: Any]) -> FaceBox {
            let values = face["box"] as! [Int]
            return FaceBox(x: values[0], y: values[1], width: values[2], height: values[3])
        }
        // OpenCV 4.14 with the config's detector settings (scaleFactor 1.2, minNeighbors 4, min 48 px) finds the
        // astronaut in 01-03 and, in 01 only, a second box on her shoulder; nothing in 04 and 05.
        let expected: [String: [FaceBox]] = [
            "01-astronaut.jpg": [FaceBox(x: 246, y: 63, width: 88, height: 88), FaceBox(x: 345, y: 120, width: 120, height: 120)],
            "02-astronaut-moved.jpg": [FaceBox(x: 268, y: 72, width: 86, height: 86)],
            "03-astronaut-mirrored.jpg": [FaceBox(x: 324, y: 62, width: 91, height: 91)],
        ]
        #expect(board.detector.scaleFactor == 1.2 && board.detector.minimumNeighbors == 4 && board.detector.minimumFaceSize == 48)
        for line in lines {
            let references = expected[line.source] ?? []
            try #require(line.faces.count == references.count, "frame \(line.frame) (\(line.source)): \(line.faces.count) faces")
            for (face, reference) in zip(line.faces, references) {
                #expect(box(face).intersectionOverUnion(reference) >= 0.7, "frame \(line.frame): \(box(face)) vs OpenCV \(reference)")
            }
        }
        // The astronaut: always the first face, smiling on every frame.
        let astronaut = lines[0..<9].map { $0.faces[0] }
        #expect(astronaut.allSatisfy { $0["frame_emotion"] as? String == "happy" })
        #expect(astronaut.allSatisfy { ($0["scores"] as! [String: Double])["happy"]! > 0.9 })
        // She keeps id 1 while she moves (01 -> 02); the extra box is face 2; the mirrored copy is face 3.
        #expect(lines[0..<6].allSatisfy { $0.faces[0]["id"] as? Int == 1 })
        #expect(lines[0..<3].allSatisfy { $0.faces[1]["id"] as? Int == 2 })
        #expect(lines[6..<9].allSatisfy { $0.faces[0]["id"] as? Int == 3 })
        // Announced after 0.6 s (frame 3 at 0.75 s) and stable from then on; face 3 is not held long enough.
        #expect(lines[0..<3].allSatisfy { $0.faces[0]["emotion"] is NSNull })
        #expect(lines[3..<6].allSatisfy { $0.faces[0]["emotion"] as? String == "happy" })
        #expect(lines[6..<9].allSatisfy { $0.faces[0]["emotion"] is NSNull })
        // Last face at 2.0 s; no face announced 1 s later (frame 12 at 3.0 s).
        #expect(lines.map(\.noFace) == [Bool](repeating: false, count: 12) + [true, true, true])
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: output + "/snapshots")
        #expect(snapshots.count >= 4)
    }
}
