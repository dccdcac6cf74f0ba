import CCaecImageIO
import CaecCore

/// Encodes images as 8-bit RGB (or gray) PNG files in memory, no interlacing, with the metadata given.
public enum PNGWriter {
    /// The PNG file for `image`.
    ///
    /// - Parameters:
    ///   - image: the pixels; PNG is lossless, so `ImageReader.read` returns them unchanged.
    ///   - compressionLevel: zlib level, 0 (stored) to 9 (smallest, slowest). Default 6.
    ///   - metadata: written as iCCP, eXIf and an uncompressed iTXt `XML:com.adobe.xmp`; `isGray` writes colour
    ///     type 0 from the red channel.
    /// - Returns: the complete file.
    /// - Throws: `ImageIOError.encodingFailed` when libpng refuses (e.g. a side over its 1,000,000-pixel limit).
    /// - Precondition: `compressionLevel` is in `0...9`.
    public static func encode(
        _ image: RGBImage, compressionLevel: Int = 6, metadata: ImageMetadata = .init()
    ) throws(ImageIOError) -> [UInt8] {
        precondition((0...9).contains(compressionLevel), "PNGWriter: compressionLevel must be in 0...9")
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw .encodingFailed("image is \(image.width)x\(image.height), too large for PNG")
        }
        var encoded = caec_encoded_data()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            metadata.withCMetadata { metadata in
                caec_png_write(pixels.baseAddress, width, height, Int32(compressionLevel), metadata, &encoded)
            }
        }
        defer { caec_imageio_free(encoded.data) }
        if let error = ImageIOError(writeStatus: status, encoded: encoded) { throw error }
        guard let data = encoded.data else { throw .encodingFailed("encoder returned no data") }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }
}
