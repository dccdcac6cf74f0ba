/// Why a safetensors file was rejected (Spec/safetensors.md §3). Each case carries the evidence; offsets into the
/// data section count from its first byte, as the header's `data_offsets` do.
package enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than its 8-byte header length, or than the header length it declares.
    case truncated(needed: Int, available: Int)
    /// The declared header length exceeds `SafeTensors.maximumHeaderLength`.
    case headerTooLarge(declared: UInt64, limit: Int)
    /// The header is not well-formed JSON (or nests deeper than the parser allows); `offset` is into the header.
    case invalidJSON(offset: Int, reason: String)
    /// The header is valid JSON but not a safetensors header (not an object, a non-object entry...).
    case invalidHeader(String)
    /// The `__metadata__` entry is not a map of strings to strings.
    case invalidMetadata(String)
    /// A tensor entry lacks a field, has an unknown one, or a field of the wrong type or range.
    case invalidEntry(name: String, reason: String)
    /// Two entries have the same name (tensor names and `__metadata__` keys alike).
    case duplicateName(String)
    /// The tensor's dtype is not F32, F16, BF16 or F64.
    case unsupportedDType(name: String, dtype: String)
    /// `shape` times the dtype's size is not the length of the tensor's byte range.
    case byteCountMismatch(name: String, shape: [Int], dtype: String, expected: Int, found: Int)
    /// The tensor's byte range passes the end of the data section.
    case offsetsOutOfRange(name: String, begin: Int, end: Int, dataLength: Int)
    /// The byte ranges of two tensors overlap.
    case overlappingOffsets(first: String, second: String)
    /// Bytes of the data section that belong to no tensor (a hole, or bytes after the last tensor).
    case unusedBytes(begin: Int, end: Int)
    /// A value is NaN or infinite (after conversion to Float32), at element `index` in row-major order.
    case nonFiniteValue(name: String, index: Int)

    package var description: String {
        switch self {
        case .truncated(let needed, let available):
            "safetensors file truncated: needs \(needed) bytes, has \(available)"
        case .headerTooLarge(let declared, let limit):
            "safetensors header length \(declared) exceeds the limit of \(limit) bytes"
        case .invalidJSON(let offset, let reason): "safetensors header is not valid JSON at byte \(offset): \(reason)"
        case .invalidHeader(let reason): "invalid safetensors header: \(reason)"
        case .invalidMetadata(let reason): "invalid safetensors __metadata__: \(reason)"
        case .invalidEntry(let name, let reason): "invalid safetensors entry '\(name)': \(reason)"
        case .duplicateName(let name): "safetensors header names '\(name)' twice"
        case .unsupportedDType(let name, let dtype):
            "tensor '\(name)' has dtype \(dtype); caec reads F32, F16, BF16 and F64"
        case .byteCountMismatch(let name, let shape, let dtype, let expected, let found):
            "tensor '\(name)' of shape \(shape) and dtype \(dtype) needs \(expected) bytes, its offsets give \(found)"
        case .offsetsOutOfRange(let name, let begin, let end, let dataLength):
            "tensor '\(name)' spans bytes \(begin)..<\(end), beyond the \(dataLength) bytes of data"
        case .overlappingOffsets(let first, let second):
            "tensors '\(first)' and '\(second)' overlap in the data section"
        case .unusedBytes(let begin, let end): "data bytes \(begin)..<\(end) belong to no tensor"
        case .nonFiniteValue(let name, let index):
            "tensor '\(name)' holds a non-finite value (NaN or infinity) at element \(index)"
        }
    }
}
