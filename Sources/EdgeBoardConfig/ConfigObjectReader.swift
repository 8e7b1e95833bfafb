/// Reads one JSON object of a config file field by field, remembering which keys were read so that
/// `finish()` can reject the ones nobody asked for.
final class ConfigObjectReader {
    let file: String
    let path: String
    private let fields: [String: JSONValue]
    private var readKeys: Set<String> = []

    init(file: String, path: String, value: JSONValue) throws {
        self.file = file
        self.path = path
        guard case .object(let fields) = value else {
            throw BoardConfigError(file: file, key: path, message: "expected an object, found \(value.kindName)")
        }
        self.fields = fields
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> BoardConfigError {
        BoardConfigError(file: file, key: keyPath(key), message: message)
    }

    var keys: [String] { fields.keys.sorted() }

    private func value(_ key: String) -> JSONValue? {
        readKeys.insert(key)
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { fields[key] != nil && fields[key] != .null }

    func optionalString(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value, !text.isEmpty else {
            throw error(key, "expected a non-empty string, found \(value.kindName)")
        }
        return text
    }

    func string(_ key: String) throws -> String {
        guard let text = try optionalString(key) else { throw error(key, "missing; a string is required") }
        return text
    }

    func string(_ key: String, default fallback: String) throws -> String {
        try optionalString(key) ?? fallback
    }

    /// A string that must be one of `allowed` (compared case-insensitively, returned as listed).
    func choice(_ key: String, allowed: [String], default fallback: String? = nil) throws -> String {
        guard let text = try optionalString(key) else {
            if let fallback { return fallback }
            throw error(key, "missing; allowed: \(allowed.joined(separator: ", "))")
        }
        guard let match = allowed.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw error(key, "'\(text)' is not allowed; allowed: \(allowed.joined(separator: ", "))")
        }
        return match
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let flag) = value else { throw error(key, "expected true or false, found \(value.kindName)") }
        return flag
    }

    func number(_ key: String, range: ClosedRange<Double>, default fallback: Double? = nil) throws -> Double {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw error(key, "missing; a number in \(range.lowerBound)...\(range.upperBound) is required")
        }
        guard case .number(let number) = value else {
            throw error(key, "expected a number in \(range.lowerBound)...\(range.upperBound), found \(value.kindName)")
        }
        guard range.contains(number) else {
            throw error(key, "\(number) is out of range; allowed: \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func integer(_ key: String, range: ClosedRange<Int>, default fallback: Int? = nil) throws -> Int {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw error(key, "missing; an integer in \(range.lowerBound)...\(range.upperBound) is required")
        }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            throw error(key, "expected an integer in \(range.lowerBound)...\(range.upperBound), found \(value)")
        }
        let integer = Int(number)
        guard range.contains(integer) else {
            throw error(key, "\(integer) is out of range; allowed: \(range.lowerBound)...\(range.upperBound)")
        }
        return integer
    }

    func object(_ key: String) throws -> ConfigObjectReader? {
        guard let value = value(key) else { return nil }
        return try ConfigObjectReader(file: file, path: keyPath(key), value: value)
    }

    /// Rejects keys that were never read: they are typos or belong to another schema version.
    func finish() throws {
        let unknown = fields.keys.filter { !readKeys.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let known = readKeys.sorted().joined(separator: ", ")
        throw error(first, "unknown key; allowed keys here: \(known)")
    }
}
