// CCaecJXL: the only place where caec calls libjxl (a baseline of `caec compare`).
//
// Each function reports its outcome as a `caec_jxl_status` and, on failure, a message in a fixed buffer.
// Buffers handed back (`data`, `pixels`) must be released with `caec_jxl_free`.

#ifndef CCAEC_JXL_H
#define CCAEC_JXL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of every caec_jxl_* function.
typedef enum caec_jxl_status {
    CAEC_JXL_OK = 0,
    /// The arguments are out of range (distance, effort, size).
    CAEC_JXL_INVALID_ARGUMENT = 1,
    /// libjxl failed to encode; the message says at which step.
    CAEC_JXL_ENCODING_FAILED = 2,
    /// The data is not a JPEG XL file libjxl can decode, or it is truncated.
    CAEC_JXL_CORRUPT = 3,
    /// The declared size is over `max_pixels`.
    CAEC_JXL_TOO_LARGE = 4,
    /// Allocation failed.
    CAEC_JXL_OUT_OF_MEMORY = 5,
} caec_jxl_status;

/// Size of every message buffer, terminating NUL included.
#define CAEC_JXL_MESSAGE_SIZE 256

/// Encoded bytes (free `data` with caec_jxl_free) and the failure message.
typedef struct caec_jxl_encoded {
    uint8_t *data;
    size_t size;
    char message[CAEC_JXL_MESSAGE_SIZE];
} caec_jxl_encoded;

/// Decoded 8-bit RGB pixels, interleaved, no padding (free `pixels` with caec_jxl_free).
typedef struct caec_jxl_decoded {
    uint8_t *pixels;
    int width;
    int height;
    char message[CAEC_JXL_MESSAGE_SIZE];
} caec_jxl_decoded;

/// A lossy JPEG XL codestream (VarDCT, XYB) of `width` x `height` interleaved 8-bit sRGB pixels at butteraugli
/// `distance` (0.1 ... 25; lower is better) and `effort` (1 ... 9), single-threaded, no container: what
/// `cjxl -d DISTANCE -e EFFORT` writes for a PNG without colour chunks.
caec_jxl_status caec_jxl_encode_rgb(
    const uint8_t *rgb, int width, int height, float distance, int effort, caec_jxl_encoded *out);

/// Decodes a JPEG XL file to 8-bit sRGB, refusing images with more than `max_pixels` pixels before allocating.
caec_jxl_status caec_jxl_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_jxl_decoded *out);

/// libjxl's version ("0.7.0"), in `out`.
void caec_jxl_version(char out[CAEC_JXL_MESSAGE_SIZE]);

/// Releases a buffer returned by this module (NULL is fine).
void caec_jxl_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
