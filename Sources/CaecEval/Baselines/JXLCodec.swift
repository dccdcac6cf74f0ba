import CCaecJXL
import CaecCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// JPEG XL through the system libjxl: a baseline of `caec compare`.
///
/// Settings comparable to `cjxl -q QUALITY -e 7`: lossy VarDCT in XYB, effort 7 (cjxl's default), one thread, a bare
/// codestream (no container). Qualities are cjxl 0.7's `--quality` scale, turned into a butteraugli distance by
/// `distance(quality:)`, as cjxl does.
package enum JXLCodec {
    /// Encoder effort used by `encode` unless told otherwise (1 fastest ... 9 slowest; cjxl's default).
    package static let defaultEffort = 7
    /// The default quality ladder of `caec compare`.
    package static let defaultQualities = [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]

    /// cjxl 0.7's mapping from `--quality` to `--distance`: linear above 30 (`0.1 + (100 - q) * 0.09`, so 90 is
    /// distance 1.0), steeper below (`6.4 + 2.5^((30 - q) / 5) / 6.25`).
    package static func distance(quality: Int) -> Float {
        precondition((0...99).contains(quality), "JXLCodec: quality must be in 0...99 (100 is lossless)")
        if quality >= 30 { return 0.1 + Float(100 - quality) * 0.09 }
        return 6.4 + powf(2.5, Float(30 - quality) / 5) / 6.25
    }

    /// The JPEG XL file for `image` at `quality` (0...99).
    ///
    /// - Throws: `BaselineError.encodingFailed` when libjxl refuses.
    /// - Precondition: `quality` in 0...99, `effort` in 1...9.
    package static func encode(
        _ image: RGBImage, quality: Int, effort: Int = defaultEffort
    ) throws(BaselineError) -> [UInt8] {
        precondition((1...9).contains(effort), "JXLCodec: effort must be in 1...9")
        let distance = distance(quality: quality)
        guard let width = Int32(exactly: image.width), let height = Int32(exactly: image.height) else {
            throw .encodingFailed(codec: "JPEG XL", message: "image is \(image.width)x\(image.height), too large")
        }
        var encoded = caec_jxl_encoded()
        let status = image.pixels.withUnsafeBufferPointer {
            caec_jxl_encode_rgb($0.baseAddress, width, height, distance, Int32(effort), &encoded)
        }
        defer { caec_jxl_free(encoded.data) }
        guard status == CAEC_JXL_OK, let data = encoded.data else {
            throw .encodingFailed(codec: "JPEG XL", message: BaselineMessage.text(&encoded.message))
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }

    /// Decodes a JPEG XL file to 8-bit sRGB.
    ///
    /// - Throws: `BaselineError.decodingFailed` for data libjxl cannot decode or an image over `limits`.
    package static func decode(_ file: [UInt8], limits: ImageLimits = .default) throws(BaselineError) -> RGBImage {
        var decoded = caec_jxl_decoded()
        let status = file.withUnsafeBufferPointer {
            caec_jxl_decode_rgb($0.baseAddress, $0.count, UInt64(limits.maxPixels), &decoded)
        }
        defer { caec_jxl_free(decoded.pixels) }
        guard status == CAEC_JXL_OK, let pixels = decoded.pixels else {
            throw .decodingFailed(codec: "JPEG XL", message: BaselineMessage.text(&decoded.message))
        }
        let (width, height) = (Int(decoded.width), Int(decoded.height))
        guard width <= limits.maxWidth, height <= limits.maxHeight else {
            throw .decodingFailed(codec: "JPEG XL", message: "image is \(width)x\(height), over the limits")
        }
        return RGBImage(
            width: width, height: height,
            pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3)))
    }

    /// libjxl's version.
    package static var version: String {
        var buffer = [CChar](repeating: 0, count: Int(CAEC_JXL_MESSAGE_SIZE))
        caec_jxl_version(&buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
