import EdgeGraph
import EdgeModel
import Foundation

/// How `KerasImporter` fills what a Keras file does not say.
public struct KerasImportOptions: Sendable {
    /// 8-bit pixel to model input; default `fer`'s (x / 255 - 0.5) * 2.
    public var preprocessing: Preprocessing
    /// Class names in output order; nil: FER2013's seven emotions when the model has 7 outputs,
    /// else none.
    public var labels: [String]?
    /// Run `GraphOptimizer` (batch-norm folding, activation fusion) on the imported graph.
    /// Default true; false keeps one node per Keras layer (plus the depthwise half of each
    /// SeparableConv2D), useful to compare layer by layer against Keras.
    public var optimize: Bool

    public init(preprocessing: Preprocessing = .symmetricUnit, labels: [String]? = nil, optimize: Bool = true) {
        self.preprocessing = preprocessing
        self.labels = labels
        self.optimize = optimize
    }

    /// FER2013's class order.
    public static let fer2013Labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
}

/// Imports trained Keras models into a float `Graph`:
/// - Keras 2 / tf.keras / Keras 3 legacy `.h5` (`.hdf5`): root attribute `model_config` (JSON) and
///   weights below `/model_weights/<layer>/`;
/// - Keras 3 `.keras`: a zip of `config.json`, `metadata.json` and `model.weights.h5`.
/// Functional and Sequential models with a single image (or vector) input and a single output.
public enum KerasImporter {
    public static func load(path: String, options: KerasImportOptions = .init()) throws(KerasImportError) -> Graph {
        HDF5File.lock.lock()
        defer { HDF5File.lock.unlock() }
        do {
            let graph = try importGraph(path: path, options: options)
            return options.optimize ? try GraphOptimizer.optimize(graph) : graph
        } catch let problem as KerasModelProblem {
            throw KerasImportError(path: path, message: problem.message)
        } catch let error as GraphError {
            throw KerasImportError(path: path, message: error.description)
        } catch {
            throw KerasImportError(path: path, message: "\(error)")
        }
    }

    private static func importGraph(path: String, options: KerasImportOptions) throws -> Graph {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KerasModelProblem("no such file")
        }
        guard !isDirectory.boolValue else { throw KerasModelProblem("is a directory, not a Keras model file") }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw KerasModelProblem("cannot read the file (permission?)")
        }
        let bytes = [UInt8](contents)
        let fileName = (path as NSString).lastPathComponent
        let labels = { (outputs: Int) -> [String] in
            options.labels ?? (outputs == KerasImportOptions.fer2013Labels.count ? KerasImportOptions.fer2013Labels : [])
        }
        func provenance(_ format: String, _ version: String?) -> String {
            "\(fileName) (\(format), Keras \(version ?? "unknown"), sha256 \(SHA256.hexDigest(bytes)))"
        }

        if bytes.starts(with: [0x50, 0x4b, 0x03, 0x04]) {
            let archive = try ZipArchive(path: path)
            guard archive.contains("config.json"), archive.contains("model.weights.h5") else {
                throw KerasModelProblem("zip archive without config.json and model.weights.h5: not a Keras 3 .keras model")
            }
            let config = try KerasModelConfig(json: String(decoding: try archive.read("config.json"), as: UTF8.self))
            var version: String?
            if archive.contains("metadata.json"),
               let metadata = try? JSONSerialization.jsonObject(with: Data(try archive.read("metadata.json"))) as? [String: Any] {
                version = metadata["keras_version"] as? String
            }
            let file = try HDF5File(image: try archive.read("model.weights.h5"), name: "model.weights.h5")
            return try KerasGraphConverter.convert(
                config, weights: Keras3WeightStore(file: file, layers: config.layers),
                preprocessing: options.preprocessing, labels: labels, provenance: provenance(".keras", version))
        }

        let file = try HDF5File(path: path)
        guard let json = try file.stringAttribute("model_config") else {
            throw KerasModelProblem("HDF5 file without a 'model_config' attribute: weights-only files are not supported, save the whole model")
        }
        let config = try KerasModelConfig(json: json)
        let version = try file.stringAttribute("keras_version") ?? (try file.stringAttribute("keras_version", of: "/model_weights"))
        return try KerasGraphConverter.convert(
            config, weights: LegacyH5WeightStore(file: file),
            preprocessing: options.preprocessing, labels: labels, provenance: provenance("HDF5", version))
    }
}
