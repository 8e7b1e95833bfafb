import ArgumentParser
import EdgeDetect
import Foundation

/// `edge-quantize cascade <xml> -o <file>`: OpenCV Haar or LBP cascade XML -> integer `.edgecascade`.
struct CascadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Convert an OpenCV Haar (either layout) or LBP cascade XML to the board's integer .edgecascade file.")

    @Argument(help: "OpenCV cascade XML, e.g. models/opencv/haarcascade_frontalface_default.xml")
    var xml: String

    @Option(name: .shortAndLong, help: "Output .edgecascade file.")
    var output: String

    func run() throws {
        do {
            let detectorCascade = try DetectorCascade(contentsOfFile: xml)
            try detectorCascade.write(toFile: output)
            let reloaded = try DetectorCascade(contentsOfFile: output)
            guard reloaded == detectorCascade else { throw ValidationError("\(output): reloading the written file gave a different cascade") }
            guard case .haar(let cascade) = detectorCascade else {
                if case .lbp(let lbp) = detectorCascade {
                    print("\(output): LBP, \(lbp.windowWidth)x\(lbp.windowHeight) window, \(lbp.stages.count) stages, \(lbp.stumpCount) stumps, \(lbp.features.count) features, leaf shift \(lbp.leafShift), \(detectorCascade.fileBytes.count) bytes")
                }
                return
            }
            let trees = cascade.stages.reduce(0) { $0 + $1.trees.count }
            let bytes = CascadeFile.encode(cascade).count
            print("\(output): \(cascade.windowWidth)x\(cascade.windowHeight) window, \(cascade.stages.count) stages, \(trees) weak classifiers, \(cascade.features.count) features, \(cascade.isStumpBased ? "stumps" : "trees"), threshold shift \(cascade.thresholdShift), \(bytes) bytes")
        } catch let error as CascadeError {
            throw ValidationError(error.description)
        }
    }
}
