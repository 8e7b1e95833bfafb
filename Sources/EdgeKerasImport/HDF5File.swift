import CHDF5
import Foundation

/// A read-only HDF5 file through libhdf5, with just what the Keras formats need: string
/// attributes, float datasets and dataset listing.
///
/// libhdf5 (serial build) is not thread-safe: every use must hold `HDF5File.lock`.
final class HDF5File {
    /// Serializes all libhdf5 calls in the process.
    static let lock = NSLock()

    private let id: hid_t

    /// Opens `path`; also silences libhdf5's default error printing (errors become Swift errors).
    init(path: String) throws(KerasModelProblem) {
        Self.silenceErrorStack()
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw KerasModelProblem("cannot read the file (missing or no permission)")
        }
        guard H5Fis_hdf5(path) > 0 else {
            throw KerasModelProblem("not an HDF5 file (no HDF5 signature); expected a Keras .h5/.hdf5 or .keras model")
        }
        let file = H5Fopen(path, edge_h5f_acc_rdonly(), edge_h5_default())
        guard file >= 0 else { throw KerasModelProblem("HDF5 file cannot be opened (truncated or corrupt?)") }
        id = file
    }

    /// Opens an HDF5 file held in memory (`model.weights.h5` inside a `.keras` archive).
    init(image: [UInt8], name: String) throws(KerasModelProblem) {
        Self.silenceErrorStack()
        let access = H5Pcreate(edge_h5p_file_access())
        guard access >= 0 else { throw KerasModelProblem("libhdf5 cannot create a file access list") }
        defer { H5Pclose(access) }
        let configured = image.withUnsafeBytes { bytes -> Bool in
            H5Pset_fapl_core(access, 64 * 1024, false) >= 0
                && H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) >= 0
        }
        guard configured else { throw KerasModelProblem("\(name): libhdf5 cannot use an in-memory file image") }
        let file = H5Fopen(name, edge_h5f_acc_rdonly(), access)
        guard file >= 0 else { throw KerasModelProblem("\(name) is not a readable HDF5 file (truncated or corrupt?)") }
        id = file
    }

    deinit {
        H5Fclose(id)
    }

    private static func silenceErrorStack() {
        H5Eset_auto2(edge_h5_error_stack_default(), nil, nil)
    }

    /// Whether every component of the absolute `path` exists.
    func exists(_ path: String) -> Bool {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            guard H5Lexists(id, prefix, edge_h5_default()) > 0 else { return false }
        }
        return true
    }

    /// The string attribute `name` of the object at `object`, nil when absent. Reads both
    /// fixed-length (h5py `bytes`, Keras 2) and variable-length (h5py `str`) strings.
    func stringAttribute(_ name: String, of object: String = "/") throws(KerasModelProblem) -> String? {
        guard exists(object), H5Aexists_by_name(id, object, name, edge_h5_default()) > 0 else { return nil }
        let attribute = H5Aopen_by_name(id, object, name, edge_h5_default(), edge_h5_default())
        guard attribute >= 0 else { throw KerasModelProblem("attribute '\(name)' of \(object) cannot be opened") }
        defer { H5Aclose(attribute) }
        let fileType = H5Aget_type(attribute)
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else {
            throw KerasModelProblem("attribute '\(name)' of \(object) is not a string")
        }
        let space = H5Aget_space(attribute)
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_npoints(space) == 1 else {
            throw KerasModelProblem("attribute '\(name)' of \(object) is not a single string")
        }
        if H5Tis_variable_str(fileType) > 0 {
            let memoryType = H5Tcopy(edge_h5t_c_s1())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, edge_h5t_variable())
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attribute, memoryType, &pointer) >= 0, let pointer else {
                throw KerasModelProblem("attribute '\(name)' of \(object) cannot be read")
            }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(fileType)
        guard size > 0, size < 1 << 30 else { throw KerasModelProblem("attribute '\(name)' of \(object) has a bad size") }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attribute, fileType, &bytes) >= 0 else {
            throw KerasModelProblem("attribute '\(name)' of \(object) cannot be read")
        }
        let end = bytes.firstIndex(of: 0) ?? size
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Absolute paths of every dataset below the group `group` (recursively), sorted.
    func datasets(under group: String) -> [String] {
        guard exists(group) else { return [] }
        let handle = H5Gopen2(id, group, edge_h5_default())
        guard handle >= 0 else { return [] }
        defer { H5Gclose(handle) }
        final class Names { var all: [String] = [] }
        let names = Names()
        let visit: H5L_iterate_t = { _, name, _, context in
            guard let name, let context else { return 0 }
            Unmanaged<Names>.fromOpaque(context).takeUnretainedValue().all.append(String(cString: name))
            return 0
        }
        _ = H5Lvisit(handle, H5_INDEX_NAME, H5_ITER_INC, visit, Unmanaged.passUnretained(names).toOpaque())
        return names.all.filter { name in
            let object = H5Oopen(handle, name, edge_h5_default())
            guard object >= 0 else { return false }
            defer { H5Oclose(object) }
            return H5Iget_type(object) == H5I_DATASET
        }.map { group + "/" + $0 }.sorted()
    }

    /// A float dataset converted to Float (libhdf5 converts from float16/float64), with its shape.
    func floats(_ path: String) throws(KerasModelProblem) -> KerasTensor {
        let dataset = H5Dopen2(id, path, edge_h5_default())
        guard dataset >= 0 else { throw KerasModelProblem("dataset \(path) cannot be opened") }
        defer { H5Dclose(dataset) }
        let type = H5Dget_type(dataset)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_FLOAT else { throw KerasModelProblem("dataset \(path) is not floating point") }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0, rank <= 8 else { throw KerasModelProblem("dataset \(path) has a bad rank") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        let shape = dims.map { Int($0) }
        let count = shape.reduce(1, *)
        guard count < 1 << 28 else { throw KerasModelProblem("dataset \(path) is implausibly large (\(shape))") }
        var values = [Float](repeating: 0, count: count)
        let status = values.withUnsafeMutableBytes {
            H5Dread(dataset, edge_h5t_native_float(), edge_h5_all(), edge_h5_all(), edge_h5_default(), $0.baseAddress)
        }
        guard status >= 0 else { throw KerasModelProblem("dataset \(path) cannot be read (truncated or corrupt file?)") }
        return KerasTensor(shape: shape, values: values)
    }
}

/// One weight array as stored by Keras (row-major, Keras's own axis order).
struct KerasTensor {
    var shape: [Int]
    var values: [Float]
}
