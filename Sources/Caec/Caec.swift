import CaecCore
import CaecFormat
import CaecModel

/// What a `.cae` header says, read without decoding (`Caec.peek`).
public struct CaecFileInfo: Sendable, Equatable {
    /// Format version, e.g. (1, 0).
    public let version: (major: Int, minor: Int)
    /// The model's stable id, or nil if this caec does not know the model code.
    public let modelID: String?
    public let modelCode: Int
    /// The model's trained quality at or below the file's quality (the header's 6-bit quality index).
    public let quality: Int
    /// The file's exact quality: `quality` plus the header's `quality_fraction` / 256 (Spec/cae-format.md §3.5),
    /// equal to `quality` for a file made at an integer quality.
    public let modelQuality: Double
    public let width: Int
    public let height: Int
    /// Entropy-coded payload bytes.
    public let payloadBytes: Int
    /// Header, payload and checksum: the whole file.
    public let fileBytes: Int
    /// The 16-bit model-and-quality fingerprint.
    public let fingerprint: UInt16
    /// `modelQuality` as a step of the quality scale; its description is the shortest exact decimal (`4.5`).
    package var exactQuality: ModelQuality {
        ModelQuality(index: Int(header.quality), fraction: Int(header.qualityFraction))
    }
    /// The parsed header and where the payload starts, so that decoding does not parse the header again.
    package let header: CAEHeader
    package let payloadOffset: Int

    public static func == (a: CaecFileInfo, b: CaecFileInfo) -> Bool {
        a.version == b.version && a.modelID == b.modelID && a.modelCode == b.modelCode && a.quality == b.quality
            && a.modelQuality == b.modelQuality && a.width == b.width && a.height == b.height
            && a.payloadBytes == b.payloadBytes
            && a.fileBytes == b.fileBytes && a.fingerprint == b.fingerprint
    }
}

/// Entry points that need no model.
public enum Caec {
    /// The library's version.
    public static let version = "0.2.0"

    /// Reads a `.cae` header (checking signature, version and header checksum) without touching the payload.
    public static func peek(_ bytes: [UInt8]) throws(CaecError) -> CaecFileInfo {
        let (header, payloadOffset): (CAEHeader, Int)
        do { (header, payloadOffset) = try CAEReader.peek(bytes) } catch { throw map(error) }
        return CaecFileInfo(
            version: (Int(header.versionMajor), Int(header.versionMinor)), modelID: header.modelID,
            modelCode: Int(header.modelCode), quality: Int(header.quality),
            modelQuality: Double(header.quality) + Double(header.qualityFraction) / 256, width: header.width,
            height: header.height, payloadBytes: header.payloadLength, fileBytes: bytes.count,
            fingerprint: header.fingerprint, header: header, payloadOffset: payloadOffset)
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
            return try CAEReader.body(bytes, header: info.header, payloadOffset: info.payloadOffset, limits: limits)
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
