/// The file formats `CaecImageIO` reads and writes.
public enum ImageFormat: Sendable, Hashable, CustomStringConvertible {
    /// Portable Network Graphics (any bit depth and colour type; read and written).
    case png
    /// JPEG/JFIF (baseline or progressive, gray or YCbCr; read and written).
    case jpeg

    /// The format of `bytes`, recognised by its signature, or `nil` when it is neither PNG nor JPEG.
    ///
    /// PNG needs its full 8-byte signature (`89 50 4E 47 0D 0A 1A 0A`), JPEG a start-of-image marker followed by
    /// the first byte of another marker (`FF D8 FF`). Nothing past the signature is examined.
    ///
    /// - Parameter bytes: the start of a file (more is fine).
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: jpegSignature) { return .jpeg }
        return nil
    }

    /// The format's usual name, upper case: `PNG` or `JPEG`.
    public var description: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        }
    }
}
