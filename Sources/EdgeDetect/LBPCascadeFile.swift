/// `.edgecascade` version 2 with kind LBP. All integers little-endian:
///   "EDGEHAAR" magic (8 bytes), u32 version (2), u32 byte length of the whole file, u32 kind (1 = LBP)
///   u16 window width, u16 window height, u8 leaf shift, 3 bytes reserved (0)
///   u32 feature count, u32 stage count
///   features: u8 x, u8 y, u8 block width, u8 block height
///   stages:   i64 threshold, u32 stump count, then per stump: u32 feature, 8 x u32 subset, i64 left, i64 right
///   u32 CRC-32 of every preceding byte
public enum CascadeKind: UInt32, Sendable {
    case haar = 0
    case lbp = 1
}

extension CascadeFile {
    public static func encode(_ cascade: LBPCascade) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes += magic
        writer.u32(typedVersion)
        writer.u32(0)  // length, patched below
        writer.u32(CascadeKind.lbp.rawValue)
        writer.u16(UInt16(cascade.windowWidth))
        writer.u16(UInt16(cascade.windowHeight))
        writer.u8(UInt8(cascade.leafShift))
        writer.bytes += [0, 0, 0]
        writer.u32(UInt32(cascade.features.count))
        writer.u32(UInt32(cascade.stages.count))
        for feature in cascade.features {
            writer.bytes += [UInt8(feature.x), UInt8(feature.y), UInt8(feature.blockWidth), UInt8(feature.blockHeight)]
        }
        for stage in cascade.stages {
            writer.u64(UInt64(bitPattern: stage.threshold))
            writer.u32(UInt32(stage.stumps.count))
            for stump in stage.stumps {
                writer.u32(UInt32(stump.feature))
                for word in stump.subset { writer.u32(word) }
                writer.u64(UInt64(bitPattern: stump.left))
                writer.u64(UInt64(bitPattern: stump.right))
            }
        }
        let length = UInt32(writer.bytes.count + 4)
        withUnsafeBytes(of: length.littleEndian) { writer.bytes.replaceSubrange(12..<16, with: $0) }
        writer.u32(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// The kind of a cascade file's bytes: version 1 is Haar, version 2 names its kind; nil when the
    /// signature or header is missing or the kind is unknown (decode then says what is wrong).
    static func kind(of bytes: [UInt8]) -> CascadeKind? {
        guard bytes.count >= 20, bytes.starts(with: magic) else { return nil }
        var reader = ByteReader(bytes: bytes, index: 8)
        guard let version = try? reader.u32(or: .invalidBinary(path: "", message: "")) else { return nil }
        if version == self.version { return .haar }
        guard version == typedVersion else { return nil }
        reader.index = 16
        return (try? reader.u32(or: .invalidBinary(path: "", message: ""))).flatMap(CascadeKind.init(rawValue:))
    }

    /// Decodes and validates a version 2 LBP file; `path` only names it in errors.
    public static func decodeLBP(_ bytes: [UInt8], path: String) throws -> LBPCascade {
        func fail(_ message: String) -> CascadeError { .invalidBinary(path: path, message: message) }
        guard bytes.count >= 24, bytes.starts(with: magic) else { throw fail("missing the EDGEHAAR signature") }
        var reader = ByteReader(bytes: bytes, index: 8)
        let fileVersion = try reader.u32(or: fail("truncated header"))
        guard fileVersion == typedVersion else { throw fail("format version \(fileVersion) is not the typed version \(typedVersion)") }
        let length = try reader.u32(or: fail("truncated header"))
        guard Int(length) == bytes.count else {
            throw fail(Int(length) > bytes.count ? "truncated: \(bytes.count) of \(length) bytes" : "\(bytes.count - Int(length)) unexpected bytes after the end")
        }
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == stored else { throw fail("checksum mismatch (corrupt file)") }
        reader = ByteReader(bytes: Array(bytes[0..<(bytes.count - 4)]), index: 16)
        let truncated = fail("records end early")
        let kind = try reader.u32(or: truncated)
        guard kind == CascadeKind.lbp.rawValue else { throw fail("cascade kind \(kind) is not LBP (\(CascadeKind.lbp.rawValue))") }
        let width = Int(try reader.u16(or: truncated))
        let height = Int(try reader.u16(or: truncated))
        let leafShift = Int(try reader.u8(or: truncated))
        for _ in 0..<3 { _ = try reader.u8(or: truncated) }
        let featureCount = Int(try reader.u32(or: truncated))
        let stageCount = Int(try reader.u32(or: truncated))
        // Every feature takes 4 bytes and every stage at least 12: refuse counts the file cannot hold.
        guard featureCount * 4 + stageCount * 12 <= reader.remaining else { throw fail("counts exceed the file size") }
        var features: [LBPCascade.Feature] = []
        features.reserveCapacity(featureCount)
        for _ in 0..<featureCount {
            let x = Int(try reader.u8(or: truncated)), y = Int(try reader.u8(or: truncated))
            let w = Int(try reader.u8(or: truncated)), h = Int(try reader.u8(or: truncated))
            features.append(.init(x: x, y: y, blockWidth: w, blockHeight: h))
        }
        var stages: [LBPCascade.Stage] = []
        stages.reserveCapacity(stageCount)
        for _ in 0..<stageCount {
            let threshold = Int64(bitPattern: try reader.u64(or: truncated))
            let stumpCount = Int(try reader.u32(or: truncated))
            guard stumpCount * 52 <= reader.remaining else { throw fail("stump count exceeds the file size") }
            var stumps: [LBPCascade.Stump] = []
            stumps.reserveCapacity(stumpCount)
            for _ in 0..<stumpCount {
                let feature = Int(try reader.u32(or: truncated))
                var subset: [UInt32] = []
                for _ in 0..<8 { subset.append(try reader.u32(or: truncated)) }
                let left = Int64(bitPattern: try reader.u64(or: truncated))
                let right = Int64(bitPattern: try reader.u64(or: truncated))
                stumps.append(.init(feature: feature, subset: subset, left: left, right: right))
            }
            stages.append(.init(threshold: threshold, stumps: stumps))
        }
        guard reader.remaining == 0 else { throw fail("\(reader.remaining) bytes left after the last stage") }
        return try LBPCascade(windowWidth: width, windowHeight: height, leafShift: leafShift, features: features,
                              stages: stages, fail: { fail($0) })
    }
}
