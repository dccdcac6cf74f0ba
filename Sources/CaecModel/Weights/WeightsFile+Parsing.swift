import CaecCore

/// Why a weights file was rejected (Spec/model-weights.md §4). Each case carries the evidence.
package enum WeightsError: Error, Equatable, CustomStringConvertible {
    case badMagic
    case unsupportedVersion(major: UInt8, newestSupported: UInt8)
    case truncated(offset: Int, needed: Int, available: Int)
    case invalidField(String)
    case headerChecksumMismatch(declared: UInt32, computed: UInt32)
    case dataChecksumMismatch(declared: UInt32, computed: UInt32)
    case trailingBytes(count: Int)
    case wrongModel(expected: String, found: String)
    case missingTensor(String)
    case unexpectedTensor(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case typeMismatch(name: String)
    /// A float tensor holds NaN or an infinity at element `index` (row-major) (Spec/model-weights.md §4, check 8).
    case nonFiniteValue(name: String, index: Int)

    package var description: String {
        switch self {
        case .badMagic: "not a caec weights file (bad magic)"
        case .unsupportedVersion(let major, let newest):
            "weights file version \(major).x is newer than this caec reads (\(newest).x): upgrade caec"
        case .truncated(let offset, let needed, let available):
            "weights file truncated at byte \(offset): needs \(needed) more bytes, \(available) left"
        case .invalidField(let what): "invalid weights file: \(what)"
        case .headerChecksumMismatch(let declared, let computed):
            "weights header CRC mismatch (file says \(hex(declared)), computed \(hex(computed)))"
        case .dataChecksumMismatch(let declared, let computed):
            "weights data CRC mismatch (file says \(hex(declared)), computed \(hex(computed)))"
        case .trailingBytes(let count): "\(count) unexpected bytes after the end of the weights file"
        case .wrongModel(let expected, let found): "weights are for model '\(found)', expected '\(expected)'"
        case .missingTensor(let name): "weights file lacks tensor '\(name)'"
        case .unexpectedTensor(let name): "weights file has unexpected tensor '\(name)'"
        case .shapeMismatch(let name, let expected, let found):
            "tensor '\(name)' has shape \(found), expected \(expected)"
        case .typeMismatch(let name): "tensor '\(name)' has the wrong kind or element type"
        case .nonFiniteValue(let name, let index):
            "tensor '\(name)' holds a non-finite value (NaN or infinity) at element \(index)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

extension WeightsFile {
    /// Parses and validates a weights file's bytes (Spec/model-weights.md §2-4, checks 1-5 and 8).
    package init(parsing bytes: [UInt8]) throws(WeightsError) {
        var reader = ByteReader(bytes)
        do {
            guard Array(try reader.readBytes(4)) == Self.magic else { throw WeightsError.badMagic }
            let major = try reader.readUInt8()
            _ = try reader.readUInt8()
            guard major <= Self.versionMajor, major > 0 else {
                throw WeightsError.unsupportedVersion(major: major, newestSupported: Self.versionMajor)
            }
            guard try reader.readUInt16() == 0 else { throw WeightsError.invalidField("reserved bytes are not 0") }
            let id = try Self.readString8(&reader, what: "model id")
            var metadata: [(key: String, value: String)] = []
            for _ in 0..<Int(try reader.readUInt16()) {
                let key = try Self.readString8(&reader, what: "metadata key")
                let length = Int(try reader.readUInt16())
                guard let value = String(validating: try reader.readBytes(length), as: UTF8.self) else {
                    throw WeightsError.invalidField("metadata value is not UTF-8")
                }
                metadata.append((key, value))
            }
            let count = Int(try reader.readUInt32())
            guard (1...Self.maxTensors).contains(count) else {
                throw WeightsError.invalidField("tensor count \(count) outside 1...\(Self.maxTensors)")
            }
            var entries: [(name: String, kind: NamedTensor.Kind, dtype: UInt8, shape: [Int])] = []
            var names = Set<String>()
            var totalBytes = 0
            for _ in 0..<count {
                let name = try Self.readString8(&reader, what: "tensor name")
                guard names.insert(name).inserted else { throw WeightsError.invalidField("duplicate tensor \(name)") }
                guard let kind = NamedTensor.Kind(rawValue: try reader.readUInt8()) else {
                    throw WeightsError.invalidField("tensor \(name) has an unknown kind")
                }
                let dtype = try reader.readUInt8()
                guard dtype <= 2 else { throw WeightsError.invalidField("tensor \(name) has an unknown dtype") }
                let rank = Int(try reader.readUInt8())
                guard rank <= 8 else { throw WeightsError.invalidField("tensor \(name) has rank \(rank) > 8") }
                var shape: [Int] = []
                var elements = 1
                for _ in 0..<rank {
                    let extent = Int(try reader.readUInt32())
                    guard (1...Self.maxExtent).contains(extent) else {
                        throw WeightsError.invalidField("tensor \(name) has extent \(extent)")
                    }
                    shape.append(extent)
                    elements *= extent
                    guard elements <= Self.maxElements else {
                        throw WeightsError.invalidField("tensor \(name) has too many elements")
                    }
                }
                totalBytes += dtype == 2 ? elements : elements * 4
                entries.append((name, kind, dtype, shape))
            }
            let headerEnd = reader.offset
            let declaredHeaderCRC = try reader.readUInt32()
            let computedHeaderCRC = CRC32.checksum(bytes[0..<headerEnd])
            guard declaredHeaderCRC == computedHeaderCRC else {
                throw WeightsError.headerChecksumMismatch(declared: declaredHeaderCRC, computed: computedHeaderCRC)
            }
            guard reader.remaining >= totalBytes + 4 else {
                throw WeightsError.truncated(
                    offset: reader.offset, needed: totalBytes + 4, available: reader.remaining)
            }
            let dataStart = reader.offset
            var tensors: [NamedTensor] = []
            tensors.reserveCapacity(count)
            for entry in entries {
                let elements = entry.shape.reduce(1, *)
                let storage: NamedTensor.Storage
                switch entry.dtype {
                case 0:
                    storage = .float32(
                        Self.decodeWords(try reader.readBytes(elements * 4)).map { Float(bitPattern: $0) })
                case 1:
                    storage = .int32(Self.decodeWords(try reader.readBytes(elements * 4)).map { Int32(bitPattern: $0) })
                default: storage = .uint8(Array(try reader.readBytes(elements)))
                }
                tensors.append(NamedTensor(name: entry.name, kind: entry.kind, shape: entry.shape, storage: storage))
            }
            let computedDataCRC = CRC32.checksum(bytes[dataStart..<reader.offset])
            let declaredDataCRC = try reader.readUInt32()
            guard declaredDataCRC == computedDataCRC else {
                throw WeightsError.dataChecksumMismatch(declared: declaredDataCRC, computed: computedDataCRC)
            }
            guard reader.isAtEnd else { throw WeightsError.trailingBytes(count: reader.remaining) }
            self.init(modelID: id, metadata: metadata, tensors: tensors)
            // After the CRCs: a NaN that was written on purpose (a diverged run) is not a damaged file.
            if let bad = firstNonFiniteValue() { throw WeightsError.nonFiniteValue(name: bad.name, index: bad.index) }
        } catch let error as ByteReader.OutOfBytes {
            throw WeightsError.truncated(offset: error.offset, needed: error.needed, available: error.available)
        } catch let error as WeightsError {
            throw error
        } catch {
            throw WeightsError.invalidField("\(error)")
        }
    }

    private static func readString8(_ reader: inout ByteReader, what: String) throws -> String {
        let length = Int(try reader.readUInt8())
        guard length > 0, let string = String(validating: try reader.readBytes(length), as: UTF8.self) else {
            throw WeightsError.invalidField("\(what) is empty or not UTF-8")
        }
        return string
    }

    private static func decodeWords(_ raw: ArraySlice<UInt8>) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: raw.count / 4)
        raw.withUnsafeBytes { source in
            words.withUnsafeMutableBytes { $0.copyMemory(from: source) }
        }
        // Spec/model-weights.md §1: little-endian on disk.
        return words.map { UInt32(littleEndian: $0) }
    }
}
