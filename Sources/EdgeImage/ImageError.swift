/// Why an image could not be read, written or made: every case names the file (or the operation)
/// and says what was wrong, so a caller can print it as is.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case unknownFormat(path: String)
    case corrupt(path: String, reason: String)
    case badDimensions(path: String, width: Int, height: Int)
    case unwritable(path: String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))"
        case .unknownFormat(let path):
            return "\(path): not a PNG, JPEG or binary PGM (P5) image"
        case .corrupt(let path, let reason):
            return "\(path): corrupt or truncated image: \(reason)"
        case .badDimensions(let path, let width, let height):
            return "\(path): image is \(width)x\(height); each side must be 1...\(ImageLimits.maximumSide)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write the image (\(reason))"
        case .invalidArgument(let message):
            return message
        }
    }
}

/// Sizes the project accepts: an empty image is meaningless and anything larger than this
/// is refused before its pixel memory is allocated (16384 x 16384 gray is 256 MiB).
public enum ImageLimits {
    public static let maximumSide = 16384

    public static func accepts(width: Int, height: Int) -> Bool {
        width >= 1 && height >= 1 && width <= maximumSide && height <= maximumSide
    }
}
