import CaecCore

extension SafeTensors {
    /// Parses and validates a safetensors file (Spec/safetensors.md §3), converting every tensor to Float32.
    ///
    /// Checked, in order: the header length against the limit and the file; the header's JSON; that it is an object
    /// whose first byte is `{`; `__metadata__` (strings to strings); each entry's fields (exactly `dtype`, `shape`,
    /// `data_offsets`), dtype, rank, element count, offsets within the data and equal in length to the shape's
    /// bytes; names unique; the byte ranges neither overlapping nor leaving bytes unused (as the reference
    /// implementation requires); then every value finite.
    ///
    /// - Parameter bytes: the whole file.
    /// - Throws: `SafeTensorsError`, one case per check, with the evidence.
    package init(parsing bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .truncated(needed: 8, available: bytes.count) }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[i]) << UInt64(8 * i) }
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(declared: declared, limit: Self.maximumHeaderLength)
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw .truncated(needed: 8 + headerLength, available: bytes.count)
        }
        let headerBytes = bytes[8..<8 + headerLength]
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw .invalidHeader("the header must start with '{'")
        }
        let header: JSONValue
        do { header = try JSONValue.parse(headerBytes) } catch {
            throw .invalidJSON(offset: error.offset, reason: error.reason)
        }
        guard case .object(let members) = header else {
            throw .invalidHeader("the header is not a JSON object")  // unreachable after the '{' check
        }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart

        var located: [(name: String, dtype: DType, shape: [Int], count: Int, begin: Int, end: Int)] = []
        var names = Set<String>()
        var metadata: [String: String] = [:]
        for (name, value) in members {
            guard names.insert(name).inserted else { throw .duplicateName(name) }
            if name == Self.metadataKey {
                metadata = try Self.metadata(value)
                continue
            }
            located.append(try Self.entry(name, value, dataLength: dataLength))
        }

        // Byte ranges: sorted, they must tile the data section exactly.
        located.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        var previous: String?
        for entry in located {
            if entry.begin < position, let previous { throw .overlappingOffsets(first: previous, second: entry.name) }
            if entry.begin > position { throw .unusedBytes(begin: position, end: entry.begin) }
            position = entry.end
            previous = entry.name
        }
        if position < dataLength { throw .unusedBytes(begin: position, end: dataLength) }

        var tensors: [Entry] = []
        tensors.reserveCapacity(located.count)
        for entry in located {
            let values = Self.decode(bytes, from: dataStart + entry.begin, count: entry.count, dtype: entry.dtype)
            if let index = values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteValue(name: entry.name, index: index)
            }
            tensors.append(Entry(name: entry.name, shape: entry.shape, values: values, storedAs: entry.dtype))
        }
        self.tensors = tensors
        self.metadata = metadata

    }

    private static func metadata(_ value: JSONValue) throws(SafeTensorsError) -> [String: String] {
        guard case .object(let members) = value else { throw .invalidMetadata("it is \(value.typeName)") }
        var map: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw .invalidMetadata("the value of '\(key)' is \(value.typeName), not a string")
            }
            guard map.updateValue(text, forKey: key) == nil else { throw .invalidMetadata("'\(key)' appears twice") }
        }
        return map
    }

    private static func entry(_ name: String, _ value: JSONValue, dataLength: Int) throws(SafeTensorsError) -> (
        name: String, dtype: DType, shape: [Int], count: Int, begin: Int, end: Int
    ) {
        guard !name.isEmpty else { throw .invalidEntry(name: name, reason: "empty tensor name") }
        guard case .object(let fields) = value else {
            throw .invalidEntry(name: name, reason: "the entry is \(value.typeName), not an object")
        }
        var dtypeText: String?
        var shapeValue: [JSONValue]?
        var offsetsValue: [JSONValue]?
        for (key, field) in fields {
            switch (key, field) {
            case ("dtype", .string(let text)) where dtypeText == nil: dtypeText = text
            case ("shape", .array(let values)) where shapeValue == nil: shapeValue = values
            case ("data_offsets", .array(let values)) where offsetsValue == nil: offsetsValue = values
            case ("dtype", _), ("shape", _), ("data_offsets", _):
                throw .invalidEntry(name: name, reason: "field '\(key)' is repeated or \(field.typeName)")
            default: throw .invalidEntry(name: name, reason: "unknown field '\(key)'")
            }
        }
        guard let dtypeText, let shapeValue, let offsetsValue else {
            throw .invalidEntry(name: name, reason: "needs the fields dtype, shape and data_offsets")
        }
        guard let dtype = DType(rawValue: dtypeText) else { throw .unsupportedDType(name: name, dtype: dtypeText) }
        guard shapeValue.count <= maximumRank else {
            throw .invalidEntry(name: name, reason: "rank \(shapeValue.count) exceeds \(maximumRank)")
        }
        var shape: [Int] = []
        var count = 1
        for extent in shapeValue {
            guard let value = extent.integer else {
                throw .invalidEntry(name: name, reason: "shape holds something other than a non-negative integer")
            }
            shape.append(value)
            let (product, overflow) = count.multipliedReportingOverflow(by: value)
            guard !overflow else { throw .invalidEntry(name: name, reason: "shape \(shape)... overflows") }
            count = product
        }
        guard offsetsValue.count == 2, let begin = offsetsValue[0].integer, let end = offsetsValue[1].integer,
            begin <= end
        else {
            throw .invalidEntry(name: name, reason: "data_offsets must be two integers [begin, end], begin <= end")
        }
        guard end <= dataLength else {
            throw .offsetsOutOfRange(name: name, begin: begin, end: end, dataLength: dataLength)
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, byteCount == end - begin else {
            throw .byteCountMismatch(
                name: name, shape: shape, dtype: dtype.rawValue, expected: overflow ? Int.max : byteCount,
                found: end - begin)
        }
        return (name, dtype, shape, count, begin, end)
    }

    /// `count` little-endian elements of `dtype` from `bytes[start...]`, as Float32 (F64 rounds to nearest, so
    /// values beyond Float's range become infinite and are refused by the caller).
    private static func decode(_ bytes: [UInt8], from start: Int, count: Int, dtype: DType) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        let size = dtype.byteSize
        for i in 0..<count {
            var bits: UInt64 = 0
            let base = start + i * size
            for b in 0..<size { bits |= UInt64(bytes[base + b]) << UInt64(8 * b) }
            switch dtype {
            case .f32: values[i] = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            case .bf16: values[i] = Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
            case .f16: values[i] = halfToFloat(UInt16(truncatingIfNeeded: bits))
            case .f64: values[i] = Float(Double(bitPattern: bits))
            }
        }
        return values
    }

    /// IEEE binary16 to binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half >> 15) << 31
        let exponent = Int(half >> 10 & 0x1F)
        let mantissa = UInt32(half & 0x3FF)
        switch exponent {
        case 0:
            // zero or subnormal: mantissa * 2^-24
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }
}
