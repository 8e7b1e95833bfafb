import EdgeGraph
import EdgeKerasImport
import EdgeONNXImport
import Foundation

/// Loads a trained float model: Keras `.h5` / `.hdf5` / `.keras` or ONNX `.onnx`. The only place
/// that tells the formats apart, so every command accepts the same files.
enum ModelSource {
    enum Format: String {
        case keras = "Keras", onnx = "ONNX"
    }

    static let extensions: [String: Format] = ["h5": .keras, "hdf5": .keras, "keras": .keras, "onnx": .onnx]

    /// The file's signature decides (HDF5 or zip: Keras; a leading `ir_version` field: ONNX); the
    /// extension only when the content is unrecognized or unreadable, so that the matching
    /// importer reports what is wrong with the file.
    static func format(of path: String) -> Format? {
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let head = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
            if head.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) || head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                return .keras
            }
            if ONNXImporter.looksLikeONNX(head) { return .onnx }
        }
        return extensions[(path as NSString).pathExtension.lowercased()]
    }

    static func validate(_ path: String) -> String? {
        guard format(of: path) != nil else {
            return "'\(path)' is not a trained model this tool reads (expected Keras .h5, .hdf5, .keras or ONNX .onnx)"
        }
        return nil
    }

    static func load(_ path: String, options: ImportOptions) throws -> Graph {
        let graph: Graph
        do {
            switch format(of: path) {
            case .onnx?: graph = try ONNXImporter.load(path: path, options: options.onnx())
            case .keras?, nil: graph = try KerasImporter.load(path: path, options: options.keras())
            }
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure(error)
        }
        let outputs = graph.nodes[graph.output].outputShape.elementCount
        guard graph.labels.count == outputs else {
            throw CommandFailure("\(path): the model has \(outputs) outputs and no class names for them; pass --labels a,b,c,... (one per output, in order), or store them comma-separated in the ONNX model's metadata property '\(ONNXImporter.labelsMetadataKey)'")
        }
        return graph
    }
}
