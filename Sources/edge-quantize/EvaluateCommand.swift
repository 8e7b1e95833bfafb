import ArgumentParser
import EdgeImage
import EdgeInference
import EdgeModel
import EdgeOverlay
import EdgeQuantize
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Top-1 accuracy of a quantized model and of its float source on a class-folder dataset.",
        discussion: """
            Each image is converted to gray and resized bilinearly (OpenCV INTER_LINEAR) to the model \
            input, then run quantized and in float. With --augment both models also see the image's \
            mirror (flip), or the window as is and shifted by 1/24 of its side left, right, up and \
            down, each also mirrored (flip-shift, 10 views), and average the class probabilities. Prints accuracy per true class and the \
            quantized model's confusion matrix; the last line is exactly \
            'accuracy=<quantized top-1> float=<float top-1> agreement=<quantized vs float top-1 agreement> n=<images>', \
            rates as fractions with four decimals (0.6523 = 65.23 %).
            """)

    @Argument(help: "Trained float model: Keras .h5/.hdf5/.keras or ONNX .onnx.")
    var model: String

    @OptionGroup(title: "Model input and classes (as given to convert)")
    var importOptions: ImportOptions

    @Argument(help: "The quantized model file (.edgemodel).")
    var int8Model: String

    @Argument(help: "Dataset folder with one subfolder of images per class, named like the model's labels (or see --labels).")
    var dataset: String

    @Option(name: .long, help: "Test-time augmentation: \(TestTimeAugmentation.namesList) (1, 2 and 10 passes per image).")
    var augment: String = TestTimeAugmentation.none.name

    @Option(name: .long, help: "Class folders named otherwise: 'label=folder,...' (e.g. 'angry=anger,sad=sadness'), 'skip=folder' leaves a folder out; or a file of such entries, one per line.")
    var labels: String?

    @Option(name: .long, help: "Also draw the quantized model's confusion matrix into this PNG file.")
    var plot: String?

    @Option(name: .long, help: "Kernel variant (default: EDGE_KERNELS, else the fastest this CPU has).")
    var kernels: String?

    @Option(name: .long, help: "Evaluate only this many images, spread evenly over the dataset (0: all).")
    var sample: Int = 0

    @Option(name: .long, help: "Worker threads (default: the number of CPUs).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Also write one line per image to this file: '<int8 class> <float class> <image path>' (class names, dataset order).")
    var predictions: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let problem = ModelSource.validate(model) { throw ValidationError(problem) }
        guard sample >= 0 else { throw ValidationError("--sample must be 0 (all images) or positive") }
        guard TestTimeAugmentation(rawValue: augment) != nil else {
            throw ValidationError("--augment must be one of \(TestTimeAugmentation.namesList), not '\(augment)'")
        }
    }

    func run() throws {
        do {
            let kernelTable = try kernels.map { name throws in try KernelTable.select(name) } ?? KernelTable.fromEnvironment()
            let quantized = try ModelFile.load(path: int8Model)
            let graph = try ModelSource.load(model, options: importOptions)
            guard graph.preprocessing.scale == quantized.preprocessing.scale, graph.preprocessing.offset == quantized.preprocessing.offset,
                  graph.labels == quantized.labels else {
                throw CommandFailure("\(int8Model) was converted with other input preprocessing or labels (pixel * \(quantized.preprocessing.scale) + \(quantized.preprocessing.offset), \(quantized.labels.joined(separator: ","))) than \(model) gets now (pixel * \(graph.preprocessing.scale) + \(graph.preprocessing.offset), \(graph.labels.joined(separator: ","))); pass the same --input-scale/--input-offset, --mean/--std and --labels as to convert")
            }
            let augmentation = TestTimeAugmentation(rawValue: augment)!
            let mapping = try labels.map { try ClassFolderMapping(argument: $0, labels: quantized.labels) } ?? .identity
            var folder = try ImageFolder(path: dataset)
            if sample > 0 { folder = folder.evenSample(sample) }
            print("evaluating \(int8Model) against \(graph.provenance) on \(folder.entries.count) images in \(dataset), augmentation \(augmentation.name) (\(augmentation.passes) pass\(augmentation.passes == 1 ? "" : "es") per image)")
            let progress = ProgressLine(label: "evaluating")
            let clock = ContinuousClock()
            let start = clock.now
            let result = try AccuracyEvaluation.run(graph: graph, model: quantized, dataset: folder, kernels: kernelTable,
                                                    threads: threads, augmentation: augmentation, mapping: mapping) {
                done, total, partial in
                progress(done, total, detail: partial.summaryLine)
            }
            let seconds = (clock.now - start) / .seconds(1)
            print(String(format: "evaluated in %.1f s (%d threads)", seconds, threads))
            if augmentation.passes > 1 { print(result.plainSummaryLine) }
            print("accuracy per true class:")
            print(result.perClassTable(labels: quantized.labels))
            print("confusion matrix of the quantized model (rows: true class, columns: predicted):")
            print(result.confusionTable(labels: quantized.labels))
            if let plot {
                let title = "\((int8Model as NSString).lastPathComponent), augment \(augmentation.name): " + String(format: "top-1 %.2f %% of %d images", 100 * result.int8Accuracy, result.imageCount)
                let image = ConfusionMatrixPlot.render(counts: result.int8Confusion, labels: quantized.labels, title: title)
                try RGBImage(width: image.width, height: image.height, pixels: image.rgbBytes).write(toFile: plot)
                print("confusion matrix plot: \(plot)")
            }
            if let predictions {
                let labels = quantized.labels
                let lines = zip(folder.entries, result.predictions).map { entry, prediction in
                    prediction.map { "\(labels[$0.int8]) \(labels[$0.float]) \(entry.path)\n" } ?? ""
                }
                do {
                    try Data(lines.joined().utf8).write(to: URL(fileURLWithPath: predictions))
                } catch {
                    throw CommandFailure("\(predictions): cannot write: \(error.localizedDescription)")
                }
            }
            print(result.summaryLine)
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure(error)
        }
    }
}
