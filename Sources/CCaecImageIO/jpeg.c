// JPEG reading and writing with libjpeg(-turbo), from and to memory.

#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <lcms2.h>

#include "imageio_common.h"

// A progressive file may carry any number of scans, each costing a pass over the coefficients; real encoders
// emit about ten. Refusing more than this keeps a small hostile file from burning minutes of CPU.
enum { caec_jpeg_max_scans = 1000 };

// The error manager of one libjpeg object. `manager` comes first so that cinfo->err can be cast back.
typedef struct caec_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int status;          // set before the longjmp
    int failure_status;  // status an error_exit maps to (corrupt on read, encoding failed on write)
    int lenient;
    int saw_eof;
    char *message;
    caec_decoded_image *out;  // where warnings go (NULL when writing: the writer's warnings are ignored)
} caec_jpeg_error;

static void caec_jpeg_record(j_common_ptr cinfo, caec_jpeg_error *error) {
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    caec_imageio_set_message(error->message, "%s", text);
}

// The name of a coding process libjpeg refuses, for an error that means "not supported" rather than "damaged";
// NULL for every other error. ITU T.81 Table B.1 numbers the SOF markers.
static const char *caec_jpeg_unsupported_process(j_common_ptr cinfo, char *name, size_t size) {
    const struct jpeg_error_mgr *err = cinfo->err;
    switch (err->msg_code) {
    case JERR_BAD_PRECISION:
        snprintf(name, size, "%d-bit precision", err->msg_parm.i[0]);
        return name;
    case JERR_ARITH_NOTIMPL:
        return "arithmetic coding";
    case JERR_SOF_UNSUPPORTED: {
        int marker = err->msg_parm.i[0];
        const char *kind = marker == 0xC3   ? "lossless"
                           : marker == 0xCB ? "lossless arithmetic"
                           : (marker >= 0xC5 && marker <= 0xC7) ? "hierarchical"
                           : (marker >= 0xCD && marker <= 0xCF) ? "hierarchical arithmetic"
                                                                : "reserved";
        snprintf(name, size, "%s (SOF%d)", kind, marker - 0xC0);
        return name;
    }
    case JERR_UNKNOWN_MARKER:
        // DHP and EXP only occur in hierarchical files.
        if (err->msg_parm.i[0] == 0xDE || err->msg_parm.i[0] == 0xDF) {
            snprintf(name, size, "hierarchical (%s marker)", err->msg_parm.i[0] == 0xDE ? "DHP" : "EXP");
            return name;
        }
        return NULL;
    default:
        return NULL;
    }
}

static void caec_jpeg_on_error_exit(j_common_ptr cinfo) {
    caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
    if (error->status == CAEC_IMAGEIO_OK) {
        char name[64];
        const char *process = cinfo->is_decompressor ? caec_jpeg_unsupported_process(cinfo, name, sizeof name) : NULL;
        if (process != NULL) {
            error->status = CAEC_IMAGEIO_UNSUPPORTED_PROCESS;
            caec_imageio_set_message(error->message, "%s", process);
        } else {
            error->status = error->saw_eof ? CAEC_IMAGEIO_TRUNCATED : error->failure_status;
            caec_jpeg_record(cinfo, error);
        }
    }
    longjmp(error->jump, 1);
}

// Whether a warning means the data is damaged (the decoder had to guess pixels), as opposed to a harmless
// deviation from the standard that libjpeg and djpeg decode exactly (JWRN_NOT_SEQUENTIAL: baseline files with
// zeros for Ss/Se, JWRN_JFIF_MAJOR, JWRN_ADOBE_XFORM, ...).
static int caec_jpeg_warning_means_damage(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_BOGUS_PROGRESSION:
        return 1;
    default:
        return 0;
    }
}

// Level -1 is a warning; other levels are trace messages. Damage fails a strict read; every warning that does
// not is listed in out->warnings.
static void caec_jpeg_on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) error->saw_eof = 1;
    if (!error->lenient && caec_jpeg_warning_means_damage(cinfo->err->msg_code)) {
        if (error->status == CAEC_IMAGEIO_OK) {
            error->status = error->saw_eof ? CAEC_IMAGEIO_TRUNCATED : error->failure_status;
            caec_jpeg_record(cinfo, error);
        }
        longjmp(error->jump, 1);
    }
    if (error->out != NULL) {
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        caec_imageio_add_warning(error->out, text);
    }
}

// libjpeg must never print to stderr on its own.
static void caec_jpeg_on_output(j_common_ptr cinfo) { (void)cinfo; }

static void caec_jpeg_install(caec_jpeg_error *error, int failure_status, int lenient, char *message,
                              caec_decoded_image *out) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = caec_jpeg_on_error_exit;
    error->manager.emit_message = caec_jpeg_on_message;
    error->manager.output_message = caec_jpeg_on_output;
    error->status = CAEC_IMAGEIO_OK;
    error->failure_status = failure_status;
    error->lenient = lenient;
    error->message = message;
    error->out = out;
}

// MARK: - Reading

// Lives in caec_jpeg_read's frame, so its fields keep their values across the longjmp into caec_jpeg_decode.
typedef struct caec_jpeg_reader {
    caec_jpeg_error error;
    struct jpeg_decompress_struct cinfo;
    struct jpeg_progress_mgr progress;
    int created;
    int rows_done;
    uint8_t *pixels;
    caec_decoded_image *out;
    // A CMYK or YCCK file: one row of CMYK samples from libjpeg, and the lcms2 transform from its embedded profile
    // to sRGB (NULL: the plain conversion).
    uint8_t *cmyk_row;
    cmsContext cms_context;
    cmsHTRANSFORM cms_transform;
} caec_jpeg_reader;

static void caec_jpeg_on_progress(j_common_ptr cinfo) {
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->is_decompressor && decompress->input_scan_number > caec_jpeg_max_scans) {
        caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
        error->status = CAEC_IMAGEIO_CORRUPT;
        caec_imageio_set_message(error->message, "more than %d progressive scans", caec_jpeg_max_scans);
        longjmp(error->jump, 1);
    }
}

// The first APP1 "Exif\0\0" segment (its TIFF structure) and the first APP1 XMP segment (after its namespace
// string, Adobe XMP Specification Part 3 §1.1.3), copied to out->exif and out->xmp; the APP2 ICC_PROFILE
// segments reassembled by libjpeg-turbo into out->icc. Metadata is a nicety: no memory, no metadata.
static void caec_jpeg_copy_metadata(caec_jpeg_reader *reader) {
    static const char xmp_namespace[] = "http://ns.adobe.com/xap/1.0/";  // followed by a NUL in the segment
    caec_decoded_image *out = reader->out;
    for (jpeg_saved_marker_ptr marker = reader->cinfo.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker != JPEG_APP0 + 1) continue;
        if (out->exif == NULL && marker->data_length > 6 && memcmp(marker->data, "Exif\0\0", 6) == 0) {
            size_t size = marker->data_length - 6;
            if ((out->exif = malloc(size)) != NULL) {
                memcpy(out->exif, marker->data + 6, size);
                out->exif_size = size;
            }
        } else if (out->xmp == NULL && marker->data_length > sizeof xmp_namespace &&
                   memcmp(marker->data, xmp_namespace, sizeof xmp_namespace) == 0) {
            size_t size = marker->data_length - sizeof xmp_namespace;
            if ((out->xmp = malloc(size)) != NULL) {
                memcpy(out->xmp, marker->data + sizeof xmp_namespace, size);
                out->xmp_size = size;
            }
        }
    }
    JOCTET *icc = NULL;
    unsigned int icc_size = 0;
    if (jpeg_read_icc_profile(&reader->cinfo, &icc, &icc_size) && icc != NULL && icc_size > 0) {
        out->icc = icc;
        out->icc_size = icc_size;
    } else {
        free(icc);
    }
}

// How CMYK samples become RGB. libjpeg hands out CMYK for both CMYK and YCCK files (it undoes the YCC transform
// itself). A file with an Adobe APP14 marker stores the samples inverted (0 is full ink), as Photoshop writes them
// (Adobe Technical Note #5116 §18); without the marker 0 is no ink. An embedded CMYK ICC profile is applied with
// lcms2 (perceptual intent, to sRGB); otherwise, or when lcms2 cannot use the profile, each channel is
// R = (1 - C)(1 - K), G = (1 - M)(1 - K), B = (1 - Y)(1 - K), with one warning saying so. The profile is then
// dropped from `out->icc`: the pixels it described are sRGB now.
static void caec_jpeg_prepare_cmyk(caec_jpeg_reader *reader) {
    caec_decoded_image *out = reader->out;
    int inverted = reader->cinfo.saw_Adobe_marker;
    const char *problem = "no ICC profile";
    if (out->icc != NULL && out->icc_size <= UINT32_MAX) {
        problem = "an ICC profile lcms2 cannot use as CMYK";
        reader->cms_context = cmsCreateContext(NULL, NULL);
        cmsHPROFILE cmyk = reader->cms_context == NULL
                               ? NULL
                               : cmsOpenProfileFromMemTHR(reader->cms_context, out->icc, (cmsUInt32Number)out->icc_size);
        cmsHPROFILE srgb = reader->cms_context == NULL ? NULL : cmsCreate_sRGBProfileTHR(reader->cms_context);
        if (cmyk != NULL && srgb != NULL && cmsGetColorSpace(cmyk) == cmsSigCmykData) {
            reader->cms_transform =
                cmsCreateTransformTHR(reader->cms_context, cmyk, inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8, srgb,
                                      TYPE_RGB_8, INTENT_PERCEPTUAL, 0);
        }
        if (cmyk != NULL) cmsCloseProfile(cmyk);
        if (srgb != NULL) cmsCloseProfile(srgb);
    }
    if (reader->cms_transform == NULL) {
        char text[CAEC_IMAGEIO_MESSAGE_SIZE];
        caec_imageio_set_message(text,
                                 "%s JPEG with %s: converted to RGB as R = (1 - C)(1 - K), G = (1 - M)(1 - K), "
                                 "B = (1 - Y)(1 - K), without colour management",
                                 reader->cinfo.jpeg_color_space == JCS_YCCK ? "YCCK" : "CMYK", problem);
        caec_imageio_add_warning(out, text);
    }
    free(out->icc);
    out->icc = NULL;
    out->icc_size = 0;
}

// One row of `width` CMYK samples to RGB, as caec_jpeg_prepare_cmyk describes.
static void caec_jpeg_cmyk_to_rgb(const caec_jpeg_reader *reader, const uint8_t *cmyk, uint8_t *rgb, uint32_t width) {
    if (reader->cms_transform != NULL) {
        cmsDoTransform(reader->cms_transform, cmyk, rgb, width);
        return;
    }
    // What each ink leaves of the paper's white, 0...255: 255 - ink, which an inverted file stores as it is.
    int inverted = reader->cinfo.saw_Adobe_marker;
    for (uint32_t x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        unsigned black_left = inverted ? cmyk[3] : 255u - cmyk[3];
        for (int c = 0; c < 3; c++) {
            unsigned left = inverted ? cmyk[c] : 255u - cmyk[c];
            rgb[c] = (uint8_t)((left * black_left + 127) / 255);  // rounded: left x black_left / 255 is never a half
        }
    }
}

// Every libjpeg call of the reader; errors longjmp back here and return the status set by the handlers.
static int caec_jpeg_decode(caec_jpeg_reader *reader, const uint8_t *bytes, size_t size,
                            const caec_read_options *options) {
    if (setjmp(reader->error.jump)) return reader->error.status;
    struct jpeg_decompress_struct *cinfo = &reader->cinfo;
    cinfo->err = &reader->error.manager;
    reader->created = 1;  // jpeg_destroy is safe on a half-created object (it checks cinfo->mem)
    jpeg_create_decompress(cinfo);
    reader->progress.progress_monitor = caec_jpeg_on_progress;
    cinfo->progress = &reader->progress;

    jpeg_mem_src(cinfo, bytes, (unsigned long)size);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(cinfo, TRUE);
    reader->out->gray = cinfo->jpeg_color_space == JCS_GRAYSCALE;
    reader->out->width = cinfo->image_width;
    reader->out->height = cinfo->image_height;

    // YCCK is CMYK with the CMY part stored as YCbCr (Adobe transform 2); libjpeg turns it back into CMYK.
    int cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    if (cinfo->jpeg_color_space == JCS_UNKNOWN) {
        // Neither gray, YCbCr, RGB, CMYK nor YCCK (e.g. two components): libjpeg has no conversion to RGB.
        caec_imageio_set_message(reader->out->message, "%d components", cinfo->num_components);
        return CAEC_IMAGEIO_UNSUPPORTED_COLOR_SPACE;
    }
    // Before jpeg_start_decompress, which allocates the coefficient and sample buffers.
    if (!caec_imageio_admits(options, cinfo->image_width, cinfo->image_height)) {
        caec_imageio_set_message(reader->out->message, "declared size %ux%u is over the limits",
                                 (unsigned)cinfo->image_width, (unsigned)cinfo->image_height);
        return CAEC_IMAGEIO_TOO_LARGE;
    }
    caec_jpeg_copy_metadata(reader);
    if (cmyk) caec_jpeg_prepare_cmyk(reader);

    // Everything else stays at libjpeg's defaults (ISLOW DCT, fancy upsampling, block smoothing), as in djpeg.
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(cinfo);
    if (cinfo->output_components != (cmyk ? 4 : 3) || cinfo->output_width != cinfo->image_width ||
        cinfo->output_height != cinfo->image_height) {
        caec_imageio_set_message(reader->out->message, "unexpected output layout (%d components)",
                                 cinfo->output_components);
        return CAEC_IMAGEIO_CORRUPT;
    }
    size_t stride = (size_t)cinfo->output_width * 3;
    reader->pixels = malloc(stride * cinfo->output_height);
    if (cmyk && reader->pixels != NULL) reader->cmyk_row = malloc((size_t)cinfo->output_width * 4);
    if (reader->pixels == NULL || (cmyk && reader->cmyk_row == NULL)) {
        caec_imageio_set_message(reader->out->message, "cannot allocate %ux%u pixels",
                                 (unsigned)cinfo->output_width, (unsigned)cinfo->output_height);
        return CAEC_IMAGEIO_OUT_OF_MEMORY;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW rgb = reader->pixels + (size_t)cinfo->output_scanline * stride;
        JSAMPROW row = cmyk ? reader->cmyk_row : rgb;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            caec_imageio_set_message(reader->out->message, "decoder suspended at row %u",
                                     (unsigned)cinfo->output_scanline);
            return CAEC_IMAGEIO_TRUNCATED;
        }
        if (cmyk) caec_jpeg_cmyk_to_rgb(reader, row, rgb, cinfo->output_width);
    }
    reader->rows_done = 1;
    jpeg_finish_decompress(cinfo);
    return CAEC_IMAGEIO_OK;
}

// One decode with the given options; caec_jpeg_read adds the leniency probe.
static int caec_jpeg_read_once(const uint8_t *bytes, size_t size, const caec_read_options *options,
                               caec_decoded_image *out) {
    memset(out, 0, sizeof *out);
    caec_jpeg_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.out = out;
    caec_jpeg_install(&reader.error, CAEC_IMAGEIO_CORRUPT, options->lenient, out->message, out);
    int status = caec_jpeg_decode(&reader, bytes, size, options);
    if (status != CAEC_IMAGEIO_OK && reader.rows_done && options->lenient) {
        // Every row arrived; only the trailer was bad. Keep the image and report the problem as a warning.
        caec_imageio_add_warning(out, out->message);
        out->message[0] = 0;
        status = CAEC_IMAGEIO_OK;
    }

    // The one cleanup path.
    if (reader.created) jpeg_destroy_decompress(&reader.cinfo);
    free(reader.cmyk_row);
    if (reader.cms_transform != NULL) cmsDeleteTransform(reader.cms_transform);
    if (reader.cms_context != NULL) cmsDeleteContext(reader.cms_context);
    if (status == CAEC_IMAGEIO_OK) {
        out->pixels = reader.pixels;
    } else {
        out->pixels = reader.pixels;
        caec_imageio_free_decoded(out);
    }
    return status;
}

int caec_jpeg_read(const uint8_t *bytes, size_t size, const caec_read_options *options, caec_decoded_image *out) {
    int status = caec_jpeg_read_once(bytes, size, options, out);
    if ((status == CAEC_IMAGEIO_TRUNCATED || status == CAEC_IMAGEIO_CORRUPT) && !options->lenient) {
        // A damage warning failed the read; whether a lenient read gets through the rest of the file only a
        // second read can tell.
        caec_read_options lenient = *options;
        lenient.lenient = 1;
        caec_decoded_image *probe = malloc(sizeof *probe);
        if (probe != NULL) {
            out->recoverable = caec_jpeg_read_once(bytes, size, &lenient, probe) == CAEC_IMAGEIO_OK;
            caec_imageio_free_decoded(probe);
            free(probe);
        }
    }
    return status;
}

// MARK: - Writing

typedef struct caec_jpeg_writer {
    caec_jpeg_error error;
    struct jpeg_compress_struct cinfo;
    int created;
    unsigned char *buffer;  // owned by jpeg_mem_dest until finished, then by us
    unsigned long size;
    uint8_t *gray;  // one row of gray samples for a gray file
    caec_encoded_data *out;
} caec_jpeg_writer;

// Writes one APP1 segment: `prefix` (its NUL included in `prefix_size`) then `data`.
static void caec_jpeg_write_app1(caec_jpeg_writer *writer, const char *prefix, size_t prefix_size,
                                 const uint8_t *data, size_t size) {
    j_compress_ptr cinfo = &writer->cinfo;
    if (size > 65533 - prefix_size) {
        caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
        caec_imageio_set_message(writer->out->message, "%s metadata of %zu bytes does not fit in a JPEG APP1 segment",
                                 prefix_size == 6 ? "EXIF" : "XMP", size);
        error->status = CAEC_IMAGEIO_ENCODING_FAILED;
        longjmp(error->jump, 1);
    }
    jpeg_write_m_header(cinfo, JPEG_APP0 + 1, (unsigned int)(prefix_size + size));
    for (size_t i = 0; i < prefix_size; i++) jpeg_write_m_byte(cinfo, (unsigned char)prefix[i]);
    for (size_t i = 0; i < size; i++) jpeg_write_m_byte(cinfo, data[i]);
}

/// Creates the writer's compressor into its memory buffer for a width x height image; call after its setjmp.
static struct jpeg_compress_struct *caec_jpeg_begin(caec_jpeg_writer *writer, uint32_t width, uint32_t height) {
    struct jpeg_compress_struct *cinfo = &writer->cinfo;
    cinfo->err = &writer->error.manager;
    writer->created = 1;
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, &writer->buffer, &writer->size);
    cinfo->image_width = width;
    cinfo->image_height = height;
    return cinfo;
}

static int caec_jpeg_encode(caec_jpeg_writer *writer, const uint8_t *pixels, uint32_t width, uint32_t height,
                            int quality, caec_jpeg_subsampling subsampling, const caec_write_metadata *metadata) {
    int gray = metadata != NULL && metadata->gray;
    if (setjmp(writer->error.jump)) return writer->error.status;
    struct jpeg_compress_struct *cinfo = caec_jpeg_begin(writer, width, height);
    cinfo->input_components = gray ? 1 : 3;
    cinfo->in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);  // YCbCr (or one gray component), 4:2:0 (luma sampled 2x2), baseline
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = TRUE;
    if (subsampling == CAEC_JPEG_SUBSAMPLING_444 && !gray) {
        cinfo->comp_info[0].h_samp_factor = 1;
        cinfo->comp_info[0].v_samp_factor = 1;
    }
    jpeg_start_compress(cinfo, TRUE);
    if (metadata != NULL) {
        if (metadata->exif_size > 0) caec_jpeg_write_app1(writer, "Exif\0", 6, metadata->exif, metadata->exif_size);
        if (metadata->xmp_size > 0)
            caec_jpeg_write_app1(writer, "http://ns.adobe.com/xap/1.0/", 29, metadata->xmp, metadata->xmp_size);
        if (metadata->icc_size > 0 && metadata->icc_size <= UINT_MAX)
            jpeg_write_icc_profile(cinfo, metadata->icc, (unsigned int)metadata->icc_size);
    }
    size_t stride = (size_t)width * 3;
    if (gray && (writer->gray = malloc(width)) == NULL) {
        caec_imageio_set_message(writer->out->message, "out of memory");
        return CAEC_IMAGEIO_ENCODING_FAILED;
    }
    while (cinfo->next_scanline < cinfo->image_height) {
        const uint8_t *source = pixels + (size_t)cinfo->next_scanline * stride;
        JSAMPROW row = (JSAMPROW)source;  // read only
        if (gray) {
            for (uint32_t x = 0; x < width; x++) writer->gray[x] = source[3 * x];
            row = writer->gray;
        }
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return CAEC_IMAGEIO_OK;
}

static int caec_jpeg_encode_cmyk(caec_jpeg_writer *writer, const uint8_t *samples, uint32_t width, uint32_t height,
                                 int quality, caec_jpeg_cmyk_coding coding, const uint8_t *icc, size_t icc_size) {
    if (setjmp(writer->error.jump)) return writer->error.status;
    struct jpeg_compress_struct *cinfo = caec_jpeg_begin(writer, width, height);
    cinfo->input_components = 4;
    cinfo->in_color_space = JCS_CMYK;
    jpeg_set_defaults(cinfo);
    // JCS_YCCK: libjpeg stores the CMY part of the samples (inverted) as YCbCr. Both set write_Adobe_marker.
    jpeg_set_colorspace(cinfo, coding == CAEC_JPEG_YCCK_ADOBE ? JCS_YCCK : JCS_CMYK);
    cinfo->write_Adobe_marker = coding != CAEC_JPEG_CMYK_PLAIN;
    for (int c = 0; c < 4; c++) {
        cinfo->comp_info[c].h_samp_factor = 1;
        cinfo->comp_info[c].v_samp_factor = 1;
    }
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = TRUE;
    jpeg_start_compress(cinfo, TRUE);
    if (icc_size > 0 && icc_size <= UINT_MAX) jpeg_write_icc_profile(cinfo, icc, (unsigned int)icc_size);
    size_t stride = (size_t)width * 4;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(samples + (size_t)cinfo->next_scanline * stride);  // read only
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return CAEC_IMAGEIO_OK;
}

int caec_jpeg_write_cmyk(const uint8_t *samples, uint32_t width, uint32_t height, int quality,
                         caec_jpeg_cmyk_coding coding, const uint8_t *icc, size_t icc_size, caec_encoded_data *out) {
    memset(out, 0, sizeof *out);
    caec_jpeg_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.out = out;
    caec_jpeg_install(&writer.error, CAEC_IMAGEIO_ENCODING_FAILED, 1, out->message, NULL);
    int status = caec_jpeg_encode_cmyk(&writer, samples, width, height, quality, coding, icc, icc_size);

    if (writer.created) jpeg_destroy_compress(&writer.cinfo);
    return caec_imageio_hand_over(status, writer.buffer, writer.size, out);
}

int caec_jpeg_write(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                    caec_jpeg_subsampling subsampling, const caec_write_metadata *metadata,
                    caec_encoded_data *out) {
    memset(out, 0, sizeof *out);
    caec_jpeg_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.out = out;
    caec_jpeg_install(&writer.error, CAEC_IMAGEIO_ENCODING_FAILED, 1, out->message, NULL);
    int status = caec_jpeg_encode(&writer, pixels, width, height, quality, subsampling, metadata);

    if (writer.created) jpeg_destroy_compress(&writer.cinfo);
    free(writer.gray);
    return caec_imageio_hand_over(status, writer.buffer, writer.size, out);
}
