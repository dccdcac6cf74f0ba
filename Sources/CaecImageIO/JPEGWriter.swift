import CCaecImageIO
import CaecCore

/// Encodes images as baseline JPEG/JFIF files in memory with libjpeg.
public enum JPEGWriter {
    /// The largest EXIF (TIFF structure) and XMP packet one APP1 segment holds beside its 6- and 29-byte prefixes.
    public static let maxEXIFBytes = 65_533 - 6
    public static let maxXMPBytes = 65_533 - 29

    /// The JPEG file for `image`.
    ///
    /// libjpeg's defaults otherwise (ISLOW DCT, standard quantisation tables scaled by `quality`), with
    /// optimised Huffman tables, so the result matches `cjpeg -quality Q -optimize` (plus `-sample 1x1` for
    /// 4:4:4).
    ///
    /// - Parameters:
    ///   - image: the pixels.
    ///   - quality: libjpeg quality, 1 (smallest) to 100.
    ///   - subsampling: chroma resolution; default `.yuv420`.
    ///   - metadata: written as APP1 EXIF, APP1 XMP and APP2 ICC_PROFILE segments; `isGray` writes one gray
    ///     component from the red channel.
    /// - Returns: the complete file.
    /// - Throws: `ImageIOError.encodingFailed` when libjpeg refuses (e.g. a side over 65500 pixels), or EXIF or
    ///   XMP over the 64 KiB of one APP1 segment.
    /// - Precondition: `quality` is in `1...100`.
    public static func encode(
        _ image: RGBImage, quality: Int, subsampling: ChromaSubsampling = .yuv420, metadata: ImageMetadata = .init()
    ) throws(ImageIOError) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEGWriter: quality must be in 1...100")
        guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
            throw .encodingFailed("image is \(image.width)x\(image.height), too large for JPEG")
        }
        let sampling =
            switch subsampling {
            case .yuv420: CAEC_JPEG_SUBSAMPLING_420
            case .yuv444: CAEC_JPEG_SUBSAMPLING_444
            }
        var encoded = caec_encoded_data()
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            metadata.withCMetadata { metadata in
                caec_jpeg_write(pixels.baseAddress, width, height, Int32(quality), sampling, metadata, &encoded)
            }
        }
        defer { caec_imageio_free(encoded.data) }
        if let error = ImageIOError(writeStatus: status, encoded: encoded) { throw error }
        guard let data = encoded.data else { throw .encodingFailed("encoder returned no data") }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }

    /// How `encodeCMYK` stores its four components (`caec_jpeg_cmyk_coding`).
    package enum CMYKCoding: Sendable {
        /// CMYK, no Adobe APP14 marker: readers take a sample of 0 as no ink.
        case plain
        /// CMYK with an Adobe APP14 marker (transform 0): readers take 0 as full ink, as Photoshop writes.
        case adobe
        /// YCCK (Adobe transform 2): CMY through libjpeg's YCC transform, K as given; read back as `adobe`.
        case ycck
    }

    /// A CMYK or YCCK JPEG of `samples` (C, M, Y, K per pixel, rows top to bottom), every component at full
    /// resolution, stored as given (pass 255 - ink for `.adobe` and `.ycck`), with `iccProfile` in APP2 segments.
    /// For tests and sample files: caec itself never writes CMYK.
    ///
    /// - Throws: `ImageIOError.encodingFailed` when libjpeg refuses.
    /// - Precondition: `samples.count == width * height * 4`, `quality` in `1...100`.
    package static func encodeCMYK(
        _ samples: [UInt8], width: Int, height: Int, quality: Int, coding: CMYKCoding, iccProfile: [UInt8]? = nil
    ) throws(ImageIOError) -> [UInt8] {
        precondition(samples.count == width * height * 4, "JPEGWriter.encodeCMYK: 4 samples per pixel")
        precondition((1...100).contains(quality), "JPEGWriter.encodeCMYK: quality must be in 1...100")
        guard let cWidth = UInt32(exactly: width), let cHeight = UInt32(exactly: height) else {
            throw .encodingFailed("image is \(width)x\(height), too large for JPEG")
        }
        let cCoding =
            switch coding {
            case .plain: CAEC_JPEG_CMYK_PLAIN
            case .adobe: CAEC_JPEG_CMYK_ADOBE
            case .ycck: CAEC_JPEG_YCCK_ADOBE
            }
        var encoded = caec_encoded_data()
        let profile = iccProfile ?? []
        let status = samples.withUnsafeBufferPointer { samples in
            profile.withUnsafeBufferPointer { profile in
                caec_jpeg_write_cmyk(
                    samples.baseAddress, cWidth, cHeight, Int32(quality), cCoding, profile.baseAddress, profile.count,
                    &encoded)
            }
        }
        defer { caec_imageio_free(encoded.data) }
        if let error = ImageIOError(writeStatus: status, encoded: encoded) { throw error }
        guard let data = encoded.data else { throw .encodingFailed("encoder returned no data") }
        return [UInt8](UnsafeBufferPointer(start: data, count: encoded.size))
    }
}
