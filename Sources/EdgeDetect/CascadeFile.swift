import Foundation

/// The `.edgecascade` binary format: a fixed-point `HaarCascade` the board loads without parsing XML.
/// Version 1 (below) is a Haar cascade; version 2 starts with the same 16 bytes and a cascade kind
/// (LBPCascadeFile.swift). Haar cascades are still written as version 1, so existing files stay valid.
///
/// All integers little-endian:
///   "EDGEHAAR"  magic (8 bytes)
///   u32 version (1), u32 byte length of the whole file
///   u16 window width, u16 window height, u8 threshold shift, u8 weight shift, u8 leaf shift, u8 reserved (0)
///   u32 feature count, u32 stage count
///   features: u8 rectangle count, then 3 x (u8 x, u8 y, u8 width, u8 height, i32 weight) (unused ones zero)
///   stages:   i64 threshold, u32 tree count, then per tree: u8 node count,
///             per node (i32 feature, i64 threshold, i8 left, i8 right),
///             per leaf (node count + 1) i64 value
///   u32 CRC-32 of every preceding byte
public enum CascadeFile {
    public static let magic = Array("EDGEHAAR".utf8)
    public static let version: UInt32 = 1
    /// The typed layout: u32 kind after the length (`CascadeKind`), then the kind's records.
    public static let typedVersion: UInt32 = 2
    public static let fileExtension = "edgecascade"

    public static func encode(_ cascade: HaarCascade) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes += magic
        writer.u32(version)
        writer.u32(0)  // length, patched below
        writer.u16(UInt16(cascade.windowWidth))
        writer.u16(UInt16(cascade.windowHeight))
        writer.u8(UInt8(cascade.thresholdShift))
        writer.u8(UInt8(HaarCascade.weightShift))
        writer.u8(UInt8(HaarCascade.leafShift))
        writer.u8(0)
        writer.u32(UInt32(cascade.features.count))
        writer.u32(UInt32(cascade.stages.count))
        for feature in cascade.features {
            writer.u8(UInt8(feature.rectangles.count))
            for slot in 0..<3 {
                if slot < feature.rectangles.count {
                    let rect = feature.rectangles[slot]
                    writer.u8(UInt8(rect.x)); writer.u8(UInt8(rect.y))
                    writer.u8(UInt8(rect.width)); writer.u8(UInt8(rect.height))
                    writer.u32(UInt32(bitPattern: rect.weight))
                } else {
                    writer.bytes += [UInt8](repeating: 0, count: 8)
                }
            }
        }
        for stage in cascade.stages {
            writer.u64(UInt64(bitPattern: stage.threshold))
            writer.u32(UInt32(stage.trees.count))
            for tree in stage.trees {
                writer.u8(UInt8(tree.nodes.count))
                for node in tree.nodes {
                    writer.u32(UInt32(node.feature))
                    writer.u64(UInt64(bitPattern: node.threshold))
                    writer.u8(UInt8(bitPattern: Int8(node.left)))
                    writer.u8(UInt8(bitPattern: Int8(node.right)))
                }
                for leaf in tree.leaves { writer.u64(UInt64(bitPattern: leaf)) }
            }
        }
        let length = UInt32(writer.bytes.count + 4)
        withUnsafeBytes(of: length.littleEndian) { writer.bytes.replaceSubrange(12..<16, with: $0) }
        writer.u32(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// Decodes and validates a file; `path` only names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> HaarCascade {
        func fail(_ message: String) -> CascadeError { .invalidBinary(path: path, message: message) }
        guard bytes.count >= 20, Array(bytes.prefix(8)) == magic else {
            throw fail("missing the EDGEHAAR signature")
        }
        var reader = ByteReader(bytes: bytes, index: 8)
        let fileVersion = try reader.u32(or: fail("truncated header"))
        guard fileVersion == version else {
            throw fail(fileVersion == typedVersion ? "format version 2 holds a typed cascade (LBP); load it with DetectorCascade"
                                                   : "format version \(fileVersion), this build reads versions \(version) and \(typedVersion)")
        }
        let length = try reader.u32(or: fail("truncated header"))
        guard Int(length) == bytes.count else {
            throw fail(Int(length) > bytes.count ? "truncated: \(bytes.count) of \(length) bytes" : "\(bytes.count - Int(length)) unexpected bytes after the end")
        }
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == stored else { throw fail("checksum mismatch (corrupt file)") }
        reader = ByteReader(bytes: Array(bytes[0..<(bytes.count - 4)]), index: 16)
        let truncated = fail("records end early")
        let width = Int(try reader.u16(or: truncated))
        let height = Int(try reader.u16(or: truncated))
        let thresholdShift = Int(try reader.u8(or: truncated))
        let weightShift = Int(try reader.u8(or: truncated))
        let leafShift = Int(try reader.u8(or: truncated))
        _ = try reader.u8(or: truncated)
        guard weightShift == HaarCascade.weightShift, leafShift == HaarCascade.leafShift else {
            throw fail("fixed-point shifts \(weightShift)/\(leafShift) differ from this build's \(HaarCascade.weightShift)/\(HaarCascade.leafShift)")
        }
        let featureCount = Int(try reader.u32(or: truncated))
        let stageCount = Int(try reader.u32(or: truncated))
        // Every feature takes 25 bytes and every stage at least 12: refuse counts the file cannot hold
        // before reserving memory for them.
        guard featureCount * 25 + stageCount * 12 <= reader.remaining else { throw fail("counts exceed the file size") }
        var features: [HaarCascade.Feature] = []
        features.reserveCapacity(featureCount)
        for _ in 0..<featureCount {
            let count = Int(try reader.u8(or: truncated))
            var rectangles: [HaarCascade.Rectangle] = []
            for slot in 0..<3 {
                let x = Int(try reader.u8(or: truncated)), y = Int(try reader.u8(or: truncated))
                let w = Int(try reader.u8(or: truncated)), h = Int(try reader.u8(or: truncated))
                let weight = Int32(bitPattern: try reader.u32(or: truncated))
                if slot < count { rectangles.append(.init(x: x, y: y, width: w, height: h, weight: weight)) }
            }
            features.append(.init(rectangles: rectangles))
        }
        var stages: [HaarCascade.Stage] = []
        stages.reserveCapacity(stageCount)
        for _ in 0..<stageCount {
            let threshold = Int64(bitPattern: try reader.u64(or: truncated))
            let treeCount = Int(try reader.u32(or: truncated))
            guard treeCount * 31 <= reader.remaining else { throw fail("tree count exceeds the file size") }
            var trees: [HaarCascade.Tree] = []
            trees.reserveCapacity(treeCount)
            for _ in 0..<treeCount {
                let nodeCount = Int(try reader.u8(or: truncated))
                var nodes: [HaarCascade.Node] = []
                for _ in 0..<nodeCount {
                    let feature = Int(try reader.u32(or: truncated))
                    let threshold = Int64(bitPattern: try reader.u64(or: truncated))
                    let left = Int(Int8(bitPattern: try reader.u8(or: truncated)))
                    let right = Int(Int8(bitPattern: try reader.u8(or: truncated)))
                    nodes.append(.init(feature: feature, threshold: threshold, left: left, right: right))
                }
                var leaves: [Int64] = []
                for _ in 0...nodeCount { leaves.append(Int64(bitPattern: try reader.u64(or: truncated))) }
                trees.append(.init(nodes: nodes, leaves: leaves))
            }
            stages.append(.init(threshold: threshold, trees: trees))
        }
        guard reader.remaining == 0 else { throw fail("\(reader.remaining) bytes left after the last stage") }
        return try HaarCascade(windowWidth: width, windowHeight: height, thresholdShift: thresholdShift,
                               features: features, stages: stages, fail: { fail($0) })
    }
}

extension HaarCascade {
    /// Loads a cascade file: `.edgecascade` binary (recognised by its signature) or OpenCV XML.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CascadeError.io(path: path, reason: "cannot read the cascade file (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: CascadeFile.magic) {
            self = try CascadeFile.decode(bytes, path: path)
        } else {
            try self.init(xmlData: bytes, path: path)
        }
    }

    /// Writes the `.edgecascade` form.
    public func write(toFile path: String) throws {
        do {
            try Data(CascadeFile.encode(self)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CascadeError.io(path: path, reason: "cannot write the cascade file (\(error.localizedDescription))")
        }
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
}

struct ByteReader {
    let bytes: [UInt8]
    var index: Int
    var remaining: Int { bytes.count - index }

    mutating func take(_ count: Int, or error: CascadeError) throws -> UInt64 {
        guard remaining >= count else { throw error }
        var value: UInt64 = 0
        for offset in 0..<count { value |= UInt64(bytes[index + offset]) << (8 * offset) }
        index += count
        return value
    }
    mutating func u8(or error: CascadeError) throws -> UInt8 { UInt8(try take(1, or: error)) }
    mutating func u16(or error: CascadeError) throws -> UInt16 { UInt16(try take(2, or: error)) }
    mutating func u32(or error: CascadeError) throws -> UInt32 { UInt32(try take(4, or: error)) }
    mutating func u64(or error: CascadeError) throws -> UInt64 { try take(8, or: error) }
}
