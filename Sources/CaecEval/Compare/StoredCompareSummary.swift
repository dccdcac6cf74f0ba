import CaecCore

/// A `caec compare` summary.json read back: what figures built after the run need (the committed reports keep
/// summary.json but not the per-image results.csv).
///
/// Reads what `CompareSummary.json(settings:)` writes: the settings line, the image counts, the judge's accuracy on
/// the originals, and every operating point's series, quality, images, mean bytes, bpp, PSNR, SSIM, agreement,
/// accuracy and performance ratio (null where not measured). Other keys are ignored.
package struct StoredCompareSummary: Sendable {
    package var settings: String
    package var images: Int
    package var classified: Int
    package var originalAccuracy: Double?
    package var points: [CompareSummary.Point]

    /// - Throws: `CompareDataError.malformedSummary` when the text is not JSON or lacks a key the figures need.
    package init(json text: String) throws(CompareDataError) {
        var parser = JSONParser(Array(text.utf8))
        let root = try parser.document()
        guard case .object(let fields) = root else { throw .malformedSummary(reason: "not a JSON object") }
        func field(_ name: String, in object: [(String, JSONValue)]) throws(CompareDataError) -> JSONValue {
            guard let value = object.first(where: { $0.0 == name })?.1 else {
                throw .malformedSummary(reason: "no \"\(name)\"")
            }
            return value
        }
        func number(_ name: String, in object: [(String, JSONValue)]) throws(CompareDataError) -> Double? {
            switch try field(name, in: object) {
            case .number(let value): return value
            case .null: return nil
            default: throw .malformedSummary(reason: "\"\(name)\" is not a number")
            }
        }
        func integer(_ name: String, in object: [(String, JSONValue)]) throws(CompareDataError) -> Int {
            guard let value = try number(name, in: object), let exact = Int(exactly: value) else {
                throw .malformedSummary(reason: "\"\(name)\" is not an integer")
            }
            return exact
        }
        guard case .string(let settings) = try field("settings", in: fields) else {
            throw .malformedSummary(reason: "\"settings\" is not a string")
        }
        self.settings = settings
        images = try integer("images", in: fields)
        classified = try integer("classified_images", in: fields)
        originalAccuracy = try number("original_accuracy", in: fields)
        guard case .array(let entries) = try field("operating_points", in: fields) else {
            throw .malformedSummary(reason: "\"operating_points\" is not an array")
        }
        var points: [CompareSummary.Point] = []
        for entry in entries {
            guard case .object(let p) = entry, case .string(let series) = try field("series", in: p) else {
                throw .malformedSummary(reason: "an operating point without a series")
            }
            var point = CompareSummary.Point(series: series, quality: try integer("quality", in: p))
            point.images = try integer("images", in: p)
            point.meanBytes = try number("mean_bytes", in: p) ?? .nan
            point.meanBPP = try number("mean_bpp", in: p) ?? .nan
            point.meanPSNR = try number("mean_psnr", in: p) ?? .nan
            point.meanSSIM = try number("mean_ssim", in: p) ?? .nan
            point.agreement = try number("agreement", in: p)
            point.accuracy = try number("accuracy", in: p)
            point.ratio = try number("performance_ratio", in: p)
            points.append(point)
        }
        self.points = points
    }

    /// Series names in order of first appearance (as `CompareSummary.series`).
    package var series: [String] {
        var seen = Set<String>()
        return points.map(\.series).filter { seen.insert($0).inserted }
    }
}

/// A JSON value, objects keeping their keys' order.
enum JSONValue: Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }
}

/// A small recursive-descent JSON reader (RFC 8259; `\u` escapes of the Basic Multilingual Plane, surrogate pairs
/// joined), nesting limited to 64 levels.
struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(CompareDataError) -> JSONValue {
        let value = try self.value()
        skipSpace()
        guard position == bytes.count else { throw fail("text after the JSON value") }
        return value
    }

    func fail(_ reason: String) -> CompareDataError { .malformedSummary(reason: "\(reason) at byte \(position)") }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func expect(_ literal: String) throws(CompareDataError) {
        for byte in literal.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw fail("expected \(literal)") }
            position += 1
        }
    }

    mutating func value() throws(CompareDataError) -> JSONValue {
        skipSpace()
        guard position < bytes.count else { throw fail("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= 64 else { throw fail("nested too deeply") }
            return bytes[position] == UInt8(ascii: "{") ? try object() : try array()
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
        default: return .number(try number())
        }
    }

    mutating func object() throws(CompareDataError) -> JSONValue {
        position += 1
        var fields: [(String, JSONValue)] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            skipSpace()
            try expect(":")
            fields.append((key, try value()))
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end") }
            position += 1
            if bytes[position - 1] == UInt8(ascii: "}") { return .object(fields) }
            guard bytes[position - 1] == UInt8(ascii: ",") else { throw fail("expected , or }") }
        }
    }

    mutating func array() throws(CompareDataError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end") }
            position += 1
            if bytes[position - 1] == UInt8(ascii: "]") { return .array(items) }
            guard bytes[position - 1] == UInt8(ascii: ",") else { throw fail("expected , or ]") }
        }
    }

    mutating func hex4() throws(CompareDataError) -> UInt32 {
        guard position + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw fail("bad \\u escape") }
        position += 4
        return value
    }

    mutating func string() throws(CompareDataError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll()
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard position < bytes.count else { throw fail("unexpected end") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), position + 6 <= bytes.count, bytes[position] == 0x5C,
                        bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("bad surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("bad \\u escape") }
                    scalars.append(scalar)
                default: throw fail("bad escape")
                }
            case 0..<0x20: throw fail("control character in a string")
            default: run.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    mutating func number() throws(CompareDataError) -> Double {
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        guard position > start, let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)),
            value.isFinite
        else { throw fail("expected a value") }
        return value
    }
}
