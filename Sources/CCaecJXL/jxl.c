#include "CCaecJXL.h"

#include <jxl/decode.h>
#include <jxl/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_message(char *buffer, const char *text) {
    snprintf(buffer, CAEC_JXL_MESSAGE_SIZE, "%s", text);
}

caec_jxl_status caec_jxl_encode_rgb(
    const uint8_t *rgb, int width, int height, float distance, int effort, caec_jxl_encoded *out) {
    out->data = NULL;
    out->size = 0;
    out->message[0] = 0;
    if (width < 1 || height < 1 || width > (1 << 18) || height > (1 << 18)) {
        snprintf(out->message, CAEC_JXL_MESSAGE_SIZE, "image is %dx%d; caec encodes JPEG XL up to %d a side",
                 width, height, 1 << 18);
        return CAEC_JXL_INVALID_ARGUMENT;
    }
    if (!(distance >= 0.1f && distance <= 25.0f) || effort < 1 || effort > 9) {
        set_message(out->message, "distance must be in 0.1...25 and effort in 1...9");
        return CAEC_JXL_INVALID_ARGUMENT;
    }
    JxlEncoder *encoder = JxlEncoderCreate(NULL);
    uint8_t *buffer = NULL;
    caec_jxl_status status = CAEC_JXL_OK;
    if (encoder == NULL) {
        set_message(out->message, "out of memory creating the JPEG XL encoder");
        return CAEC_JXL_OUT_OF_MEMORY;
    }
    JxlBasicInfo info;
    JxlEncoderInitBasicInfo(&info);
    info.xsize = (uint32_t)width;
    info.ysize = (uint32_t)height;
    info.bits_per_sample = 8;
    info.num_color_channels = 3;
    info.uses_original_profile = JXL_FALSE;  // lossy: XYB
    JxlColorEncoding color;
    JxlColorEncodingSetToSRGB(&color, JXL_FALSE);
    JxlPixelFormat format = {3, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
    JxlEncoderFrameSettings *settings = NULL;
    const char *step = NULL;
    if (JxlEncoderSetBasicInfo(encoder, &info) != JXL_ENC_SUCCESS) {
        step = "setting the basic info";
    } else if (JxlEncoderSetColorEncoding(encoder, &color) != JXL_ENC_SUCCESS) {
        step = "setting the colour encoding";
    } else if ((settings = JxlEncoderFrameSettingsCreate(encoder, NULL)) == NULL) {
        step = "creating the frame settings";
    } else if (JxlEncoderSetFrameDistance(settings, distance) != JXL_ENC_SUCCESS) {
        step = "setting the distance";
    } else if (JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, effort) != JXL_ENC_SUCCESS) {
        step = "setting the effort";
    } else if (JxlEncoderAddImageFrame(settings, &format, rgb, (size_t)width * (size_t)height * 3) !=
               JXL_ENC_SUCCESS) {
        step = "adding the frame";
    }
    if (step != NULL) {
        snprintf(out->message, CAEC_JXL_MESSAGE_SIZE, "libjxl failed %s (error %d)", step,
                 (int)JxlEncoderGetError(encoder));
        status = CAEC_JXL_ENCODING_FAILED;
        goto cleanup;
    }
    JxlEncoderCloseInput(encoder);
    size_t capacity = 4096 + (size_t)width * (size_t)height / 4;
    buffer = malloc(capacity);
    if (buffer == NULL) {
        set_message(out->message, "out of memory for the JPEG XL file");
        status = CAEC_JXL_OUT_OF_MEMORY;
        goto cleanup;
    }
    uint8_t *next = buffer;
    size_t available = capacity;
    JxlEncoderStatus result;
    while ((result = JxlEncoderProcessOutput(encoder, &next, &available)) == JXL_ENC_NEED_MORE_OUTPUT) {
        size_t used = (size_t)(next - buffer);
        uint8_t *grown = realloc(buffer, capacity * 2);
        if (grown == NULL) {
            set_message(out->message, "out of memory for the JPEG XL file");
            status = CAEC_JXL_OUT_OF_MEMORY;
            goto cleanup;
        }
        buffer = grown;
        capacity *= 2;
        next = buffer + used;
        available = capacity - used;
    }
    if (result != JXL_ENC_SUCCESS) {
        snprintf(out->message, CAEC_JXL_MESSAGE_SIZE, "libjxl encoding error %d", (int)JxlEncoderGetError(encoder));
        status = CAEC_JXL_ENCODING_FAILED;
        goto cleanup;
    }
    out->data = buffer;
    out->size = (size_t)(next - buffer);
    buffer = NULL;

cleanup:
    free(buffer);
    JxlEncoderDestroy(encoder);
    return status;
}

caec_jxl_status caec_jxl_decode_rgb(
    const uint8_t *data, size_t size, uint64_t max_pixels, caec_jxl_decoded *out) {
    out->pixels = NULL;
    out->width = 0;
    out->height = 0;
    out->message[0] = 0;
    JxlDecoder *decoder = JxlDecoderCreate(NULL);
    if (decoder == NULL) {
        set_message(out->message, "out of memory creating the JPEG XL decoder");
        return CAEC_JXL_OUT_OF_MEMORY;
    }
    caec_jxl_status status = CAEC_JXL_OK;
    JxlPixelFormat format = {3, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0};
    int have_image = 0;
    if (JxlDecoderSubscribeEvents(decoder, JXL_DEC_BASIC_INFO | JXL_DEC_FULL_IMAGE) != JXL_DEC_SUCCESS ||
        JxlDecoderSetInput(decoder, data, size) != JXL_DEC_SUCCESS) {
        set_message(out->message, "libjxl refused the decoder settings");
        status = CAEC_JXL_CORRUPT;
        goto cleanup;
    }
    JxlDecoderCloseInput(decoder);
    for (;;) {
        JxlDecoderStatus event = JxlDecoderProcessInput(decoder);
        if (event == JXL_DEC_ERROR) {
            set_message(out->message, "JPEG XL data is corrupt");
            status = CAEC_JXL_CORRUPT;
            goto cleanup;
        } else if (event == JXL_DEC_NEED_MORE_INPUT) {
            set_message(out->message, "JPEG XL data is truncated");
            status = CAEC_JXL_CORRUPT;
            goto cleanup;
        } else if (event == JXL_DEC_BASIC_INFO) {
            JxlBasicInfo info;
            if (JxlDecoderGetBasicInfo(decoder, &info) != JXL_DEC_SUCCESS) {
                set_message(out->message, "JPEG XL header is corrupt");
                status = CAEC_JXL_CORRUPT;
                goto cleanup;
            }
            out->width = (int)info.xsize;
            out->height = (int)info.ysize;
            if ((uint64_t)info.xsize * (uint64_t)info.ysize > max_pixels) {
                snprintf(out->message, CAEC_JXL_MESSAGE_SIZE, "image is %ux%u, over the limit of %llu pixels",
                         info.xsize, info.ysize, (unsigned long long)max_pixels);
                status = CAEC_JXL_TOO_LARGE;
                goto cleanup;
            }
        } else if (event == JXL_DEC_NEED_IMAGE_OUT_BUFFER) {
            size_t needed = 0;
            if (JxlDecoderImageOutBufferSize(decoder, &format, &needed) != JXL_DEC_SUCCESS ||
                needed != (size_t)out->width * (size_t)out->height * 3) {
                set_message(out->message, "JPEG XL output buffer size does not match the header");
                status = CAEC_JXL_CORRUPT;
                goto cleanup;
            }
            free(out->pixels);
            out->pixels = malloc(needed > 0 ? needed : 1);
            if (out->pixels == NULL) {
                set_message(out->message, "out of memory for the decoded pixels");
                status = CAEC_JXL_OUT_OF_MEMORY;
                goto cleanup;
            }
            if (JxlDecoderSetImageOutBuffer(decoder, &format, out->pixels, needed) != JXL_DEC_SUCCESS) {
                set_message(out->message, "libjxl refused the output buffer");
                status = CAEC_JXL_CORRUPT;
                goto cleanup;
            }
        } else if (event == JXL_DEC_FULL_IMAGE) {
            have_image = 1;  // a still image has one frame; keep going until SUCCESS
        } else if (event == JXL_DEC_SUCCESS) {
            break;
        }
    }
    if (!have_image || out->pixels == NULL) {
        set_message(out->message, "JPEG XL file holds no image");
        status = CAEC_JXL_CORRUPT;
    }

cleanup:
    if (status != CAEC_JXL_OK) {
        free(out->pixels);
        out->pixels = NULL;
    }
    JxlDecoderDestroy(decoder);
    return status;
}

void caec_jxl_version(char out[CAEC_JXL_MESSAGE_SIZE]) {
    uint32_t v = JxlEncoderVersion();
    snprintf(out, CAEC_JXL_MESSAGE_SIZE, "%u.%u.%u", v / 1000000, v / 1000 % 1000, v % 1000);
}

void caec_jxl_free(void *pointer) {
    free(pointer);
}
