import ArgumentParser
import EdgeGraph
import EdgeKerasImport
import EdgeModel
import EdgeONNXImport

/// What a trained model file may not say about its input and classes, given on the command line
/// (`convert` and `evaluate` take the same, so that the float model they compare against is the
/// one converted). They go into the model file, which carries its preprocessing and labels.
struct ImportOptions: ParsableArguments {
    @Option(name: .long, help: "Model input = pixel * scale + offset, pixel in 0...255 (default: fer's 2/255, with offset -1).")
    var inputScale: Float?

    @Option(name: .long, help: "See --input-scale.")
    var inputOffset: Float?

    @Option(name: .long, help: "PyTorch's Normalize mean on pixels / 255: one value, or one per input channel (comma-separated). Instead of --input-scale/--input-offset; ONNX models only for several values.")
    var mean: String?

    @Option(name: .long, help: "PyTorch's Normalize std, with --mean.")
    var std: String?

    @Option(name: .long, help: "Class names in output order, comma-separated (needed when the output has other than 7 classes and an ONNX model has no 'labels' metadata property).")
    var labels: String?

    func validate() throws {
        if (inputScale == nil) != (inputOffset == nil) {
            throw ValidationError("--input-scale and --input-offset go together")
        }
        if (mean == nil) != (std == nil) { throw ValidationError("--mean and --std go together") }
        if mean != nil, inputScale != nil { throw ValidationError("give either --mean/--std or --input-scale/--input-offset, not both") }
        if let inputScale, !(inputScale.isFinite && inputScale != 0) { throw ValidationError("--input-scale must be a non-zero number") }
        _ = try normalization
        if let labels = labelList, labels.contains(where: \.isEmpty) {
            throw ValidationError("--labels '\(self.labels ?? "")' has an empty class name")
        }
    }

    var labelList: [String]? {
        labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    var preprocessing: Preprocessing {
        if let inputScale, let inputOffset { return Preprocessing(scale: inputScale, offset: inputOffset) }
        return .symmetricUnit
    }

    var normalization: ONNXImporter.Normalization? {
        get throws {
            guard let mean, let std else { return nil }
            func numbers(_ text: String, _ option: String) throws -> [Float] {
                let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                    throw ValidationError("--\(option) '\(text)' is not a comma-separated list of numbers")
                }
                return values.map { $0! }
            }
            let result = ONNXImporter.Normalization(mean: try numbers(mean, "mean"), std: try numbers(std, "std"))
            guard result.std.allSatisfy({ $0 > 0 }) else { throw ValidationError("--std values must be positive") }
            return result
        }
    }

    func onnx() throws -> ONNXImporter.Options {
        ONNXImporter.Options(preprocessing: preprocessing, normalization: try normalization, grayInput: true, labels: labelList)
    }

    func keras() throws -> KerasImportOptions {
        var preprocessing = self.preprocessing
        if let normalization = try normalization {
            guard normalization.mean.count == 1, normalization.std.count == 1 else {
                throw CommandFailure("--mean/--std with one value per channel are for ONNX models; a Keras model takes one value each")
            }
            preprocessing = Preprocessing(scale: 1 / (255 * normalization.std[0]), offset: -normalization.mean[0] / normalization.std[0])
        }
        return KerasImportOptions(preprocessing: preprocessing, labels: labelList)
    }
}
