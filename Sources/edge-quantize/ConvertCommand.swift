import ArgumentParser
import EdgeGraph
import EdgeInference
import EdgeModel
import EdgeQuantize
import Foundation

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Quantize a trained model (int8 weights; int8 or int16 activations), calibrating on a folder of images.",
        discussion: """
            Weights become symmetric per-channel int8, activations asymmetric int8 (or, with \
            --activations int16, symmetric int16) with ranges chosen on the calibration images (class \
            subfolders or a flat folder of PNG, JPEG or PGM files, resized bilinearly to the model \
            input). Prints a per-layer report (SQNR and cosine of the quantized tensors against float) \
            and the top-1 agreement on the calibration images.
            """)

    @Argument(help: "Trained model: Keras .h5/.hdf5/.keras or ONNX .onnx.")
    var model: String

    @OptionGroup(title: "Model input and classes (as given to convert)")
    var importOptions: ImportOptions

    @Option(name: .long, help: "Folder of calibration images.")
    var calibration: String

    @Option(name: .shortAndLong, help: "The model file to write (.edgemodel).")
    var output: String

    @Option(name: .long, help: "Calibration method: \(CalibrationMethod.allCases.map(\.rawValue).joined(separator: ", ")) (default: \(CalibrationMethod.defaultMethod.rawValue) for int8 activations, \(CalibrationMethod.minMax.rawValue) for int16).")
    var method: String?

    @Option(name: .long, help: "Activation type: int8, or int16 (finer steps, closer to the float model; weights stay int8).")
    var activations: String = ActivationType.int8.description

    @Option(name: .long, help: "Use at most this many calibration images, spread evenly over the folder (0: all).")
    var limit: Int = 0

    @Flag(name: .long, help: "Skip the cross-layer channel equalization before calibration.")
    var noEqualization = false

    @Flag(name: .long, help: "Skip the bias correction of layers without ReLU on the calibration images.")
    var noBiasCorrection = false

    @Flag(name: .long, help: "Fold each depthwise conv without activation into the 1x1 conv after it (one int8 rounding fewer, about 5x the multiply-adds for mini-Xception).")
    var foldSeparable = false

    @Flag(name: .long, help: "Keep the calibration method's ranges (skip the end-to-end range refinement on the calibration images).")
    var noRangeRefinement = false

    @Option(name: .long, help: "Worker threads for the range refinement (default: the number of CPUs; the result does not depend on it).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Skip the per-layer report.")
    var noReport = false

    func validate() throws {
        if let problem = ModelSource.validate(model) { throw ValidationError(problem) }
        guard ActivationType.allCases.contains(where: { $0.description == activations }) else {
            throw ValidationError("unknown activation type '\(activations)'; use int8 or int16")
        }
        if let method, CalibrationMethod(rawValue: method) == nil {
            throw ValidationError("unknown calibration method '\(method)'; use one of \(CalibrationMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all images) or positive") }
        guard !output.isEmpty else { throw ValidationError("--output needs a file name") }
    }

    func run() throws {
        do {
            let activationType = ActivationType.allCases.first { $0.description == activations }!
            // int16 steps are fine enough that clipping only loses: keep every calibrated value.
            let method = method.flatMap(CalibrationMethod.init(rawValue:))
                ?? (activationType == .int16 ? .minMax : CalibrationMethod.defaultMethod)
            let graph = try ModelSource.load(model, options: importOptions)
            guard graph.inputShape.channels == 1 else {
                throw CommandFailure("\(model): the model takes \(graph.inputShape.channels) input channels; calibration images are gray, so only 1-channel models are supported")
            }
            let folder = try ImageFolder(path: calibration)
            let entries = (limit > 0 ? folder.evenSample(limit) : folder).entries
            print("model: \(graph.provenance)")
            print("calibration: \(entries.count) images in \(calibration)")
            let loading = ProgressLine(label: "loading")
            var images: [[UInt8]] = []
            for (index, entry) in entries.enumerated() {
                images.append(try ImageFolder.loadPixels(entry.path, width: graph.inputShape.width, height: graph.inputShape.height))
                loading(index + 1, entries.count)
            }
            let source = (calibration as NSString).lastPathComponent
            let quantization = try PostTrainingQuantization(
                graph: graph, images: images, calibrationSource: source, activationType: activationType,
                equalizeChannels: !noEqualization, foldSeparable: foldSeparable, progress: { ProgressLine(label: "calibrating")($0, $1) })
            let (quantized, tensorOfNode) = try quantization.model(
                method: method, biasCorrection: !noBiasCorrection, refineRanges: !noRangeRefinement,
                kernels: try KernelTable.fromEnvironment(), threads: threads,
                progress: { ProgressLine(label: $0)($1, $2) },
                refinement: { outcome in
                    let names = outcome.changedNodes.map { quantization.graph.nodes[$0].name }
                    print(String(format: "range refinement: margin error %.5f -> %.5f, %d ranges changed", outcome.errorBefore, outcome.errorAfter, names.count)
                        + (names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"))
                })
            try ModelFile.write(quantized, to: output)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            print("wrote \(output): \(quantized.operations.count) operations, \(quantized.parameterCount) parameters, \(size) bytes, calibration \(quantized.calibration)")
            if let line = Self.narrowedTensorsLine(quantized) { print(line) }
            guard !noReport else { return }
            let report = try QuantizationReport.measure(
                graph: quantization.graph, model: quantized, tensorOfNode: tensorOfNode, images: images,
                progress: { ProgressLine(label: "report")($0, $1) })
            report.lines.forEach { print($0) }
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure(error)
        }
    }

    /// For int16 models with tensors narrowed below 2^15 codes (read by convs summing more than
    /// 515 terms): which, and how many bits each kept.
    static func narrowedTensorsLine(_ model: QuantizedModel) -> String? {
        let codes = model.largestCodes()
        // Every computed tensor but flatten outputs (the same values as their input).
        let computed = model.operations.filter { if case .flatten = $0 { false } else { true } }.map(\.output)
        let narrowed = computed.compactMap { tensorID -> String? in
            let tensor = model.tensors[tensorID]
            let precision = QuantizedModel.precision(of: tensor.elementType, largestCode: codes[tensorID])
            return precision == tensor.elementType.description ? nil : "\(tensor.name) \(precision)"
        }
        guard !narrowed.isEmpty else { return nil }
        return "int16 codes narrowed for int32 sums over more than 515 terms: \(narrowed.count) of \(computed.count) tensors ("
            + narrowed.joined(separator: ", ") + "); the others keep full int16"
    }
}
