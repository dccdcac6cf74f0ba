#include "imageio_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void caec_imageio_set_message(char *message, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, CAEC_IMAGEIO_MESSAGE_SIZE, format, arguments);
    va_end(arguments);
}

void caec_imageio_add_warning(caec_decoded_image *out, const char *text) {
    if (out->warning_count < CAEC_IMAGEIO_MAX_WARNINGS) {
        caec_imageio_set_message(out->warnings[out->warning_count], "%s", text);
    }
    if (out->warning_count < UINT32_MAX) out->warning_count++;
}

int caec_imageio_admits(const caec_read_options *options, uint64_t width, uint64_t height) {
    if (width == 0 || height == 0) return 0;
    if (width > options->max_width || height > options->max_height) return 0;
    // Both factors fit in 32 bits whenever the limits are sane; guard the product anyway.
    if (width > UINT32_MAX || height > UINT32_MAX) return 0;
    return width * height <= options->max_pixels;
}

void caec_imageio_free(void *pointer) { free(pointer); }

void caec_imageio_free_decoded(caec_decoded_image *image) {
    free(image->pixels);
    free(image->exif);
    free(image->icc);
    free(image->xmp);
    image->pixels = image->exif = image->icc = image->xmp = NULL;
    image->exif_size = image->icc_size = image->xmp_size = 0;
}

int caec_imageio_hand_over(int status, uint8_t *buffer, size_t size, caec_encoded_data *out) {
    if (status == CAEC_IMAGEIO_OK) {
        out->data = buffer;
        out->size = size;
    } else {
        free(buffer);
    }
    return status;
}
