/// A safetensors file (Hugging Face's format, the interchange with PyTorch and CompressAI; Spec/safetensors.md):
/// named float tensors and a string-to-string metadata map, held as Float32.
///
/// ```
/// +---------------------+ offset 0
/// | header_length   u64 |  little-endian, N
/// | header       N bytes|  UTF-8 JSON: {"__metadata__": {k: v, ...}, name: {"dtype", "shape", "data_offsets"}}
/// +---------------------+ offset 8 + N
/// | data                |  each tensor's elements, row-major, little-endian, at its [begin, end) offsets
/// +---------------------+
/// ```
/// Reading converts F16, BF16 and F64 to Float32 and refuses every other dtype; writing always stores F32. The
/// reader checks everything (`init(parsing:)`), so hostile bytes throw `SafeTensorsError` and never trap.
package struct SafeTensors: Equatable, Sendable {
    /// Element types the reader accepts, by their header spelling.
    package enum DType: String, Sendable, CaseIterable {
        case f32 = "F32"
        case f16 = "F16"
        case bf16 = "BF16"
        case f64 = "F64"

        package var byteSize: Int {
            switch self {
            case .f32: 4
            case .f16, .bf16: 2
            case .f64: 8
            }
        }
    }

    /// One named tensor, row-major.
    package struct Entry: Equatable, Sendable {
        package var name: String
        package var shape: [Int]
        package var values: [Float]
        /// The dtype the values were stored in (F32 for tensors made in memory); writing stores F32 regardless.
        package var storedAs: DType

        package init(name: String, shape: [Int], values: [Float], storedAs: DType = .f32) {
            self.name = name
            self.shape = shape
            self.values = values
            self.storedAs = storedAs
        }
    }

    /// The header's `__metadata__` map, sorted by key (JSON objects are unordered).
    package var metadata: [String: String]
    /// Tensors in the order of their data in the file.
    package var tensors: [Entry]

    /// Longest header accepted, in bytes (the reference implementation's limit).
    package static let maximumHeaderLength = 100_000_000
    /// Highest rank accepted (Spec/model-weights.md uses 8 as well).
    package static let maximumRank = 8
    /// Reserved header key of the metadata map.
    package static let metadataKey = "__metadata__"

    /// Tensors and metadata to write.
    ///
    /// - Precondition: names are unique, non-empty and not `__metadata__`; each tensor's value count is its shape's
    ///   product.
    package init(tensors: [Entry], metadata: [String: String] = [:]) {
        var seen = Set<String>()
        for tensor in tensors {
            precondition(!tensor.name.isEmpty && tensor.name != Self.metadataKey, "SafeTensors: bad name")
            precondition(seen.insert(tensor.name).inserted, "SafeTensors: duplicate tensor \(tensor.name)")
            precondition(tensor.shape.reduce(1, *) == tensor.values.count, "SafeTensors: \(tensor.name) count")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`, if any.
    package func tensor(_ name: String) -> Entry? { tensors.first { $0.name == name } }

    /// The file's bytes: every tensor as F32 in array order, the metadata map first in the header (keys sorted),
    /// the header padded with spaces so that the data starts at a multiple of 8 bytes.
    package func serialized() -> [UInt8] {
        var header = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            members.append("\(Self.quoted(Self.metadataKey)):{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            let end = offset + 4 * tensor.values.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(
                "\(Self.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            )
            offset = end
        }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        let length = UInt64(headerBytes.count)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        bytes += headerBytes
        for tensor in tensors {
            for value in tensor.values {
                let bits = value.bitPattern
                bytes += [
                    UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                    UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24),
                ]
            }
        }
        return bytes
    }

    /// `text` as a JSON string literal: quote, backslash and control characters escaped, the rest as UTF-8.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
