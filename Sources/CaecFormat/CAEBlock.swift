/// One metadata block of a version 1.1 `.cae` file (Spec/cae-format.md §11): an ICC profile, EXIF, XMP, or a type
/// this reader does not know.
package struct CAEBlock: Equatable, Sendable {
    /// Bits 0-6 of the type byte: `CAEConstants.blockICCProfile`, `.blockEXIF`, `.blockXMP`, or another.
    package var type: UInt8
    /// Bit 7 of the type byte: a reader that does not know `type` must refuse the file.
    package var critical: Bool
    package var data: [UInt8]

    package init(type: UInt8, critical: Bool = false, data: [UInt8]) {
        precondition(type < 0x80, "CAEBlock: type is 7 bits")
        self.type = type
        self.critical = critical
        self.data = data
    }

    /// Whether this reader knows the block's type.
    package var isKnown: Bool {
        [CAEConstants.blockICCProfile, CAEConstants.blockEXIF, CAEConstants.blockXMP].contains(type)
    }
}
