import CaecCore

/// One named tensor of a weights file: its kind, shape and elements.
package struct NamedTensor: Equatable, Sendable {
    /// Whether the tensor is trained, or derived from training (statistics, probability tables).
    package enum Kind: UInt8, Sendable { case parameter = 0, buffer = 1 }

    /// Element storage: f32 and i32 take 4 bytes per element in the file, u8 one.
    package enum Storage: Equatable, Sendable {
        case float32([Float])
        case int32([Int32])
        case uint8([UInt8])

        var count: Int {
            switch self {
            case .float32(let values): values.count
            case .int32(let values): values.count
            case .uint8(let values): values.count
            }
        }
        var dtypeCode: UInt8 {
            switch self {
            case .float32: 0
            case .int32: 1
            case .uint8: 2
            }
        }
        var byteCount: Int {
            switch self {
            case .uint8(let values): values.count
            default: count * 4
            }
        }
    }

    package var name: String
    package var kind: Kind
    package var shape: [Int]
    package var storage: Storage

    package init(name: String, kind: Kind, shape: [Int], storage: Storage) {
        precondition(shape.reduce(1, *) == storage.count, "NamedTensor \(name): shape \(shape) != \(storage.count)")
        self.name = name
        self.kind = kind
        self.shape = shape
        self.storage = storage
    }
}

/// A model's weights file: the stable model id, metadata, and named tensors (Spec/model-weights.md).
package struct WeightsFile: Equatable, Sendable {
    package static let magic: [UInt8] = Array("CAEW".utf8)
    package static let versionMajor: UInt8 = 1
    package static let versionMinor: UInt8 = 0
    static let maxTensors = 4096
    static let maxElements = 1 << 28
    static let maxExtent = 1 << 24

    package var modelID: String
    /// Key/value text entries, in file order.
    package var metadata: [(key: String, value: String)]
    package var tensors: [NamedTensor]

    package init(modelID: String, metadata: [(key: String, value: String)] = [], tensors: [NamedTensor]) {
        self.modelID = modelID
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The first NaN or infinity among the float tensors, in file order: the tensor's name and the element's
    /// row-major index. A weights file must hold none (Spec/model-weights.md §4, check 8).
    package func firstNonFiniteValue() -> (name: String, index: Int)? {
        for tensor in tensors {
            guard case .float32(let values) = tensor.storage else { continue }
            if let index = values.firstIndex(where: { !$0.isFinite }) { return (tensor.name, index) }
        }
        return nil
    }

    /// The value of metadata `key`, if present.
    package func metadata(_ key: String) -> String? { metadata.first { $0.key == key }?.value }

    package static func == (a: WeightsFile, b: WeightsFile) -> Bool {
        a.modelID == b.modelID && a.tensors == b.tensors && a.metadata.map(\.key) == b.metadata.map(\.key)
            && a.metadata.map(\.value) == b.metadata.map(\.value)
    }

    /// The file's bytes (Spec/model-weights.md §2).
    package func serialized() -> [UInt8] {
        var header = ByteWriter()
        header.write(Self.magic)
        header.write(Self.versionMajor)
        header.write(Self.versionMinor)
        header.write(UInt16(0))
        Self.writeString8(modelID, to: &header)
        header.write(UInt16(metadata.count))
        for entry in metadata {
            Self.writeString8(entry.key, to: &header)
            let value = Array(entry.value.utf8.prefix(Int(UInt16.max)))
            header.write(UInt16(value.count))
            header.write(value)
        }
        header.write(UInt32(tensors.count))
        for tensor in tensors {
            Self.writeString8(tensor.name, to: &header)
            header.write(tensor.kind.rawValue)
            header.write(tensor.storage.dtypeCode)
            header.write(UInt8(tensor.shape.count))
            for extent in tensor.shape { header.write(UInt32(extent)) }
        }
        header.write(CRC32.checksum(header.bytes))
        var data = ByteWriter(capacity: tensors.reduce(0) { $0 + $1.storage.byteCount })
        for tensor in tensors {
            switch tensor.storage {
            case .float32(let values): for v in values { data.write(v.bitPattern) }
            case .int32(let values): for v in values { data.write(UInt32(bitPattern: v)) }
            case .uint8(let values): data.write(values)
            }
        }
        let dataCRC = CRC32.checksum(data.bytes)
        var file = header.bytes
        file.append(contentsOf: data.bytes)
        var trailer = ByteWriter()
        trailer.write(dataCRC)
        file.append(contentsOf: trailer.bytes)
        return file
    }

    /// The CRC-32 of the tensor data: the model fingerprint (Spec/model-weights.md §6).
    package var fingerprint: UInt32 {
        let bytes = serialized()
        var reader = ByteReader(bytes, offset: bytes.count - 4)
        return (try? reader.readUInt32()) ?? 0
    }

    private static func writeString8(_ string: String, to writer: inout ByteWriter) {
        let bytes = Array(string.utf8.prefix(255))
        writer.write(UInt8(bytes.count))
        writer.write(bytes)
    }
}
