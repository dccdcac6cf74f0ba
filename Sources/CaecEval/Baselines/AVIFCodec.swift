import CCaecAVIF
import CaecCore

/// AVIF through the system libavif with the libaom encoder: a baseline of `caec compare`.
///
/// Settings comparable to `avifenc -s 6 -y 420 --min Q --max Q -j 1`: speed 6, 4:2:0 chroma (as the JPEG and WebP
/// baselines), full range, BT.601 matrix, sRGB CICP (1/13/6), one thread. The quality ladder is libavif 1.x's
/// `--quality` scale (0 worst ... 100 best) mapped onto libavif 0.11's quantizer as libavif 1.x maps it:
/// `quantizer = ((100 - quality) * 63 + 50) / 100`, used as both the minimum and the maximum quantizer. Sizes are
/// whole files (ISOBMFF boxes included, about 300 bytes).
package enum AVIFCodec {
    /// Encoder speed used by `encode` unless told otherwise (0 slowest ... 10 fastest; avifenc's default).
    package static let defaultSpeed = 6
    /// The default quality ladder of `caec compare`.
    package static let defaultQualities = [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]

    /// libavif's quantizer (0 best ... 63 worst) for `quality` (0 worst ... 100 best).
    package static func quantizer(quality: Int) -> Int {
        precondition((0...100).contains(quality), "AVIFCodec: quality must be in 0...100")
        return ((100 - quality) * 63 + 50) / 100
    }

    /// Whether the system libavif can encode (it was built with libaom).
    package static var canEncode: Bool { caec_avif_has_aom_encoder() != 0 }

    /// The AVIF file for `image` at `quality` (0...100).
    ///
    /// - Throws: `BaselineError.encodingFailed` when libavif refuses (no AV1 encoder, out of memory).
    /// - Precondition: `quality` in 0...100, `speed` in 0...10.
    package static func encode(
        _ image: RGBImage, quality: Int, speed: Int = defaultSpeed, yuv444: Bool = false
    ) throws(BaselineError) -> [UInt8] {
        precondition((0...10).contains(speed), "AVIFCodec: speed must be in 0...10")
        let quantizer = quantizer(quality: quality)
        guard let width = Int32(exactly: image.width), let height = Int32(exactly: image.height) else {
            throw .encodingFailed(codec: "AVIF", message: "image is \(image.width)x\(image.height), too large")
        }
        var encoded = caec_avif_encoded()
        let status = image.pixels.withUnsafeBufferPointer {
            caec_avif_encode_rgb(
                $0.baseAddress, width, height, Int32(quantizer), Int32(speed), yuv444 ? 1 : 0, &encoded)
        }
        defer { caec_avif_free(encoded.data) }
        guard status == CAEC_AVIF_OK, let data = encoded.data else {
            throw .encodingFailed(codec: "AVIF", message: BaselineMessage.text(&encoded.message))
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }

    /// Decodes an AVIF file to 8-bit RGB.
    ///
    /// - Throws: `BaselineError.decodingFailed` for data libavif cannot decode or an image over `limits`.
    package static func decode(_ file: [UInt8], limits: ImageLimits = .default) throws(BaselineError) -> RGBImage {
        var decoded = caec_avif_decoded()
        let status = file.withUnsafeBufferPointer {
            caec_avif_decode_rgb($0.baseAddress, $0.count, UInt64(limits.maxPixels), &decoded)
        }
        defer { caec_avif_free(decoded.pixels) }
        guard status == CAEC_AVIF_OK, let pixels = decoded.pixels else {
            throw .decodingFailed(codec: "AVIF", message: BaselineMessage.text(&decoded.message))
        }
        let (width, height) = (Int(decoded.width), Int(decoded.height))
        guard width <= limits.maxWidth, height <= limits.maxHeight else {
            throw .decodingFailed(codec: "AVIF", message: "image is \(width)x\(height), over the limits")
        }
        return RGBImage(
            width: width, height: height,
            pixels: [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3)))
    }

    /// libavif's version and its AV1 codecs'.
    package static var version: String {
        var buffer = [CChar](repeating: 0, count: Int(CAEC_AVIF_MESSAGE_SIZE))
        caec_avif_version(&buffer)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Reads a C shim's NUL-terminated message buffer (a fixed-size C array imported as a tuple).
enum BaselineMessage {
    static func text<T>(_ buffer: inout T) -> String {
        withUnsafeBytes(of: &buffer) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
