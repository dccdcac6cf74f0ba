// CCaecImageIO: the only place where caec calls libpng and libjpeg.
//
// Every setjmp/longjmp and every library callback stays inside this C target: each function sets up its own
// jump buffer, has a single cleanup path, and reports the outcome as a `caec_imageio_status` plus a
// human-readable message in a fixed buffer. Swift never sees a jmp_buf and no longjmp crosses a Swift frame.
//
// Buffers handed back to the caller (`pixels`, `exif`, `data`) are allocated with malloc and must be released
// with `caec_imageio_free`.

#ifndef CCAEC_IMAGEIO_H
#define CCAEC_IMAGEIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of every caec_* image function.
typedef enum caec_imageio_status {
    CAEC_IMAGEIO_OK = 0,
    /// The data ended before the image did (message says where).
    CAEC_IMAGEIO_TRUNCATED = 1,
    /// The data is malformed: bad CRC, bad Huffman code, bad zlib stream, library warning when not lenient...
    CAEC_IMAGEIO_CORRUPT = 2,
    /// The declared size is over the caller's limits; `width` and `height` hold the declared size.
    CAEC_IMAGEIO_TOO_LARGE = 3,
    /// A colour space caec does not convert to RGB (a JPEG of 2 components); the message names it.
    CAEC_IMAGEIO_UNSUPPORTED_COLOR_SPACE = 4,
    /// malloc failed.
    CAEC_IMAGEIO_OUT_OF_MEMORY = 5,
    /// Writing failed inside libpng or libjpeg.
    CAEC_IMAGEIO_ENCODING_FAILED = 6,
    /// A coding process the library does not decode (12-bit, lossless, hierarchical JPEG); the message names it.
    CAEC_IMAGEIO_UNSUPPORTED_PROCESS = 7,
} caec_imageio_status;

/// Size of every message buffer, terminating NUL included.
#define CAEC_IMAGEIO_MESSAGE_SIZE 256

/// Most warning texts a decoded image keeps (`warning_count` counts them all).
#define CAEC_IMAGEIO_MAX_WARNINGS 8

/// What a reader accepts and how it flattens alpha.
typedef struct caec_read_options {
    /// Largest accepted width, height and width * height.
    uint64_t max_width;
    uint64_t max_height;
    uint64_t max_pixels;
    /// Colour that transparent pixels are composited over, in sRGB (no linearisation).
    uint8_t background_r;
    uint8_t background_g;
    uint8_t background_b;
    /// Nonzero: warnings that mean damaged data (truncated or corrupt entropy data, PNG benign errors) do not
    /// fail the read; the image the library reconstructed is returned and the warnings are listed.
    int lenient;
} caec_read_options;

/// A decoded image: 8-bit RGB, interleaved, rows top to bottom, no padding.
typedef struct caec_decoded_image {
    /// `width * height * 3` bytes on success, NULL otherwise. Free with caec_imageio_free.
    uint8_t *pixels;
    /// Size as declared by the header (also filled for CAEC_IMAGEIO_TOO_LARGE).
    uint64_t width;
    uint64_t height;
    /// The EXIF TIFF structure: a JPEG's first APP1 "Exif" segment (after "Exif\0\0") or a PNG's eXIf chunk
    /// (CRC checked), or NULL.
    uint8_t *exif;
    size_t exif_size;
    /// The embedded ICC profile: a PNG's iCCP chunk (decompressed) or a JPEG's APP2 ICC_PROFILE segments
    /// (reassembled; never for a CMYK JPEG, whose pixels are converted to sRGB), or NULL. For a PNG without iCCP and sRGB chunks whose gAMA or cHRM chunk says it is not sRGB,
    /// an equivalent matrix/TRC profile made with lcms2 from those chunks (`icc_synthesized` is then nonzero).
    uint8_t *icc;
    size_t icc_size;
    int icc_synthesized;
    /// The XMP packet: a PNG's iTXt chunk with keyword "XML:com.adobe.xmp" (inflated if compressed) or a JPEG's
    /// APP1 segment after "http://ns.adobe.com/xap/1.0/\0", or NULL.
    uint8_t *xmp;
    size_t xmp_size;
    /// Nonzero when the source is grayscale (PNG colour types 0 and 4, a one-component JPEG); the pixels are
    /// still RGB with three equal channels.
    int gray;
    /// Warnings reported by the library while decoding: benign ones (e.g. a baseline JPEG's invalid SOS
    /// parameters) always, damaged-data ones only when lenient (otherwise they fail the read).
    uint32_t warning_count;
    /// The texts of the first CAEC_IMAGEIO_MAX_WARNINGS warnings, each NUL-terminated.
    char warnings[CAEC_IMAGEIO_MAX_WARNINGS][CAEC_IMAGEIO_MESSAGE_SIZE];
    /// On CAEC_IMAGEIO_TRUNCATED or CAEC_IMAGEIO_CORRUPT of a strict read: nonzero when a lenient read of the same
    /// bytes returns an image (the damage is recoverable).
    int recoverable;
    /// Why the call failed; NUL-terminated.
    char message[CAEC_IMAGEIO_MESSAGE_SIZE];
} caec_decoded_image;

/// An encoded file in memory.
typedef struct caec_encoded_data {
    /// Free with caec_imageio_free.
    uint8_t *data;
    size_t size;
    char message[CAEC_IMAGEIO_MESSAGE_SIZE];
} caec_encoded_data;

/// JPEG chroma subsampling for caec_jpeg_write.
typedef enum caec_jpeg_subsampling {
    CAEC_JPEG_SUBSAMPLING_420 = 0,
    CAEC_JPEG_SUBSAMPLING_444 = 1,
} caec_jpeg_subsampling;

/// Decodes a PNG held in memory to 8-bit RGB.
///
/// Any bit depth and colour type, Adam7 included. 16-bit samples are scaled to 8 bits with rounding; alpha
/// (and tRNS) is composited over the background as `(c * a + bg * (255 - a) + 127) / 255`. The size is checked
/// against the limits right after IHDR, before any pixel buffer exists. Text, ICC and other ancillary chunks are
/// skipped without being decompressed or allocated, whatever their size (a chunk only has to fit in the file).
/// The first eXIf chunk is copied to `exif`. A strict read that fails on damage libpng can recover from is retried
/// leniently to fill `recoverable`.
int caec_png_read(const uint8_t *bytes, size_t size, const caec_read_options *options, caec_decoded_image *out);

/// Decodes a baseline or progressive JPEG held in memory to 8-bit RGB with libjpeg's default settings
/// (ISLOW DCT, fancy upsampling), so the pixels equal `djpeg -pnm` output. Grayscale is expanded to RGB. CMYK and
/// YCCK (Adobe transform 2) are decoded to CMYK by libjpeg, inverted when the file has an Adobe APP14 marker (as
/// Photoshop writes them), then converted to sRGB with the embedded CMYK ICC profile through lcms2 (perceptual
/// intent), or without one as R = (1 - C)(1 - K), G = (1 - M)(1 - K), B = (1 - Y)(1 - K) with a warning in
/// `warnings`; `icc` is then NULL (the pixels are sRGB). Other component counts are refused
/// (CAEC_IMAGEIO_UNSUPPORTED_COLOR_SPACE), as are processes libjpeg does not decode
/// (CAEC_IMAGEIO_UNSUPPORTED_PROCESS).
/// Warnings that mean damaged data (premature end of file or of a data segment, bad entropy codes, extraneous
/// bytes, inconsistent progression) are errors unless `options->lenient`; other warnings (invalid SOS parameters
/// of a sequential file, unknown JFIF revision or Adobe transform) are only listed.
int caec_jpeg_read(const uint8_t *bytes, size_t size, const caec_read_options *options, caec_decoded_image *out);

/// What a writer stores beside the pixels; every pointer may be NULL (with size 0).
typedef struct caec_write_metadata {
    /// An ICC profile: PNG iCCP (compressed by libpng), JPEG APP2 ICC_PROFILE segments.
    const uint8_t *icc;
    size_t icc_size;
    /// An EXIF TIFF structure (without "Exif\0\0"): PNG eXIf, JPEG APP1 "Exif\0\0" (at most 65,527 bytes).
    const uint8_t *exif;
    size_t exif_size;
    /// An XMP packet: PNG iTXt "XML:com.adobe.xmp" (uncompressed), JPEG APP1 (at most 65,504 bytes).
    const uint8_t *xmp;
    size_t xmp_size;
    /// Nonzero: write a grayscale file (PNG colour type 0, one-component JPEG) from the red channel.
    int gray;
} caec_write_metadata;

/// Encodes 8-bit RGB pixels (`width * height * 3` bytes) as an 8-bit RGB (or gray) PNG, zlib level 0...9, with
/// the metadata (NULL: none).
int caec_png_write(const uint8_t *pixels, uint32_t width, uint32_t height, int compression_level,
                   const caec_write_metadata *metadata, caec_encoded_data *out);

/// Encodes 8-bit RGB pixels as a baseline JPEG, quality 1...100, optimised Huffman tables, with the metadata
/// (NULL: none). EXIF or XMP too large for one APP1 segment fails with CAEC_IMAGEIO_ENCODING_FAILED.
int caec_jpeg_write(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                    caec_jpeg_subsampling subsampling, const caec_write_metadata *metadata,
                    caec_encoded_data *out);

/// How caec_jpeg_write_cmyk stores its four components.
typedef enum caec_jpeg_cmyk_coding {
    /// CMYK samples as given, no Adobe APP14 marker (readers take 0 as no ink).
    CAEC_JPEG_CMYK_PLAIN = 0,
    /// CMYK samples as given, Adobe APP14 marker with transform 0 (readers take 0 as full ink, Photoshop's way).
    CAEC_JPEG_CMYK_ADOBE = 1,
    /// YCCK: the CMY samples through libjpeg's YCC transform, K as given, Adobe APP14 marker with transform 2.
    CAEC_JPEG_YCCK_ADOBE = 2,
} caec_jpeg_cmyk_coding;

/// Encodes 4-component samples (`width * height * 4` bytes, C, M, Y, K per pixel) as a baseline CMYK or YCCK JPEG,
/// every component at full resolution, quality 1...100, with an ICC profile (NULL: none). The samples are stored as
/// they are: a caller writing an Adobe file passes inverted samples (255 - ink). For tests and sample files.
int caec_jpeg_write_cmyk(const uint8_t *samples, uint32_t width, uint32_t height, int quality,
                         caec_jpeg_cmyk_coding coding, const uint8_t *icc, size_t icc_size, caec_encoded_data *out);

/// Releases a buffer returned by one of the functions above (NULL is fine).
void caec_imageio_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
