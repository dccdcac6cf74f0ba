import CaecCore
import CaecFormat
import CaecModel

/// Entry points that need no model.
public enum Caec {
    /// The library's version.
    public static let version = "0.2.0"

    /// Reads a `.cae` header (checking signature, version and header checksum) without touching the payload.
    public static func peek(_ bytes: [UInt8]) throws(CaecError) -> CaecFileInfo {
        let (header, payloadOffset): (CAEHeader, Int)
        do { (header, payloadOffset) = try CAEReader.peek(bytes) } catch { throw map(error) }
        return CaecFileInfo(header: header, headerBytes: payloadOffset, fileBytes: bytes.count)
    }

    /// The metadata a `.cae` file carries (Spec/cae-format.md §4, §11): ICC profile, EXIF, XMP, gray. Reads and
    /// checks the whole container (payload and block CRCs) but decodes nothing, so no model is needed.
    ///
    /// - Throws: `CaecError` as `peek`, and `.invalidFile` for a damaged payload or block.
    public static func metadata(_ bytes: [UInt8], limits: ImageLimits = .default) throws(CaecError) -> CaecMetadata {
        let info = try peek(bytes)
        let (_, blocks) = try body(bytes, info: info, limits: limits)
        return CaecMetadata(blocks: blocks, colour: info.header.colour)
    }

    /// Whether `bytes` start like a `.cae` file (signature and a readable header).
    public static func isCAE(_ bytes: [UInt8]) -> Bool { (try? CAEReader.peek(bytes)) != nil }

    /// The checked payload and metadata blocks of a container whose header `peek` read into `info`.
    package static func body(_ bytes: [UInt8], info: CaecFileInfo, limits: ImageLimits) throws(CaecError) -> (
        payload: ArraySlice<UInt8>, blocks: [CAEBlock]
    ) {
        do {
            return try CAEReader.body(bytes, header: info.header, payloadOffset: info.headerBytes, limits: limits)
        } catch { throw map(error) }
    }

    private static func map(_ error: CAEFormatError) -> CaecError {
        switch error {
        case .unsupportedVersion, .unsupportedCriticalBlock: CaecError(.unsupportedVersion, error.description)
        case .dimensionsTooLarge: CaecError(.tooLarge, error.description)
        default: CaecError(.invalidFile, error.description)
        }
    }
}
