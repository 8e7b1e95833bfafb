import CZip

/// A read-only zip archive through libzip (stored and deflated entries), for Keras 3 `.keras` files.
final class ZipArchive {
    private let archive: OpaquePointer

    init(path: String) throws(KerasModelProblem) {
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_RDONLY, &error) else {
            var zipError = zip_error_t()
            zip_error_init_with_code(&zipError, error)
            defer { zip_error_fini(&zipError) }
            let reason = zip_error_strerror(&zipError).map { String(cString: $0) } ?? "error \(error)"
            throw KerasModelProblem("not a readable zip archive (\(reason)); a .keras file is a zip holding config.json and model.weights.h5")
        }
        self.archive = archive
    }

    deinit {
        zip_discard(archive)
    }

    func contains(_ name: String) -> Bool {
        zip_name_locate(archive, name, 0) >= 0
    }

    /// The whole uncompressed content of entry `name`.
    func read(_ name: String) throws(KerasModelProblem) -> [UInt8] {
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat(archive, name, 0, &stat) == 0 else {
            throw KerasModelProblem("the archive has no \(name)")
        }
        guard stat.size < 1 << 31 else { throw KerasModelProblem("\(name) in the archive is implausibly large") }
        guard let file = zip_fopen(archive, name, 0) else {
            throw KerasModelProblem("\(name) in the archive cannot be opened")
        }
        defer { zip_fclose(file) }
        var bytes = [UInt8](repeating: 0, count: Int(stat.size))
        let read = bytes.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress, zip_uint64_t($0.count)) }
        guard read == Int64(stat.size) else {
            throw KerasModelProblem("\(name) in the archive cannot be read completely (truncated or corrupt archive?)")
        }
        return bytes
    }
}
