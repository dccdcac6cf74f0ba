// CCaecAVIF: the only place where caec calls libavif (a baseline of `caec compare`).
//
// Each function reports its outcome as a `caec_avif_status` and, on failure, a message in a fixed buffer.
// Buffers handed back (`data`, `pixels`) must be released with `caec_avif_free`.

#ifndef CCAEC_AVIF_H
#define CCAEC_AVIF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of every caec_avif_* function.
typedef enum caec_avif_status {
    CAEC_AVIF_OK = 0,
    /// The arguments are out of range (quantizer, speed, size).
    CAEC_AVIF_INVALID_ARGUMENT = 1,
    /// libavif (or its AV1 encoder) failed to encode; the message holds libavif's result.
    CAEC_AVIF_ENCODING_FAILED = 2,
    /// The data is not an AVIF file libavif can decode.
    CAEC_AVIF_CORRUPT = 3,
    /// The declared size is over `max_pixels`.
    CAEC_AVIF_TOO_LARGE = 4,
    /// Allocation failed.
    CAEC_AVIF_OUT_OF_MEMORY = 5,
} caec_avif_status;

/// Size of every message buffer, terminating NUL included.
#define CAEC_AVIF_MESSAGE_SIZE 256

/// Encoded bytes (free `data` with caec_avif_free) and the failure message.
typedef struct caec_avif_encoded {
    uint8_t *data;
    size_t size;
    char message[CAEC_AVIF_MESSAGE_SIZE];
} caec_avif_encoded;

/// Decoded 8-bit RGB pixels, interleaved, no padding (free `pixels` with caec_avif_free).
typedef struct caec_avif_decoded {
    uint8_t *pixels;
    int width;
    int height;
    char message[CAEC_AVIF_MESSAGE_SIZE];
} caec_avif_decoded;

/// An 8-bit AVIF of `width` x `height` interleaved sRGB pixels, encoded by libaom.
///
/// `quantizer` (0 best ... 63 worst) is both the minimum and the maximum quantizer, as
/// `avifenc --min Q --max Q`; `speed` is 0 (slowest) ... 10; `yuv444` nonzero keeps full-resolution chroma, zero
/// subsamples it to 4:2:0 (libavif's averaging filter). Full range, BT.601 matrix, sRGB primaries and transfer
/// (CICP 1/13/6), one thread, as `avifenc -c aom -s SPEED -y 420 -j 1` writes for a PNG without colour chunks.
caec_avif_status caec_avif_encode_rgb(
    const uint8_t *rgb, int width, int height, int quantizer, int speed, int yuv444, caec_avif_encoded *out);

/// Decodes an AVIF file to 8-bit RGB (libavif's default chroma upsampling), refusing images with more than
/// `max_pixels` pixels before decoding.
caec_avif_status caec_avif_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_avif_decoded *out);

/// libavif's version and its codecs' ("1.0.0 (aom [enc/dec]:3.6.0, dav1d [dec]:1.0.0)"), in `out`.
void caec_avif_version(char out[CAEC_AVIF_MESSAGE_SIZE]);

/// Nonzero when libavif was built with the libaom encoder.
int caec_avif_has_aom_encoder(void);

/// Releases a buffer returned by this module (NULL is fine).
void caec_avif_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
