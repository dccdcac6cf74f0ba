#include "CCaecAVIF.h"

#include <avif/avif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_message(char *buffer, const char *text) {
    snprintf(buffer, CAEC_AVIF_MESSAGE_SIZE, "%s", text);
}

caec_avif_status caec_avif_encode_rgb(
    const uint8_t *rgb, int width, int height, int quantizer, int speed, int yuv444, caec_avif_encoded *out) {
    out->data = NULL;
    out->size = 0;
    out->message[0] = 0;
    if (width < 1 || height < 1 || width > 65536 || height > 65536) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "image is %dx%d; caec encodes AVIF up to 65536 a side",
                 width, height);
        return CAEC_AVIF_INVALID_ARGUMENT;
    }
    if (quantizer < AVIF_QUANTIZER_BEST_QUALITY || quantizer > AVIF_QUANTIZER_WORST_QUALITY ||
        speed < AVIF_SPEED_SLOWEST || speed > AVIF_SPEED_FASTEST) {
        set_message(out->message, "quantizer must be in 0...63 and speed in 0...10");
        return CAEC_AVIF_INVALID_ARGUMENT;
    }
    avifImage *image = avifImageCreate((uint32_t)width, (uint32_t)height, 8,
                                       yuv444 ? AVIF_PIXEL_FORMAT_YUV444 : AVIF_PIXEL_FORMAT_YUV420);
    avifEncoder *encoder = avifEncoderCreate();
    avifRWData output = AVIF_DATA_EMPTY;
    caec_avif_status status = CAEC_AVIF_OK;
    if (image == NULL || encoder == NULL) {
        set_message(out->message, "out of memory creating the AVIF encoder");
        status = CAEC_AVIF_OUT_OF_MEMORY;
        goto cleanup;
    }
    image->yuvRange = AVIF_RANGE_FULL;
    image->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
    image->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
    image->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;

    avifRGBImage source;
    avifRGBImageSetDefaults(&source, image);
    source.format = AVIF_RGB_FORMAT_RGB;
    source.depth = 8;
    source.pixels = (uint8_t *)rgb;  // read only: avifImageRGBToYUV does not write the RGB side
    source.rowBytes = (uint32_t)width * 3;
    avifResult result = avifImageRGBToYUV(image, &source);
    if (result != AVIF_RESULT_OK) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "RGB to YUV conversion failed: %s",
                 avifResultToString(result));
        status = result == AVIF_RESULT_OUT_OF_MEMORY ? CAEC_AVIF_OUT_OF_MEMORY : CAEC_AVIF_ENCODING_FAILED;
        goto cleanup;
    }
    encoder->codecChoice = AVIF_CODEC_CHOICE_AOM;
    encoder->maxThreads = 1;
    encoder->speed = speed;
    encoder->minQuantizer = quantizer;
    encoder->maxQuantizer = quantizer;
    result = avifEncoderWrite(encoder, image, &output);
    if (result != AVIF_RESULT_OK) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "libavif: %s%s%s", avifResultToString(result),
                 encoder->diag.error[0] ? ": " : "", encoder->diag.error);
        status = result == AVIF_RESULT_OUT_OF_MEMORY ? CAEC_AVIF_OUT_OF_MEMORY : CAEC_AVIF_ENCODING_FAILED;
        goto cleanup;
    }
    out->data = malloc(output.size > 0 ? output.size : 1);
    if (out->data == NULL) {
        set_message(out->message, "out of memory copying the AVIF file");
        status = CAEC_AVIF_OUT_OF_MEMORY;
        goto cleanup;
    }
    memcpy(out->data, output.data, output.size);
    out->size = output.size;

cleanup:
    avifRWDataFree(&output);
    if (encoder != NULL) avifEncoderDestroy(encoder);
    if (image != NULL) avifImageDestroy(image);
    return status;
}

caec_avif_status caec_avif_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_avif_decoded *out) {
    out->pixels = NULL;
    out->width = 0;
    out->height = 0;
    out->message[0] = 0;
    avifDecoder *decoder = avifDecoderCreate();
    avifImage *image = avifImageCreateEmpty();
    avifRGBImage rgb;
    memset(&rgb, 0, sizeof rgb);
    caec_avif_status status = CAEC_AVIF_OK;
    if (decoder == NULL || image == NULL) {
        set_message(out->message, "out of memory creating the AVIF decoder");
        status = CAEC_AVIF_OUT_OF_MEMORY;
        goto cleanup;
    }
    decoder->maxThreads = 1;
    decoder->ignoreExif = AVIF_TRUE;
    decoder->ignoreXMP = AVIF_TRUE;
    if (max_pixels < decoder->imageSizeLimit) decoder->imageSizeLimit = max_pixels > 0 ? (uint32_t)max_pixels : 1;
    avifResult result = avifDecoderReadMemory(decoder, image, data, size);
    if (result != AVIF_RESULT_OK) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "libavif: %s%s%s", avifResultToString(result),
                 decoder->diag.error[0] ? ": " : "", decoder->diag.error);
        status = result == AVIF_RESULT_OUT_OF_MEMORY ? CAEC_AVIF_OUT_OF_MEMORY : CAEC_AVIF_CORRUPT;
        goto cleanup;
    }
    out->width = (int)image->width;
    out->height = (int)image->height;
    if ((uint64_t)image->width * (uint64_t)image->height > max_pixels) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "image is %ux%u, over the limit of %llu pixels",
                 image->width, image->height, (unsigned long long)max_pixels);
        status = CAEC_AVIF_TOO_LARGE;
        goto cleanup;
    }
    avifRGBImageSetDefaults(&rgb, image);
    rgb.format = AVIF_RGB_FORMAT_RGB;
    rgb.depth = 8;
    avifRGBImageAllocatePixels(&rgb);
    if (rgb.pixels == NULL) {
        set_message(out->message, "out of memory for the decoded pixels");
        status = CAEC_AVIF_OUT_OF_MEMORY;
        goto cleanup;
    }
    result = avifImageYUVToRGB(image, &rgb);
    if (result != AVIF_RESULT_OK) {
        snprintf(out->message, CAEC_AVIF_MESSAGE_SIZE, "YUV to RGB conversion failed: %s",
                 avifResultToString(result));
        status = CAEC_AVIF_CORRUPT;
        goto cleanup;
    }
    size_t row = (size_t)image->width * 3;
    out->pixels = malloc(row * image->height);
    if (out->pixels == NULL) {
        set_message(out->message, "out of memory for the decoded pixels");
        status = CAEC_AVIF_OUT_OF_MEMORY;
        goto cleanup;
    }
    for (uint32_t y = 0; y < image->height; y++) {
        memcpy(out->pixels + y * row, rgb.pixels + (size_t)y * rgb.rowBytes, row);
    }

cleanup:
    avifRGBImageFreePixels(&rgb);
    if (image != NULL) avifImageDestroy(image);
    if (decoder != NULL) avifDecoderDestroy(decoder);
    return status;
}

void caec_avif_version(char out[CAEC_AVIF_MESSAGE_SIZE]) {
    char codecs[256];
    avifCodecVersions(codecs);
    snprintf(out, CAEC_AVIF_MESSAGE_SIZE, "%s (%s)", avifVersion(), codecs);
}

int caec_avif_has_aom_encoder(void) {
    return avifCodecName(AVIF_CODEC_CHOICE_AOM, AVIF_CODEC_FLAG_CAN_ENCODE) != NULL;
}

void caec_avif_free(void *pointer) {
    free(pointer);
}
