// JPEG reading and writing with libjpeg(-turbo), from and to memory.

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

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
    uint32_t warning_count;
    char *message;
} caec_jpeg_error;

static void caec_jpeg_record(j_common_ptr cinfo, caec_jpeg_error *error) {
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    caec_imageio_set_message(error->message, "%s", text);
}

static void caec_jpeg_on_error_exit(j_common_ptr cinfo) {
    caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
    if (error->status == CAEC_IMAGEIO_OK) {
        error->status = error->saw_eof ? CAEC_IMAGEIO_TRUNCATED : error->failure_status;
        caec_jpeg_record(cinfo, error);
    }
    longjmp(error->jump, 1);
}

// Level -1 is a warning (corrupt or missing data libjpeg papered over); other levels are trace messages.
static void caec_jpeg_on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    caec_jpeg_error *error = (caec_jpeg_error *)cinfo->err;
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) error->saw_eof = 1;
    if (error->warning_count++ == 0) caec_jpeg_record(cinfo, error);
    if (!error->lenient) {
        if (error->status == CAEC_IMAGEIO_OK) {
            error->status = error->saw_eof ? CAEC_IMAGEIO_TRUNCATED : error->failure_status;
            caec_jpeg_record(cinfo, error);
        }
        longjmp(error->jump, 1);
    }
}

// libjpeg must never print to stderr on its own.
static void caec_jpeg_on_output(j_common_ptr cinfo) { (void)cinfo; }

static void caec_jpeg_install(caec_jpeg_error *error, int failure_status, int lenient, char *message) {
    jpeg_std_error(&error->manager);
    error->manager.error_exit = caec_jpeg_on_error_exit;
    error->manager.emit_message = caec_jpeg_on_message;
    error->manager.output_message = caec_jpeg_on_output;
    error->status = CAEC_IMAGEIO_OK;
    error->failure_status = failure_status;
    error->lenient = lenient;
    error->message = message;
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

static void caec_jpeg_copy_exif(caec_jpeg_reader *reader) {
    for (jpeg_saved_marker_ptr marker = reader->cinfo.marker_list; marker != NULL; marker = marker->next) {
        if (marker->marker != JPEG_APP0 + 1 || marker->data_length < 6) continue;
        if (memcmp(marker->data, "Exif\0\0", 6) != 0) continue;
        size_t size = marker->data_length - 6;
        if (size == 0) return;
        reader->out->exif = malloc(size);
        if (reader->out->exif == NULL) return;  // orientation is a nicety: no memory, no rotation
        memcpy(reader->out->exif, marker->data + 6, size);
        reader->out->exif_size = size;
        return;
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
    jpeg_read_header(cinfo, TRUE);
    reader->out->width = cinfo->image_width;
    reader->out->height = cinfo->image_height;

    if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK) {
        // YCCK is CMYK with the CMY part stored as YCbCr (Adobe transform 2): to the user both are CMYK.
        caec_imageio_set_message(reader->out->message, "CMYK");
        return CAEC_IMAGEIO_UNSUPPORTED_COLOR_SPACE;
    }
    // Before jpeg_start_decompress, which allocates the coefficient and sample buffers.
    if (!caec_imageio_admits(options, cinfo->image_width, cinfo->image_height)) {
        caec_imageio_set_message(reader->out->message, "declared size %ux%u is over the limits",
                                 (unsigned)cinfo->image_width, (unsigned)cinfo->image_height);
        return CAEC_IMAGEIO_TOO_LARGE;
    }
    caec_jpeg_copy_exif(reader);

    // Everything else stays at libjpeg's defaults (ISLOW DCT, fancy upsampling, block smoothing), as in djpeg.
    cinfo->out_color_space = JCS_RGB;
    jpeg_start_decompress(cinfo);
    if (cinfo->output_components != 3 || cinfo->output_width != cinfo->image_width ||
        cinfo->output_height != cinfo->image_height) {
        caec_imageio_set_message(reader->out->message, "unexpected output layout (%d components)",
                                 cinfo->output_components);
        return CAEC_IMAGEIO_CORRUPT;
    }
    size_t stride = (size_t)cinfo->output_width * 3;
    reader->pixels = malloc(stride * cinfo->output_height);
    if (reader->pixels == NULL) {
        caec_imageio_set_message(reader->out->message, "cannot allocate %ux%u pixels",
                                 (unsigned)cinfo->output_width, (unsigned)cinfo->output_height);
        return CAEC_IMAGEIO_OUT_OF_MEMORY;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = reader->pixels + (size_t)cinfo->output_scanline * stride;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            caec_imageio_set_message(reader->out->message, "decoder suspended at row %u",
                                     (unsigned)cinfo->output_scanline);
            return CAEC_IMAGEIO_TRUNCATED;
        }
    }
    reader->rows_done = 1;
    jpeg_finish_decompress(cinfo);
    return CAEC_IMAGEIO_OK;
}

int caec_jpeg_read(const uint8_t *bytes, size_t size, const caec_read_options *options, caec_decoded_image *out) {
    memset(out, 0, sizeof *out);
    caec_jpeg_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.out = out;
    caec_jpeg_install(&reader.error, CAEC_IMAGEIO_CORRUPT, options->lenient, out->message);
    int status = caec_jpeg_decode(&reader, bytes, size, options);
    if (status != CAEC_IMAGEIO_OK && reader.rows_done && options->lenient) {
        // Every row arrived; only the trailer was bad. Keep the image and count the problem as a warning.
        reader.error.warning_count++;
        status = CAEC_IMAGEIO_OK;
    }

    // The one cleanup path.
    if (reader.created) jpeg_destroy_decompress(&reader.cinfo);
    out->warning_count = reader.error.warning_count;
    if (status == CAEC_IMAGEIO_OK) {
        out->pixels = reader.pixels;
    } else {
        free(reader.pixels);
        free(out->exif);
        out->exif = NULL;
        out->exif_size = 0;
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
    caec_encoded_data *out;
} caec_jpeg_writer;

static int caec_jpeg_encode(caec_jpeg_writer *writer, const uint8_t *pixels, uint32_t width, uint32_t height,
                            int quality, caec_jpeg_subsampling subsampling) {
    if (setjmp(writer->error.jump)) return writer->error.status;
    struct jpeg_compress_struct *cinfo = &writer->cinfo;
    cinfo->err = &writer->error.manager;
    writer->created = 1;
    jpeg_create_compress(cinfo);
    jpeg_mem_dest(cinfo, &writer->buffer, &writer->size);

    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);  // YCbCr, 4:2:0 (luma sampled 2x2), baseline
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = TRUE;
    if (subsampling == CAEC_JPEG_SUBSAMPLING_444) {
        cinfo->comp_info[0].h_samp_factor = 1;
        cinfo->comp_info[0].v_samp_factor = 1;
    }
    jpeg_start_compress(cinfo, TRUE);
    size_t stride = (size_t)width * 3;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * stride);  // read only
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return CAEC_IMAGEIO_OK;
}

int caec_jpeg_write(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                    caec_jpeg_subsampling subsampling, caec_encoded_data *out) {
    memset(out, 0, sizeof *out);
    caec_jpeg_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.out = out;
    caec_jpeg_install(&writer.error, CAEC_IMAGEIO_ENCODING_FAILED, 1, out->message);
    int status = caec_jpeg_encode(&writer, pixels, width, height, quality, subsampling);

    if (writer.created) jpeg_destroy_compress(&writer.cinfo);
    if (status == CAEC_IMAGEIO_OK) {
        out->data = writer.buffer;
        out->size = writer.size;
    } else {
        free(writer.buffer);
    }
    return status;
}
