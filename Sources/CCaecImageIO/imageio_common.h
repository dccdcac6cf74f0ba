// Helpers shared by the PNG and JPEG halves of the shim (private to CCaecImageIO).

#ifndef CCAEC_IMAGEIO_COMMON_H
#define CCAEC_IMAGEIO_COMMON_H

#include "CCaecImageIO.h"

/// Formats into a CAEC_IMAGEIO_MESSAGE_SIZE buffer, always NUL-terminated, truncating if needed.
void caec_imageio_set_message(char *message, const char *format, ...) __attribute__((format(printf, 2, 3)));

/// Counts a warning and keeps its text if fewer than CAEC_IMAGEIO_MAX_WARNINGS are kept already.
void caec_imageio_add_warning(caec_decoded_image *out, const char *text);

/// Whether a width x height image is within the options' limits (no overflow on hostile values).
int caec_imageio_admits(const caec_read_options *options, uint64_t width, uint64_t height);

/// Frees every buffer of a decoded image (pixels, EXIF, ICC, XMP) and clears the pointers.
void caec_imageio_free_decoded(caec_decoded_image *image);

/// Ends an encoder: on success `out` takes `buffer` (`size` bytes), otherwise the buffer is freed. Returns `status`.
int caec_imageio_hand_over(int status, uint8_t *buffer, size_t size, caec_encoded_data *out);

/// An ICC profile (v2, matrix/TRC, made with lcms2) equivalent to a PNG's gAMA and cHRM chunks: transfer curve
/// `linear = encoded^(1 / (gama / 100000))` (the sRGB curve when `gama` is 0, i.e. absent), primaries and white
/// point from `chrm` (white x, y, red x, y, green x, y, blue x, y, each times 100000) or sRGB's when NULL. NULL when
/// the values are unusable, or when they describe sRGB closely enough (gamma 1/2.2 within 1% and sRGB's
/// chromaticities within 0.01) that no profile is needed. For a gray image (`gray` nonzero), a gray profile with
/// that curve and white point. The buffer is malloc'd; `size` receives its length.
uint8_t *caec_icc_from_png_colorimetry(uint32_t gama, const uint32_t *chrm, int gray, size_t *size);

#endif
