/// A failure of a baseline codec (JPEG or WebP) while encoding, decoding or measuring a file.
package enum BaselineError: Error, Equatable, CustomStringConvertible {
    /// The JPEG file's marker structure is broken at `offset` (`reason` says how).
    case malformedJPEG(offset: Int, reason: String)
    /// The JPEG file ends inside a segment: `expected` bytes were needed, `available` remain.
    case truncatedJPEG(expected: Int, available: Int)
    /// No start-of-scan segment before the end of the file.
    case missingScan
    /// The encoder refused the image (message from the library).
    case encodingFailed(codec: String, message: String)
    /// The encoded file could not be decoded back (message from the library).
    case decodingFailed(codec: String, message: String)

    package var description: String {
        switch self {
        case .malformedJPEG(let offset, let reason): "malformed JPEG at byte \(offset): \(reason)"
        case .truncatedJPEG(let expected, let available):
            "truncated JPEG: a segment needs \(expected) bytes, \(available) remain"
        case .missingScan: "JPEG has no start-of-scan segment"
        case .encodingFailed(let codec, let message): "\(codec) encoding failed: \(message)"
        case .decodingFailed(let codec, let message): "\(codec) decoding failed: \(message)"
        }
    }
}
