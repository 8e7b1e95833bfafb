import ArgumentParser
import EdgeDetect
import Foundation

/// `edge-quantize cascade <xml> -o <file>`: OpenCV Haar cascade XML -> fixed-point `.edgecascade`.
struct CascadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Convert an OpenCV Haar cascade XML (either layout) to the board's fixed-point .edgecascade file.")

    @Argument(help: "OpenCV cascade XML, e.g. models/opencv/haarcascade_frontalface_default.xml")
    var xml: String

    @Option(name: .shortAndLong, help: "Output .edgecascade file.")
    var output: String

    func run() throws {
        do {
            let cascade = try HaarCascade(xmlFile: xml)
            try cascade.write(toFile: output)
            let reloaded = try HaarCascade(contentsOfFile: output)
            guard reloaded == cascade else { throw ValidationError("\(output): reloading the written file gave a different cascade") }
            let trees = cascade.stages.reduce(0) { $0 + $1.trees.count }
            let bytes = CascadeFile.encode(cascade).count
            print("\(output): \(cascade.windowWidth)x\(cascade.windowHeight) window, \(cascade.stages.count) stages, \(trees) weak classifiers, \(cascade.features.count) features, \(cascade.isStumpBased ? "stumps" : "trees"), threshold shift \(cascade.thresholdShift), \(bytes) bytes")
        } catch let error as CascadeError {
            throw ValidationError(error.description)
        }
    }
}
