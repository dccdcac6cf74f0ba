#include "CCaecWebP.h"

#include <stdio.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/encode.h>

static void set_message(char *buffer, const char *text) {
    snprintf(buffer, CAEC_WEBP_MESSAGE_SIZE, "%s", text);
}

caec_webp_status caec_webp_encode_rgb(
    const uint8_t *rgb, int width, int height, float quality, int method, caec_webp_encoded *out) {
    out->data = NULL;
    out->size = 0;
    out->message[0] = 0;
    if (width < 1 || height < 1 || width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION) {
        snprintf(out->message, CAEC_WEBP_MESSAGE_SIZE, "image is %dx%d; WebP allows 1 to %d pixels a side",
                 width, height, WEBP_MAX_DIMENSION);
        return CAEC_WEBP_INVALID_ARGUMENT;
    }
    if (!(quality >= 0.0f && quality <= 100.0f) || method < 0 || method > 6) {
        set_message(out->message, "quality must be in 0...100 and method in 0...6");
        return CAEC_WEBP_INVALID_ARGUMENT;
    }
    WebPConfig config;
    WebPPicture picture;
    WebPMemoryWriter writer;
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, quality) || !WebPPictureInit(&picture)) {
        set_message(out->message, "libwebp version mismatch");
        return CAEC_WEBP_ENCODING_FAILED;
    }
    config.lossless = 0;
    config.method = method;
    if (!WebPValidateConfig(&config)) {
        set_message(out->message, "invalid WebP configuration");
        return CAEC_WEBP_INVALID_ARGUMENT;
    }
    picture.use_argb = 0;
    picture.width = width;
    picture.height = height;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    caec_webp_status status = CAEC_WEBP_OK;
    if (!WebPPictureImportRGB(&picture, rgb, width * 3)) {
        set_message(out->message, "out of memory importing pixels");
        status = CAEC_WEBP_OUT_OF_MEMORY;
    } else if (!WebPEncode(&config, &picture)) {
        snprintf(out->message, CAEC_WEBP_MESSAGE_SIZE, "libwebp encoding error %d", (int)picture.error_code);
        status = picture.error_code == VP8_ENC_ERROR_OUT_OF_MEMORY ? CAEC_WEBP_OUT_OF_MEMORY
                                                                   : CAEC_WEBP_ENCODING_FAILED;
    }
    WebPPictureFree(&picture);
    if (status != CAEC_WEBP_OK) {
        WebPMemoryWriterClear(&writer);
        return status;
    }
    out->data = writer.mem;  // released by caec_webp_free (WebPFree)
    out->size = writer.size;
    return CAEC_WEBP_OK;
}

caec_webp_status caec_webp_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_webp_decoded *out) {
    out->pixels = NULL;
    out->width = 0;
    out->height = 0;
    out->message[0] = 0;
    int width = 0, height = 0;
    if (!WebPGetInfo(data, size, &width, &height)) {
        set_message(out->message, "not a WebP file, or its header is corrupt");
        return CAEC_WEBP_CORRUPT;
    }
    out->width = width;
    out->height = height;
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        snprintf(out->message, CAEC_WEBP_MESSAGE_SIZE, "image is %dx%d, over the limit of %llu pixels", width,
                 height, (unsigned long long)max_pixels);
        return CAEC_WEBP_TOO_LARGE;
    }
    out->pixels = WebPDecodeRGB(data, size, &width, &height);
    if (out->pixels == NULL) {
        set_message(out->message, "WebP data is corrupt or truncated");
        return CAEC_WEBP_CORRUPT;
    }
    return CAEC_WEBP_OK;
}

void caec_webp_version(char out[CAEC_WEBP_MESSAGE_SIZE]) {
    int encoder = WebPGetEncoderVersion(), decoder = WebPGetDecoderVersion();
    if (encoder == decoder) {
        snprintf(out, CAEC_WEBP_MESSAGE_SIZE, "%d.%d.%d", encoder >> 16, (encoder >> 8) & 0xff, encoder & 0xff);
    } else {
        snprintf(out, CAEC_WEBP_MESSAGE_SIZE, "encoder %d.%d.%d, decoder %d.%d.%d", encoder >> 16,
                 (encoder >> 8) & 0xff, encoder & 0xff, decoder >> 16, (decoder >> 8) & 0xff, decoder & 0xff);
    }
}

void caec_webp_free(void *pointer) {
    if (pointer != NULL) WebPFree(pointer);
}
