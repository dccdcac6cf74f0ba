import CaecCore
import CaecFormat

/// What a `.cae` file carries beside the latent (Spec/cae-format.md §4, §11): the colour profile, EXIF and XMP of
/// the original, and whether it was gray.
public struct CaecMetadata: Sendable, Equatable {
    /// The ICC profile the pixels are encoded in (nil: sRGB).
    public var iccProfile: [UInt8]?
    /// The EXIF TIFF structure (without `Exif\0\0`), orientation already applied to the pixels.
    public var exif: [UInt8]?
    /// The XMP packet (UTF-8 XML).
    public var xmp: [UInt8]?
    /// Gray image (colour code 1): the decoder outputs three equal channels, the mean of its R, G and B rounded
    /// to nearest, so no colour cast survives at any quality.
    public var isGray: Bool

    public init(iccProfile: [UInt8]? = nil, exif: [UInt8]? = nil, xmp: [UInt8]? = nil, isGray: Bool = false) {
        self.iccProfile = iccProfile
        self.exif = exif
        self.xmp = xmp
        self.isGray = isGray
    }

    /// The largest ICC profile, EXIF or XMP a `.cae` file holds (64 MiB each, Spec/cae-format.md §11).
    public static let maxBlockBytes = CAEConstants.maxBlockLength

    /// The blocks to write, in the order of §11.1 (ICC, EXIF, XMP); empty ones are left out.
    var blocks: [CAEBlock] {
        [
            (CAEConstants.blockICCProfile, iccProfile), (CAEConstants.blockEXIF, exif), (CAEConstants.blockXMP, xmp),
        ].compactMap { type, data in data.flatMap { $0.isEmpty ? nil : CAEBlock(type: type, data: $0) } }
    }

    /// The metadata of a read file: its known blocks (unknown, non-critical ones are skipped) and colour code.
    init(blocks: [CAEBlock], colour: UInt8) {
        func data(_ type: UInt8) -> [UInt8]? { blocks.first { $0.type == type }?.data }
        self.init(
            iccProfile: data(CAEConstants.blockICCProfile), exif: data(CAEConstants.blockEXIF),
            xmp: data(CAEConstants.blockXMP), isGray: colour == CAEConstants.colourGray8)
    }
}

/// A decoded `.cae` file: the pixels and what the file said about them.
public struct CaecDecodedImage: Sendable, Equatable {
    public var image: RGBImage
    public var metadata: CaecMetadata
}
