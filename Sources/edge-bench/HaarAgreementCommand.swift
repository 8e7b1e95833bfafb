import ArgumentParser
import EdgeDetect
import EdgeImage
import Foundation

/// `edge-bench haar-agreement`: runs the detector on the shared photos with both parameter sets of
/// ../shared/data/faces/reference/opencv_haar_detections.json (or another file of that layout, e.g. the
/// LBP detections tools/test.d/31-lbp-agreement computes) and compares with OpenCV's boxes.
struct HaarAgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haar-agreement",
        abstract: "Compare the Haar detector's boxes with OpenCV 4.14's recorded detections on the shared photos.")

    @Option(help: "Cascade file (.edgecascade or OpenCV XML).")
    var cascade = "models/face_frontal.edgecascade"

    @Option(help: "The shared faces folder (default: $EDGE_SHARED_DATA/faces or ../shared/data/faces).")
    var faces: String?

    @Option(help: "OpenCV's detections (default: <faces>/reference/opencv_haar_detections.json).")
    var reference: String?

    @Flag(help: "Print every image, not only those that disagree.")
    var verbose = false

    @Flag(help: "Exit non-zero unless >= 98% of OpenCV's boxes are matched and extras are <= 2%, for each parameter set.")
    var check = false

    func run() throws {
        let facesDirectory = faces ?? SharedData.directory(appending: "faces")
        let referencePath = reference ?? facesDirectory + "/reference/opencv_haar_detections.json"
        guard let data = FileManager.default.contents(atPath: referencePath),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let parameterList = json["params"] as? [[String: Any]], let images = json["images"] as? [String: Any]
        else {
            throw ValidationError("\(referencePath): missing or not the expected JSON (params, images)")
        }
        let loaded = try loadCascade(cascade)
        let detector = FaceDetector(cascade: loaded)
        var failed = false
        for (setIndex, entry) in parameterList.enumerated() {
            let minSize = entry["minSize"] as? [Int] ?? [0, 0]
            let parameters = DetectionParameters(
                scaleFactor: entry["scaleFactor"] as? Double ?? 1.1, minNeighbors: entry["minNeighbors"] as? Int ?? 3,
                minSize: WindowSize(width: minSize[0], height: minSize[1]))
            var total = DetectionAgreement()
            for name in images.keys.sorted() {
                guard let sets = images[name] as? [[[Int]]], setIndex < sets.count else {
                    throw ValidationError("\(referencePath): image \(name) has no boxes for parameter set \(setIndex)")
                }
                let reference = sets[setIndex].map { Box(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
                let image = try GrayImage(contentsOfFile: facesDirectory + "/" + name)
                let found = try detector.detect(image, parameters: parameters).map(\.box)
                let agreement = DetectionAgreement(reference: reference, candidates: found)
                total = total + agreement
                if verbose || agreement.missed > 0 || agreement.extra > 0 {
                    print("  \(name): opencv \(reference.count), matched \(agreement.matched), missed \(agreement.missed), extra \(agreement.extra)\(agreement.missed + agreement.extra > 0 ? "  opencv \(reference) edge \(found)" : "")")
                }
            }
            let passed = total.matchedFraction >= 0.98 && total.extraFraction <= 0.02
            failed = failed || !passed
            print(String(format: "%@_agreement params=%d scaleFactor=%.2f minNeighbors=%d minSize=%dx%d images=%d opencv_boxes=%d matched=%d missed=%d extra=%d matched_fraction=%.4f extra_fraction=%.4f %@",
                         loaded.kindName, setIndex, parameters.scaleFactor, parameters.minNeighbors, minSize[0], minSize[1], images.count,
                         total.referenceCount, total.matched, total.missed, total.extra, total.matchedFraction,
                         total.extraFraction, passed ? "PASS" : "FAIL"))
        }
        if check && failed { throw ExitCode.failure }
    }
}

func loadCascade(_ path: String) throws -> DetectorCascade {
    do {
        return try DetectorCascade(contentsOfFile: path)
    } catch let error as CascadeError {
        throw ValidationError(error.description)
    }
}

/// ../shared/data (or $EDGE_SHARED_DATA), found from the working directory.
enum SharedData {
    static func directory(appending component: String) -> String {
        if let root = ProcessInfo.processInfo.environment["EDGE_SHARED_DATA"], !root.isEmpty {
            return root + "/" + component
        }
        return FileManager.default.currentDirectoryPath + "/../shared/data/" + component
    }
}
