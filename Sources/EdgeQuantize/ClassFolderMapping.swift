import Foundation

/// Which model label each class folder of a dataset stands for, so datasets whose folders are named
/// differently (CK+'s `anger`, `sadness`, `contempt`, ...) can be scored without renaming them.
///
/// Written as comma-separated (or one per line, in a file; `#` starts a comment) entries:
/// - `label=folder`: images in `folder` are of the model's class `label` (e.g. `angry=anger`);
/// - `skip=folder`: images in `folder` are left out (e.g. `skip=contempt`, a class the model lacks).
/// Folders not named keep their own name as their label.
public struct ClassFolderMapping: Sendable, Equatable {
    /// Folder name -> model label, or nil for a skipped folder.
    public private(set) var labelOfFolder: [String: String?] = [:]

    public static let identity = ClassFolderMapping()

    public init() {}

    /// Parses the entries (see the type's description). `labels`: the model's labels, which the left
    /// sides must name. The errors name the entry and list the labels.
    public init(parsing text: String, labels: [String]) throws(QuantizeError) {
        let entries = text.split(whereSeparator: { $0 == "," || $0 == "\n" })
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw QuantizeError("label mapping entry '\(entry)' is not 'label=folder' or 'skip=folder' (model labels: \(labels.joined(separator: ", ")))")
            }
            let (label, folder) = (parts[0], parts[1])
            guard label == "skip" || labels.contains(label) else {
                throw QuantizeError("label mapping entry '\(entry)': '\(label)' is not one of the model's labels (\(labels.joined(separator: ", "))) nor 'skip'")
            }
            guard labelOfFolder[folder] == nil else {
                throw QuantizeError("label mapping entry '\(entry)': folder '\(folder)' is mapped twice")
            }
            labelOfFolder[folder] = label == "skip" ? .some(nil) : .some(label)
        }
    }

    /// `argument` is a mapping file when such a file exists, else the entries themselves.
    public init(argument: String, labels: [String]) throws(QuantizeError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), !isFolder.boolValue {
            let text: String
            do {
                text = try String(contentsOfFile: argument, encoding: .utf8)
            } catch {
                throw QuantizeError("\(argument): cannot read the label mapping file (\(error.localizedDescription))")
            }
            do {
                try self.init(parsing: text, labels: labels)
            } catch {
                throw QuantizeError("\(argument): \(error)")
            }
        } else {
            try self.init(parsing: argument, labels: labels)
        }
    }

    /// For each of `folder`'s class folders, the index of its label in `labels`, or nil when skipped.
    /// A folder that is neither mapped nor named like a label is an error listing the labels; so is a
    /// mapping entry for a folder the dataset does not have (most likely a typo).
    public func labelIndices(of folder: ImageFolder, labels: [String]) throws(QuantizeError) -> [String: Int?] {
        for name in labelOfFolder.keys.sorted() where !folder.classNames.contains(name) {
            throw QuantizeError("\(folder.path): the label mapping names folder '\(name)', which is not there (class folders: \(folder.classNames.joined(separator: ", ")))")
        }
        var result: [String: Int?] = [:]
        for name in folder.classNames {
            let label: String? = labelOfFolder[name] ?? name
            guard let label else {
                result[name] = .some(nil)
                continue
            }
            guard let index = labels.firstIndex(of: label) else {
                throw QuantizeError("\(folder.path): class folder '\(name)' is not one of the model's labels (\(labels.joined(separator: ", "))); map it with --labels <label>=\(name) or leave it out with --labels skip=\(name)")
            }
            result[name] = index
        }
        return result
    }
}
