// CCaecWebP: the only place where caec calls libwebp (the second baseline of `caec compare`).
//
// Each function reports its outcome as a `caec_webp_status` and, on failure, a message in a fixed buffer.
// Buffers handed back (`data`, `pixels`) are allocated by libwebp and must be released with `caec_webp_free`.

#ifndef CCAEC_WEBP_H
#define CCAEC_WEBP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of every caec_webp_* function.
typedef enum caec_webp_status {
    CAEC_WEBP_OK = 0,
    /// The arguments are out of range (quality, size over WEBP_MAX_DIMENSION).
    CAEC_WEBP_INVALID_ARGUMENT = 1,
    /// libwebp failed to encode; the message holds its error code.
    CAEC_WEBP_ENCODING_FAILED = 2,
    /// The data is not a WebP file libwebp can decode.
    CAEC_WEBP_CORRUPT = 3,
    /// The declared size is over `max_pixels`.
    CAEC_WEBP_TOO_LARGE = 4,
    /// Allocation failed.
    CAEC_WEBP_OUT_OF_MEMORY = 5,
} caec_webp_status;

/// Size of every message buffer, terminating NUL included.
#define CAEC_WEBP_MESSAGE_SIZE 256

/// Encoded bytes (free `data` with caec_webp_free) and the failure message.
typedef struct caec_webp_encoded {
    uint8_t *data;
    size_t size;
    char message[CAEC_WEBP_MESSAGE_SIZE];
} caec_webp_encoded;

/// Decoded 8-bit RGB pixels, interleaved, no padding (free `pixels` with caec_webp_free).
typedef struct caec_webp_decoded {
    uint8_t *pixels;
    int width;
    int height;
    char message[CAEC_WEBP_MESSAGE_SIZE];
} caec_webp_decoded;

/// Lossy WebP of `width` x `height` interleaved RGB pixels at `quality` (0-100) with compression `method` (0-6),
/// libwebp's default preset otherwise (as Pillow's `save(format="WEBP", quality=Q, method=M)`).
caec_webp_status caec_webp_encode_rgb(
    const uint8_t *rgb, int width, int height, float quality, int method, caec_webp_encoded *out);

/// Decodes a WebP file to RGB, refusing images with more than `max_pixels` pixels before allocating.
caec_webp_status caec_webp_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_webp_decoded *out);

/// libwebp's encoder and decoder versions ("1.2.4"; both named when they differ), in `out`.
void caec_webp_version(char out[CAEC_WEBP_MESSAGE_SIZE]);

/// Releases a buffer returned by this module (NULL is fine).
void caec_webp_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
