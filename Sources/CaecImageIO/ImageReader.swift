import CCaecImageIO
import CaecCore

/// Reads PNG and JPEG files from memory into 8-bit RGB.
///
/// - PNG: every bit depth (1, 2, 4, 8, 16) and colour type (gray, gray + alpha, palette with or without tRNS,
///   RGB, RGBA), Adam7 interlacing included. 16-bit samples are sRGB-encoded like 8-bit ones and are scaled
///   with rounding. Alpha is composited over `ImageReadOptions.background` in sRGB space. Ancillary chunks
///   (text, ICC profiles, gamma) are skipped unread: every PNG is taken to be sRGB.
/// - JPEG: baseline and progressive, gray (expanded to RGB) and YCbCr, decoded with libjpeg's default settings
///   so the pixels equal `djpeg -pnm` output; the EXIF orientation (tags 1 to 8) is then applied. CMYK and
///   YCCK files are refused.
///
/// The header's size is checked against `ImageReadOptions.limits` before any pixel buffer is allocated, and
/// compressed data never makes the reader allocate more than the declared image needs.
public enum ImageReader {
    /// Decodes a PNG or JPEG file, recognised by its signature.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - options: limits, background colour and leniency.
    /// - Returns: the image, upright.
    /// - Throws: `ImageIOError`: `.empty`, `.notAnImage`, `.truncated`, `.corrupt`, `.tooLarge`,
    ///   `.unsupportedColorSpace` or `.outOfMemory`.
    public static func read(_ bytes: [UInt8], options: ImageReadOptions = .init()) throws(ImageIOError) -> RGBImage {
        guard !bytes.isEmpty else { throw .empty }
        guard let format = ImageFormat.sniff(bytes) else { throw .notAnImage }

        var readOptions = caec_read_options(
            max_width: UInt64(clamping: options.limits.maxWidth),
            max_height: UInt64(clamping: options.limits.maxHeight),
            max_pixels: UInt64(clamping: options.limits.maxPixels),
            background_r: options.background.red,
            background_g: options.background.green,
            background_b: options.background.blue,
            lenient: options.lenient ? 1 : 0)
        var decoded = caec_decoded_image()
        let status = bytes.withUnsafeBufferPointer { buffer in
            switch format {
            case .png: caec_png_read(buffer.baseAddress, buffer.count, &readOptions, &decoded)
            case .jpeg: caec_jpeg_read(buffer.baseAddress, buffer.count, &readOptions, &decoded)
            }
        }
        defer {
            caec_imageio_free(decoded.pixels)
            caec_imageio_free(decoded.exif)
        }
        if let error = ImageIOError(readStatus: status, format: format, decoded: decoded, limits: options.limits) {
            throw error
        }

        // The shim checked the size against the limits, so these conversions and the product cannot overflow.
        let width = Int(decoded.width)
        let height = Int(decoded.height)
        guard let pixelsPointer = decoded.pixels else {
            throw .outOfMemory(detail: "decoder returned no pixels")
        }
        let pixels = [UInt8](UnsafeBufferPointer(start: pixelsPointer, count: width * height * 3))
        let image = RGBImage(width: width, height: height, pixels: pixels)

        guard let exifPointer = decoded.exif, decoded.exif_size > 0 else { return image }
        let tiff = [UInt8](UnsafeBufferPointer(start: exifPointer, count: decoded.exif_size))
        guard let orientation = ExifOrientation(tiff: tiff) else { return image }
        return orientation.apply(to: image)
    }
}
