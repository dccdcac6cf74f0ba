import CCaecWebP
import CaecCore

/// Lossy WebP through the system libwebp: the second baseline of `caec compare`.
///
/// Encoding uses libwebp's default preset at the given quality with compression method 6, which is what Pillow
/// does for `save(format="WEBP", quality=Q, method=6)`, the settings of REFERENCE.md. Sizes are whole files
/// (RIFF container included, about 30 bytes).
package enum WebPCodec {
    /// Compression effort used by `encode` unless told otherwise (6 is the slowest and smallest).
    package static let defaultMethod = 6

    /// The WebP file for `image` at `quality` (0...100).
    ///
    /// - Throws: `BaselineError.encodingFailed` when libwebp refuses (a side over 16383 pixels, out of memory).
    /// - Precondition: `quality` in 0...100, `method` in 0...6.
    package static func encode(
        _ image: RGBImage, quality: Int, method: Int = defaultMethod
    ) throws(BaselineError) -> [UInt8] {
        precondition((0...100).contains(quality), "WebPCodec: quality must be in 0...100")
        precondition((0...6).contains(method), "WebPCodec: method must be in 0...6")
        guard let width = Int32(exactly: image.width), let height = Int32(exactly: image.height) else {
            throw .encodingFailed(codec: "WebP", message: "image is \(image.width)x\(image.height), too large")
        }
        var encoded = caec_webp_encoded()
        let status = image.pixels.withUnsafeBufferPointer {
            caec_webp_encode_rgb($0.baseAddress, width, height, Float(quality), Int32(method), &encoded)
        }
        defer { caec_webp_free(encoded.data) }
        guard status == CAEC_WEBP_OK, let data = encoded.data else {
            throw .encodingFailed(codec: "WebP", message: message(&encoded.message))
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }

    /// Decodes a WebP file to RGB.
    ///
    /// - Throws: `BaselineError.decodingFailed` for data libwebp cannot decode or an image over `limits`.
    package static func decode(_ file: [UInt8], limits: ImageLimits = .default) throws(BaselineError) -> RGBImage {
        var decoded = caec_webp_decoded()
        let status = file.withUnsafeBufferPointer {
            caec_webp_decode_rgb($0.baseAddress, $0.count, UInt64(limits.maxPixels), &decoded)
        }
        defer { caec_webp_free(decoded.pixels) }
        guard status == CAEC_WEBP_OK, let pixels = decoded.pixels else {
            throw .decodingFailed(codec: "WebP", message: message(&decoded.message))
        }
        let (width, height) = (Int(decoded.width), Int(decoded.height))
        guard width <= limits.maxWidth, height <= limits.maxHeight else {
            throw .decodingFailed(codec: "WebP", message: "image is \(width)x\(height), over the limits")
        }
        return RGBImage(
            width: width, height: height,
            pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3)))
    }

    private static func message<T>(_ buffer: inout T) -> String {
        withUnsafeBytes(of: &buffer) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
