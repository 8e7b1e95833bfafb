import EdgeGraph
import EdgeKerasImport
import Foundation

/// Loads a trained float model by file type: Keras `.h5` / `.hdf5` / `.keras`.
enum ModelSource {
    static let extensions = ["h5", "hdf5", "keras"]

    static func validate(_ path: String) -> String? {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        guard extensions.contains(fileExtension) else {
            return "'\(path)' is not a trained model this tool reads (expected .h5, .hdf5 or .keras)"
        }
        return nil
    }

    static func load(_ path: String) throws -> Graph {
        do {
            return try KerasImporter.load(path: path)
        } catch {
            throw CommandFailure(error)
        }
    }
}
