import CCaecAVIF
import CCaecJXL
import CCaecVersions
import CCaecWebP

/// The versions of the image libraries caec runs with, for `caec --version` and the compare report.
package enum LibraryVersions {
    /// libpng's version as the loaded library reports it.
    package static var libpng: String {
        var buffer = [CChar](repeating: 0, count: Int(CAEC_VERSION_SIZE))
        caec_libpng_version(&buffer)
        return string(buffer)
    }

    /// libjpeg-turbo's release and libjpeg API (from the headers caec was built with).
    package static var libjpeg: String {
        var buffer = [CChar](repeating: 0, count: Int(CAEC_VERSION_SIZE))
        caec_libjpeg_version(&buffer)
        return string(buffer)
    }

    /// libwebp's version.
    package static var libwebp: String {
        var buffer = [CChar](repeating: 0, count: Int(CAEC_WEBP_MESSAGE_SIZE))
        caec_webp_version(&buffer)
        return string(buffer)
    }

    /// libavif's version and its AV1 codecs'.
    package static var libavif: String { AVIFCodec.version }

    /// libjxl's version.
    package static var libjxl: String { JXLCodec.version }

    /// One `name version` pair per library, in a fixed order.
    package static var all: [(name: String, version: String)] {
        [("libpng", libpng), ("libjpeg", libjpeg), ("libwebp", libwebp), ("libavif", libavif), ("libjxl", libjxl)]
    }

    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
