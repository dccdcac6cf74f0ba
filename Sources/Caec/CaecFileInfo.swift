import CaecFormat
import CaecModel

/// What a `.cae` header says, read without decoding (`Caec.peek`): the fields of Spec/cae-format.md §3 as plain
/// values, and the sizes of the file's parts.
public struct CaecFileInfo: Sendable, Equatable {
    /// Format version, e.g. (1, 1).
    public let version: (major: Int, minor: Int)
    /// The model's stable id (`bmshj-f-vr`), or nil if this caec does not know the model code.
    public let modelID: String?
    /// The registered model code (§5), 0...255.
    public let modelCode: Int
    /// The colour code (§4): 0 is 8-bit sRGB RGB, 1 is 8-bit gray (decoded as RGB with equal channels).
    public let colourCode: Int
    /// The model's trained quality at or below the file's quality (the header's 6-bit quality index), as
    /// `CaecCodec.qualities` counts them.
    public let quality: Int
    /// The file's exact quality: `quality` plus the header's `quality_fraction` / 256 (Spec/cae-format.md §3.5),
    /// equal to `quality` for a file made at an integer quality.
    public let modelQuality: Double
    /// Image size in pixels.
    public let width: Int
    public let height: Int
    /// Bytes of the header; the payload starts at this offset.
    public let headerBytes: Int
    /// Entropy-coded payload bytes.
    public let payloadBytes: Int
    /// Header, payload, checksum and metadata blocks: the whole file.
    public let fileBytes: Int
    /// The 16-bit model-and-quality fingerprint (§7): which weights made the file.
    public let fingerprint: UInt16
    /// The header's `quality_fraction` (§3.5): 0 for an integer quality.
    let qualityFraction: Int

    /// `modelQuality` as a step of the quality scale; its description is the shortest decimal that names it (`4.5`,
    /// `4.3` for 4 + 77/256).
    package var exactQuality: ModelQuality { ModelQuality(index: quality, fraction: qualityFraction) }

    /// The values of `header`, which ends `headerBytes` into a file of `fileBytes`.
    init(header: CAEHeader, headerBytes: Int, fileBytes: Int) {
        version = (Int(header.versionMajor), Int(header.versionMinor))
        modelID = header.modelID
        modelCode = Int(header.modelCode)
        colourCode = Int(header.colour)
        quality = Int(header.quality)
        qualityFraction = Int(header.qualityFraction)
        modelQuality = Double(header.quality) + Double(header.qualityFraction) / 256
        width = header.width
        height = header.height
        payloadBytes = header.payloadLength
        fingerprint = header.fingerprint
        self.headerBytes = headerBytes
        self.fileBytes = fileBytes
    }

    /// The header these values came from (every field is kept, so decoding need not parse it again).
    package var header: CAEHeader {
        CAEHeader(
            modelCode: UInt8(modelCode), quality: UInt8(quality), fingerprint: fingerprint, width: width,
            height: height,
            payloadLength: payloadBytes, colour: UInt8(colourCode), versionMajor: UInt8(version.major),
            versionMinor: UInt8(version.minor), qualityFraction: UInt8(qualityFraction))
    }

    public static func == (a: CaecFileInfo, b: CaecFileInfo) -> Bool {
        a.version == b.version && a.modelID == b.modelID && a.modelCode == b.modelCode
            && a.colourCode == b.colourCode && a.quality == b.quality
            && a.qualityFraction == b.qualityFraction && a.width == b.width && a.height == b.height
            && a.headerBytes == b.headerBytes && a.payloadBytes == b.payloadBytes && a.fileBytes == b.fileBytes
            && a.fingerprint == b.fingerprint
    }
}
