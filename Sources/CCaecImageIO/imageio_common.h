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

#endif
