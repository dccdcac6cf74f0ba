import CCaecImageIO
import CaecCore

/// Reads PNG and JPEG files from memory into 8-bit RGB.
///
/// - PNG: every bit depth (1, 2, 4, 8, 16) and colour type (gray, gray + alpha, palette with or without tRNS,
///   RGB, RGBA), Adam7 interlacing included. 16-bit samples are scaled to 8 bits with rounding. Alpha is
///   composited over `ImageReadOptions.background` in the file's own encoding. The ICC profile (iCCP), EXIF
///   (eXIf) and XMP (iTXt) are returned in `DecodedImage.metadata`, and so is an ICC profile equivalent to
///   gAMA/cHRM where those say the file is not sRGB; the pixels are never converted. Other text chunks are
///   skipped unread.
///   The orientation in an `eXIf` chunk is applied as for JPEG.
/// - JPEG: baseline and progressive, gray (expanded to RGB) and YCbCr, decoded with libjpeg's default settings
///   so the pixels equal `djpeg -pnm` output; the EXIF orientation (tags 1 to 8) is then applied. CMYK and
///   YCCK files (inverted when they carry an Adobe APP14 marker, as Photoshop writes them) are converted to sRGB
///   through their embedded CMYK ICC profile with lcms2 (perceptual intent), or without one as
///   R = (1 - C)(1 - K), G = (1 - M)(1 - K), B = (1 - Y)(1 - K) with a warning; their profile is not returned in
///   the metadata (the pixels are sRGB). Other component counts are refused, and so are the processes libjpeg
///   does not implement (12-bit, lossless, hierarchical).
///
/// Warnings: harmless deviations that the library decodes exactly (a baseline JPEG whose SOS says Ss=0, Se=0),
/// and a CMYK JPEG converted without colour management, are returned by `decode` as warnings. Damaged data (a truncated file, bad entropy codes, a PNG benign error)
/// fails the read unless `ImageReadOptions.lenient`, in which case it is returned as warnings too.
///
/// The header's size is checked against `ImageReadOptions.limits` before any pixel buffer is allocated, and
/// compressed data never makes the reader allocate more than the declared image needs.
public enum ImageReader {
    /// Decodes a PNG or JPEG file, recognised by its signature; `decode` also returns the library's warnings.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - options: limits, background colour and leniency.
    /// - Returns: the image, upright.
    /// - Throws: `ImageIOError`: `.empty`, `.notAnImage`, `.truncated`, `.corrupt`, `.tooLarge`,
    ///   `.unsupportedColorSpace`, `.unsupportedProcess` or `.outOfMemory`.
    public static func read(_ bytes: [UInt8], options: ImageReadOptions = .init()) throws(ImageIOError) -> RGBImage {
        try decode(bytes, options: options).image
    }

    /// Decodes a PNG or JPEG file, recognised by its signature, and returns what the library warned about.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - options: limits, background colour and leniency.
    /// - Returns: the image, upright, and the warnings in the library's own wording (benign ones always, damage
    ///   only when `options.lenient`), in the order they were raised.
    /// - Throws: as `read(_:options:)`.
    public static func decode(_ bytes: [UInt8], options: ImageReadOptions = .init()) throws(ImageIOError)
        -> DecodedImage
    {
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
            caec_imageio_free(decoded.icc)
            caec_imageio_free(decoded.xmp)
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
        let warnings = ImageIOError.warnings(of: decoded)

        func copied(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> [UInt8]? {
            guard let pointer, count > 0 else { return nil }
            return [UInt8](UnsafeBufferPointer(start: pointer, count: count))
        }
        var metadata = ImageMetadata(
            iccProfile: copied(decoded.icc, decoded.icc_size), iccProfileIsSynthesized: decoded.icc_synthesized != 0,
            exif: copied(decoded.exif, decoded.exif_size), xmp: copied(decoded.xmp, decoded.xmp_size),
            isGray: decoded.gray != 0)
        guard let tiff = metadata.exif, let orientation = ExifOrientation(tiff: tiff), orientation != .up else {
            return DecodedImage(image: image, warnings: warnings, metadata: metadata)
        }
        // The pixels are turned upright, so the orientation the EXIF keeps must say so.
        metadata.exif = ExifOrientation.resettingOrientation(in: tiff)
        return DecodedImage(image: orientation.apply(to: image), warnings: warnings, metadata: metadata)
    }
}

/// An image read by `ImageReader.decode` and the warnings raised while reading it.
public struct DecodedImage: Sendable, Equatable {
    /// The pixels, upright.
    public var image: RGBImage
    /// The library's warnings, one line each, in its own wording (e.g. `Invalid SOS parameters for sequential
    /// JPEG`); when more were raised than the reader keeps, the last line says how many were left out.
    public var warnings: [String]
    /// The colour profile, EXIF (orientation reset to 1), XMP and gray flag of the file.
    public var metadata: ImageMetadata

    /// An image, its warnings and metadata.
    public init(image: RGBImage, warnings: [String], metadata: ImageMetadata = .init()) {
        self.image = image
        self.warnings = warnings
        self.metadata = metadata
    }
}
