/// A minimal XML reader for OpenCV's FileStorage files: elements, attributes, text, comments,
/// processing instructions and CDATA; no DTDs or entities beyond the five predefined ones.
/// Written here so the converter needs no libxml2; every error carries the line it was found on.
struct XMLElement {
    let name: String
    let attributes: [String: String]
    var children: [XMLElement]
    var text: String
    let line: Int

    func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }
}

struct XMLSyntaxError: Error, CustomStringConvertible, Equatable {
    let line: Int
    let message: String

    var description: String { "line \(line): \(message)" }
}

enum XMLDocument {
    /// Parses `bytes` and returns the root element. Nesting deeper than `maximumDepth` is refused so
    /// that hostile input cannot exhaust the stack.
    static func parse(_ bytes: [UInt8], maximumDepth: Int = 64) throws(XMLSyntaxError) -> XMLElement {
        var reader = XMLReader(bytes: bytes, maximumDepth: maximumDepth)
        return try reader.document()
    }
}

private struct XMLReader {
    let bytes: [UInt8]
    let maximumDepth: Int
    var index = 0
    var line = 1

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private func fail(_ message: String) -> XMLSyntaxError {
        XMLSyntaxError(line: line, message: message)
    }

    private var atEnd: Bool { index >= bytes.count }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private func starts(with literal: String) -> Bool {
        var position = index
        for byte in literal.utf8 {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
        }
        return true
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
    }

    /// Skips to just past `terminator`, failing with `what` when the input ends first.
    private mutating func skip(past terminator: String, what: String) throws(XMLSyntaxError) {
        let startLine = line
        while !atEnd {
            if starts(with: terminator) {
                advance(terminator.utf8.count)
                return
            }
            advance()
        }
        throw XMLSyntaxError(line: startLine, message: "\(what) is not closed with '\(terminator)'")
    }

    private mutating func skipMisc() throws(XMLSyntaxError) {
        while true {
            skipWhitespace()
            if starts(with: "<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if starts(with: "<!--") {
                try skip(past: "-->", what: "comment")
            } else if starts(with: "<!DOCTYPE") {
                throw fail("DOCTYPE declarations are not supported")
            } else {
                return
            }
        }
    }

    mutating func document() throws(XMLSyntaxError) -> XMLElement {
        if starts(with: "\u{FEFF}") { advance(3) }
        try skipMisc()
        guard peek() == UInt8(ascii: "<") else {
            throw fail(atEnd ? "the file is empty, expected an XML document" : "expected '<' to open the root element")
        }
        let root = try element(depth: 0)
        try skipMisc()
        guard atEnd else { throw fail("unexpected content after the root element </\(root.name)>") }
        return root
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private mutating func name() throws(XMLSyntaxError) -> String {
        let start = index
        while let byte = peek(), Self.isNameByte(byte) { advance() }
        guard index > start else {
            throw fail(atEnd ? "unexpected end of file, expected a name" : "expected a name, found '\(Self.show(peek()!))'")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : Self.hex(byte)
    }

    private static func hex(_ byte: UInt8) -> String { "\\x" + String(byte, radix: 16) }

    private mutating func element(depth: Int) throws(XMLSyntaxError) -> XMLElement {
        guard depth < maximumDepth else { throw fail("elements are nested more than \(maximumDepth) deep") }
        let openLine = line
        advance()  // '<'
        let elementName = try name()
        var attributes: [String: String] = [:]
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw fail("unexpected end of file inside the tag <\(elementName)>") }
            if byte == UInt8(ascii: "/") {
                advance()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' after '/' in <\(elementName)>") }
                advance()
                return XMLElement(name: elementName, attributes: attributes, children: [], text: "", line: openLine)
            }
            if byte == UInt8(ascii: ">") {
                advance()
                break
            }
            let attribute = try name()
            skipWhitespace()
            guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' after attribute \(attribute)") }
            advance()
            skipWhitespace()
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail("attribute \(attribute) value must be quoted")
            }
            advance()
            let start = index
            while let next = peek(), next != quote {
                if next == UInt8(ascii: "<") { throw fail("'<' inside the value of attribute \(attribute)") }
                advance()
            }
            guard !atEnd else { throw fail("attribute \(attribute) value is not closed") }
            attributes[attribute] = try decodeEntities(bytes[start..<index])
            advance()
        }
        var result = XMLElement(name: elementName, attributes: attributes, children: [], text: "", line: openLine)
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw XMLSyntaxError(line: openLine, message: "element <\(elementName)> is never closed")
            }
            if byte != UInt8(ascii: "<") {
                let start = index
                while let next = peek(), next != UInt8(ascii: "<") { advance() }
                text += try Array(decodeEntities(bytes[start..<index]).utf8)
                continue
            }
            if starts(with: "<!--") {
                try skip(past: "-->", what: "comment")
            } else if starts(with: "<![CDATA[") {
                advance(9)
                let start = index
                try skip(past: "]]>", what: "CDATA section")
                text += bytes[start..<(index - 3)]
            } else if starts(with: "<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if starts(with: "</") {
                advance(2)
                let closing = try name()
                guard closing == elementName else {
                    throw fail("closing tag </\(closing)> does not match <\(elementName)> opened on line \(openLine)")
                }
                skipWhitespace()
                guard peek() == UInt8(ascii: ">") else { throw fail("expected '>' to end </\(closing)>") }
                advance()
                result.text = String(decoding: text, as: UTF8.self)
                return result
            } else {
                result.children.append(try element(depth: depth + 1))
            }
        }
    }

    private func decodeEntities(_ slice: ArraySlice<UInt8>) throws(XMLSyntaxError) -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var output: [UInt8] = []
        var position = slice.startIndex
        while position < slice.endIndex {
            let byte = slice[position]
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                position += 1
                continue
            }
            guard let end = slice[position...].firstIndex(of: UInt8(ascii: ";")), end - position <= 10 else {
                throw fail("'&' does not start an entity reference")
            }
            let entity = String(decoding: slice[(position + 1)..<end], as: UTF8.self)
            switch entity {
            case "lt": output.append(UInt8(ascii: "<"))
            case "gt": output.append(UInt8(ascii: ">"))
            case "amp": output.append(UInt8(ascii: "&"))
            case "quot": output.append(UInt8(ascii: "\""))
            case "apos": output.append(UInt8(ascii: "'"))
            default:
                var scalarValue: UInt32?
                if entity.hasPrefix("#x") { scalarValue = UInt32(entity.dropFirst(2), radix: 16) }
                else if entity.hasPrefix("#") { scalarValue = UInt32(entity.dropFirst(1)) }
                guard let value = scalarValue, let scalar = Unicode.Scalar(value) else {
                    throw fail("unknown entity &\(entity);")
                }
                output += Array(String(Character(scalar)).utf8)
            }
            position = end + 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
