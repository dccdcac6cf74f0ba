/// A JSON value (RFC 8259), parsed by a small strict parser so that the embeddable floors stay free of Foundation
/// (STYLE.md): the safetensors header (CaecModel) and a compare run's summary.json (CaecEval) are read with it.
///
/// Objects keep their members in file order, duplicates included, so the caller can refuse a duplicated tensor name
/// (Foundation's `JSONSerialization` silently keeps one of them). Numbers keep their text: the header's numbers
/// are byte offsets and extents, which are read as exact integers (`integer`), never through a Double.
///
/// The parser never traps on hostile input: every read is bounds-checked, nesting is limited to `maximumDepth`
/// (no stack exhaustion), strings must be valid UTF-8 and escapes well-formed (no lone surrogates).
package enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Deepest nesting of arrays and objects accepted (a safetensors header needs 3, a compare summary 3).
    package static let maximumDepth = 16

    /// Parses one JSON value filling `bytes` (whitespace allowed around it, nothing else).
    package static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.endIndex else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// The exact non-negative integer this number's text spells (digits only), or nil (fraction, exponent, sign,
    /// or too large for Int).
    package var integer: Int? {
        guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }

    package var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.index = bytes.startIndex
        }

        func error(_ reason: String) -> JSONSyntaxError {
            JSONSyntaxError(offset: index - bytes.startIndex, reason: reason)
        }

        var current: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ literal: String) throws(JSONSyntaxError) {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected '\(literal)'") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard let byte = current else { throw error("unexpected end of the JSON text") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected byte 0x\(String(byte, radix: 16))")
            }
        }

        mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth <= JSONValue.maximumDepth else {
                throw error("nesting deeper than \(JSONValue.maximumDepth)")
            }
            index += 1  // {
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append((key, try value(depth: depth)))
                skipWhitespace()
                guard let byte = current else { throw error("unterminated object") }
                index += 1
                if byte == UInt8(ascii: "}") { return .object(members) }
                guard byte == UInt8(ascii: ",") else {
                    index -= 1
                    throw error("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth <= JSONValue.maximumDepth else {
                throw error("nesting deeper than \(JSONValue.maximumDepth)")
            }
            index += 1  // [
            var elements: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard let byte = current else { throw error("unterminated array") }
                index += 1
                if byte == UInt8(ascii: "]") { return .array(elements) }
                guard byte == UInt8(ascii: ",") else {
                    index -= 1
                    throw error("expected ',' or ']'")
                }
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as text.
        mutating func number() throws(JSONSyntaxError) -> String {
            let start = index
            func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
            if current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw error("expected a digit") }
            if current == UInt8(ascii: "0") {
                index += 1
            } else {
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard isDigit(current) else { throw error("expected a digit after '.'") }
                while isDigit(current) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard isDigit(current) else { throw error("expected a digit in the exponent") }
                while isDigit(current) { index += 1 }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)  // ASCII only, checked above
        }

        mutating func hexQuad() throws(JSONSyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current else { throw error("unterminated \\u escape") }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw error("bad hex digit in \\u escape")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        mutating func string() throws(JSONSyntaxError) -> String {
            let start = index
            index += 1  // opening quote
            var utf8: [UInt8] = []
            while true {
                guard let byte = current else { throw error("unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: utf8, as: UTF8.self) else {
                        throw JSONSyntaxError(offset: start - bytes.startIndex, reason: "string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escape = current else { throw error("unterminated escape") }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hexQuad()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard current == UInt8(ascii: "\\") else { throw error("lone high surrogate") }
                            index += 1
                            guard current == UInt8(ascii: "u") else { throw error("lone high surrogate") }
                            index += 1
                            let low = try hexQuad()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("bad low surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw error("lone low surrogate") }
                        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default:
                        index -= 1
                        throw error("unknown escape")
                    }
                case 0x00..<0x20:
                    throw error("unescaped control character in a string")
                default:
                    utf8.append(byte)
                    index += 1
                }
            }
        }
    }
}

/// Why a JSON text was rejected: the byte `offset` into the text where it went wrong, and the reason.
package struct JSONSyntaxError: Error, Equatable, Sendable {
    package var offset: Int
    package var reason: String

    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}
