import Foundation

/// Either cascade kind the face detector runs, loaded from whatever file names it: `.edgecascade`
/// (the kind is in its header) or OpenCV XML (the kind is its `featureType`, HAAR or LBP).
public enum DetectorCascade: Sendable, Equatable {
    case haar(HaarCascade)
    case lbp(LBPCascade)

    public init(contentsOfFile path: String) throws {
        let bytes = try readCascadeBytes(path)
        if bytes.starts(with: CascadeFile.magic) {
            switch CascadeFile.kind(of: bytes) {
            case .lbp: self = .lbp(try CascadeFile.decodeLBP(bytes, path: path))
            // Version 1 files and anything unrecognised: the Haar decoder names what is wrong.
            case .haar, nil: self = .haar(try CascadeFile.decode(bytes, path: path))
            }
            return
        }
        let root = try parseCascadeXML(bytes, path: path)
        let kind = try CascadeXMLImporter(path: path).featureType(root)
        switch kind {
        case "LBP": self = .lbp(try LBPCascade(xmlData: bytes, path: path))
        case "HAAR": self = .haar(try HaarCascade(xmlData: bytes, path: path))
        default:
            throw CascadeError.invalidCascade(path: path, line: root.line,
                                              message: "featureType \(kind) is not supported (HAAR or LBP)")
        }
    }

    public var windowWidth: Int {
        switch self {
        case .haar(let cascade): cascade.windowWidth
        case .lbp(let cascade): cascade.windowWidth
        }
    }

    public var windowHeight: Int {
        switch self {
        case .haar(let cascade): cascade.windowHeight
        case .lbp(let cascade): cascade.windowHeight
        }
    }

    /// "haar" or "lbp".
    public var kindName: String {
        switch self {
        case .haar: "haar"
        case .lbp: "lbp"
        }
    }

    /// The `.edgecascade` bytes (version 1 for Haar, version 2 for LBP).
    public var fileBytes: [UInt8] {
        switch self {
        case .haar(let cascade): CascadeFile.encode(cascade)
        case .lbp(let cascade): CascadeFile.encode(cascade)
        }
    }

    public func write(toFile path: String) throws {
        do {
            try Data(fileBytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CascadeError.io(path: path, reason: "cannot write the cascade file (\(error.localizedDescription))")
        }
    }
}
