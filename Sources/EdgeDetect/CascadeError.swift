/// Why a cascade could not be loaded or converted; each case names the file (and the XML line when
/// there is one) and says what was wrong.
public enum CascadeError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The XML is not well formed.
    case malformedXML(path: String, line: Int, message: String)
    /// Well-formed XML that is not an OpenCV Haar cascade, or one this detector cannot run.
    case invalidCascade(path: String, line: Int, message: String)
    /// A binary .edgecascade file that is truncated, corrupt or of another version.
    case invalidBinary(path: String, message: String)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "\(path): \(reason)"
        case .malformedXML(let path, let line, let message):
            return "\(path):\(line): malformed XML: \(message)"
        case .invalidCascade(let path, let line, let message):
            return "\(path):\(line): not a usable OpenCV cascade: \(message)"
        case .invalidBinary(let path, let message):
            return "\(path): not a usable .edgecascade file: \(message) (regenerate it with `edge-quantize cascade`)"
        }
    }
}
