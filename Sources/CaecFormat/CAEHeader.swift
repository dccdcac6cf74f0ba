/// The fields of a `.cae` header (Spec/cae-format.md §3), named as in the spec.
package struct CAEHeader: Equatable, Sendable {
    package var versionMajor: UInt8
    package var versionMinor: UInt8
    /// The registered model code (§5).
    package var modelCode: UInt8
    /// Colour code (§4); 0 is 8-bit sRGB RGB.
    package var colour: UInt8
    /// Index of the model's quantisation and entropy-coding operating point, 0...63.
    package var quality: UInt8
    /// `quality_fraction` (§3.5, version 1.2): the quality is `quality + qualityFraction / 256`; 0 for an integer
    /// quality, whose file has no such field.
    package var qualityFraction: UInt8
    /// Low 16 bits of the model-and-quality fingerprint (§7).
    package var fingerprint: UInt16
    package var width: Int
    package var height: Int
    package var payloadLength: Int

    package init(
        modelCode: UInt8, quality: UInt8, fingerprint: UInt16, width: Int, height: Int, payloadLength: Int,
        colour: UInt8 = CAEConstants.colourSRGB8, versionMajor: UInt8 = CAEConstants.versionMajor,
        versionMinor: UInt8 = CAEConstants.versionMinor, qualityFraction: UInt8 = 0
    ) {
        self.qualityFraction = qualityFraction
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.modelCode = modelCode
        self.colour = colour
        self.quality = quality
        self.fingerprint = fingerprint
        self.width = width
        self.height = height
        self.payloadLength = payloadLength
    }

    /// The model's stable id, if the code is registered.
    package var modelID: String? { CAEConstants.modelID(code: modelCode) }
}
