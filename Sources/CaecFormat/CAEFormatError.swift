/// Why a `.cae` container was rejected (Spec/cae-format.md §8). Cases carry the evidence.
package enum CAEFormatError: Error, Equatable, CustomStringConvertible {
    /// Which part of the file an error is about.
    package enum Section: String, Sendable { case header, payload, metadata = "metadata block" }

    case empty
    case badSignature(found: UInt8)
    case unsupportedVersion(major: UInt8, newestSupported: UInt8)
    /// The file ends (after `available` bytes) before `section` does (at byte `needed`, counted from the start).
    case truncated(section: Section, needed: Int, available: Int)
    case invalidField(String)
    case checksumMismatch(section: Section, declared: UInt32, computed: UInt32)
    case unsupportedColour(code: UInt8)
    case dimensionsTooLarge(width: Int, height: Int)
    case trailingData(count: Int)
    /// A critical metadata block of a type this reader does not know (Spec/cae-format.md §11.3).
    case unsupportedCriticalBlock(type: UInt8)

    package var description: String {
        switch self {
        case .empty: "empty input (0 bytes)"
        case .badSignature: "not a .cae file (bad signature)"
        case .unsupportedVersion(let major, let newest):
            ".cae version \(major).x is newer than this caec reads (\(newest).x): upgrade caec"
        case .truncated(let section, let needed, let available):
            "truncated \(section.rawValue): the file ends at byte \(available), "
                + (section == .header
                    ? "the header needs \(needed) bytes"
                    : "\(section == .payload ? "the payload and its CRC end" : "the block ends") at byte \(needed)")
        case .invalidField(let what): "invalid header: \(what)"
        case .checksumMismatch(let section, let declared, let computed):
            "\(section.rawValue) CRC mismatch (stored \(hex(declared)), computed \(hex(computed))): the file is corrupt"
        case .unsupportedColour(let code): "unsupported colour code \(code)"
        case .dimensionsTooLarge(let width, let height): "image is \(width)x\(height), over the size limit"
        case .trailingData(let count): "\(count) bytes of trailing data after the payload"
        case .unsupportedCriticalBlock(let type):
            "critical metadata block of unknown type \(type): made by a newer caec, upgrade caec"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
