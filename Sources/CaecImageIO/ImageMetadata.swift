import CCaecImageIO

/// What an image file says beside its pixels, as caec keeps it: colour profile, EXIF, XMP, and whether it is gray.
public struct ImageMetadata: Sendable, Equatable {
    /// The ICC profile the pixels are encoded in (nil: sRGB). Read from a PNG's iCCP or a JPEG's APP2 segments;
    /// for a PNG that describes itself with gAMA/cHRM instead, an equivalent profile made with lcms2
    /// (`iccProfileIsSynthesized`).
    public var iccProfile: [UInt8]?
    /// Whether `iccProfile` was made from a PNG's gAMA/cHRM chunks rather than copied from the file.
    public var iccProfileIsSynthesized: Bool
    /// The EXIF TIFF structure (PNG eXIf, JPEG APP1 after `Exif\0\0`). After `ImageReader.decode` has turned the
    /// pixels upright, its orientation tag says 1.
    public var exif: [UInt8]?
    /// The XMP packet (UTF-8 XML; PNG iTXt `XML:com.adobe.xmp`, JPEG APP1).
    public var xmp: [UInt8]?
    /// Whether the image is grayscale (PNG colour types 0 and 4, one-component JPEG): its RGB pixels have three
    /// equal channels, and writers given this flag write a gray file.
    public var isGray: Bool

    public init(
        iccProfile: [UInt8]? = nil, iccProfileIsSynthesized: Bool = false, exif: [UInt8]? = nil, xmp: [UInt8]? = nil,
        isGray: Bool = false
    ) {
        self.iccProfile = iccProfile
        self.iccProfileIsSynthesized = iccProfileIsSynthesized
        self.exif = exif
        self.xmp = xmp
        self.isGray = isGray
    }

    /// Calls `body` with the C view of this metadata (pointers valid only inside `body`).
    func withCMetadata<R>(_ body: (UnsafePointer<caec_write_metadata>) -> R) -> R {
        let (icc, exif, xmp) = (iccProfile ?? [], exif ?? [], xmp ?? [])
        return icc.withUnsafeBufferPointer { icc in
            exif.withUnsafeBufferPointer { exif in
                xmp.withUnsafeBufferPointer { xmp in
                    var metadata = caec_write_metadata(
                        icc: icc.baseAddress, icc_size: icc.count, exif: exif.baseAddress, exif_size: exif.count,
                        xmp: xmp.baseAddress, xmp_size: xmp.count, gray: isGray ? 1 : 0)
                    return body(&metadata)
                }
            }
        }
    }
}
