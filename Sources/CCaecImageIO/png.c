// PNG reading and writing with libpng's low-level API, from and to memory.

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "imageio_common.h"

// libpng refuses any chunk longer than its "chunk malloc max" (8,000,000 bytes by default) as soon as it reads the
// chunk header, even a chunk it is told to skip unread. caec sets that limit to the file's own size: every chunk
// caec ignores is skipped without allocation however long it is, a valid file never trips the check, and the few
// chunks libpng does allocate (PLTE, tRNS) are bounded by the bytes the caller already holds in memory.
// Most ancillary chunks libpng keeps before refusing more (each costs memory even when skipped later).
enum { caec_png_chunk_cache_max = 128 };

// Ancillary chunks caec ignores: they are skipped (CRC checked) without allocation or decompression, so a
// zTXt "bomb" costs nothing.
// bKGD because the caller chooses the background. eXIf, iCCP, iTXt (XMP), gAMA, cHRM and sRGB are read by
// caec_png_copy_metadata from the file's bytes after decoding, not by libpng.
static const png_byte caec_png_ignored_chunks[] = {
    'b', 'K', 'G', 'D', 0, 'c', 'H', 'R', 'M', 0, 'e', 'X', 'I', 'f', 0, 'g', 'A', 'M', 'A', 0,
    'h', 'I', 'S', 'T', 0, 'i', 'C', 'C', 'P', 0, 'i', 'T', 'X', 't', 0, 'o', 'F', 'F', 's', 0,
    'p', 'C', 'A', 'L', 0, 'p', 'H', 'Y', 's', 0, 's', 'B', 'I', 'T', 0, 's', 'C', 'A', 'L', 0,
    's', 'P', 'L', 'T', 0, 's', 'R', 'G', 'B', 0, 't', 'E', 'X', 't', 0, 't', 'I', 'M', 'E', 0,
    'z', 'T', 'X', 't', 0,
};

// MARK: - Reading

// Lives in caec_png_read's frame, so its fields keep their values across the longjmp into png_decode.
typedef struct caec_png_reader {
    jmp_buf jump;
    png_structp png;
    png_infop info;
    const uint8_t *bytes;
    size_t size;
    size_t offset;
    int truncated;
    int rows_done;
    // Rows of a non-interlaced image read so far: a lenient read keeps them when the image data stops early.
    png_uint_32 rows_read;
    int status;
    int channels;
    uint8_t *pixels;
    png_bytep *rows;
    caec_decoded_image *out;
} caec_png_reader;

static void caec_png_on_read_error(png_structp png, png_const_charp message) {
    caec_png_reader *reader = png_get_error_ptr(png);
    if (reader->status == CAEC_IMAGEIO_OK) {
        reader->status = reader->truncated ? CAEC_IMAGEIO_TRUNCATED : CAEC_IMAGEIO_CORRUPT;
        caec_imageio_set_message(reader->out->message, "%s", message);
    }
    longjmp(reader->jump, 1);
}

// libpng's warnings, and its benign errors when lenient (png_set_benign_errors turns them into warnings).
static void caec_png_on_read_warning(png_structp png, png_const_charp message) {
    caec_png_reader *reader = png_get_error_ptr(png);
    caec_imageio_add_warning(reader->out, message);
}

static void caec_png_read_memory(png_structp png, png_bytep destination, size_t length) {
    caec_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(destination, reader->bytes + reader->offset, length);
    reader->offset += length;
}

static uint32_t caec_png_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static png_uint_32 caec_png_clamp_limit(uint64_t value) {
    return value > PNG_UINT_31_MAX ? PNG_UINT_31_MAX : (png_uint_32)value;
}

// Every libpng call of the reader; errors longjmp back here and return the status set by the error handler.
static int caec_png_decode(caec_png_reader *reader, const caec_read_options *options) {
    if (setjmp(reader->jump)) return reader->status;

    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, caec_png_on_read_error,
                                         caec_png_on_read_warning);
    if (reader->png == NULL) {
        caec_imageio_set_message(reader->out->message, "cannot create the libpng reader");
        return CAEC_IMAGEIO_OUT_OF_MEMORY;
    }
    reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL) {
        caec_imageio_set_message(reader->out->message, "cannot create the libpng info struct");
        return CAEC_IMAGEIO_OUT_OF_MEMORY;
    }
    png_structp png = reader->png;
    png_infop info = reader->info;

    png_set_user_limits(png, caec_png_clamp_limit(options->max_width), caec_png_clamp_limit(options->max_height));
    png_set_chunk_malloc_max(png, reader->size > PNG_UINT_31_MAX ? PNG_UINT_31_MAX : reader->size + 1);
    png_set_chunk_cache_max(png, caec_png_chunk_cache_max);
    // Benign errors (extra image data, misplaced chunks, ...) fail the read unless the caller is lenient.
    png_set_benign_errors(png, options->lenient ? 1 : 0);
    // A lenient read feeds zlib 256 bytes of image data at a time (libpng 1.6's default is 8 KiB): a file cut
    // inside its image data then loses at most 256 compressed bytes before the cut, not a whole 8 KiB read, so a
    // short file keeps the rows that arrived.
    if (options->lenient) png_set_compression_buffer_size(png, 256);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, caec_png_ignored_chunks,
                                (int)(sizeof caec_png_ignored_chunks / 5));
    png_set_read_fn(png, reader, caec_png_read_memory);

    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    reader->out->width = width;
    reader->out->height = height;
    reader->out->gray = color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA;
    if (!caec_imageio_admits(options, width, height)) {
        caec_imageio_set_message(reader->out->message, "declared size %ux%u is over the limits",
                                 (unsigned)width, (unsigned)height);
        return CAEC_IMAGEIO_TOO_LARGE;
    }

    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    // 16-bit samples are sRGB-encoded like 8-bit ones: scale with rounding, (v * 255 + 32895) >> 16.
    if (bit_depth == 16) {
        png_set_scale_16(png);
        // Said once, so that nobody takes an 8-bit result for a lossless path of their 16-bit master.
        caec_imageio_add_warning(reader->out, "16-bit samples rounded to 8 bits (caec works on 8-bit images)");
    }
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    reader->channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((reader->channels != 3 && reader->channels != 4) || row_bytes != (size_t)width * (size_t)reader->channels) {
        caec_imageio_set_message(reader->out->message, "unexpected row layout after transforms (%d channels)",
                                 reader->channels);
        return CAEC_IMAGEIO_CORRUPT;
    }
    reader->pixels = malloc(row_bytes * height);
    reader->rows = malloc(sizeof(png_bytep) * height);
    if (reader->pixels == NULL || reader->rows == NULL) {
        caec_imageio_set_message(reader->out->message, "cannot allocate %ux%u pixels", (unsigned)width,
                                 (unsigned)height);
        return CAEC_IMAGEIO_OUT_OF_MEMORY;
    }
    for (png_uint_32 y = 0; y < height; y++) reader->rows[y] = reader->pixels + (size_t)y * row_bytes;
    if (passes == 1) {
        // Row by row, so that a lenient read of a file cut inside its image data keeps the rows that arrived.
        for (png_uint_32 y = 0; y < height; y++) {
            png_read_row(png, reader->rows[y], NULL);
            reader->rows_read = y + 1;
        }
    } else {
        png_read_image(png, reader->rows);
    }
    reader->rows_done = 1;
    // Reads the rest of the file: a CRC error, missing IEND or surplus IDAT data still fails a strict read.
    png_read_end(png, NULL);
    return CAEC_IMAGEIO_OK;
}

// The declared size, read straight from IHDR so that an oversized image is refused before libpng runs at all.
static int caec_png_precheck_size(const uint8_t *bytes, size_t size, const caec_read_options *options,
                                  caec_decoded_image *out) {
    if (size < 24 || caec_png_be32(bytes + 8) != 13 || memcmp(bytes + 12, "IHDR", 4) != 0) return CAEC_IMAGEIO_OK;
    uint32_t width = caec_png_be32(bytes + 16), height = caec_png_be32(bytes + 20);
    // Zero or >2^31-1 is malformed, not large: let libpng say so.
    if (width == 0 || height == 0 || width > PNG_UINT_31_MAX || height > PNG_UINT_31_MAX) return CAEC_IMAGEIO_OK;
    if (caec_imageio_admits(options, width, height)) return CAEC_IMAGEIO_OK;
    out->width = width;
    out->height = height;
    caec_imageio_set_message(out->message, "declared size %ux%u is over the limits", width, height);
    return CAEC_IMAGEIO_TOO_LARGE;
}

// Flattens RGBA to RGB in place: out = (c * a + bg * (255 - a) + 127) / 255, in sRGB (no linearisation).
static void caec_png_composite(uint8_t *pixels, size_t count, const caec_read_options *options) {
    const unsigned background[3] = {options->background_r, options->background_g, options->background_b};
    for (size_t i = 0; i < count; i++) {
        const uint8_t *source = pixels + 4 * i;
        unsigned r = source[0], g = source[1], b = source[2], a = source[3];
        uint8_t *destination = pixels + 3 * i;  // never ahead of source: 3i + 2 < 4(i + 1)
        destination[0] = (uint8_t)((r * a + background[0] * (255 - a) + 127) / 255);
        destination[1] = (uint8_t)((g * a + background[1] * (255 - a) + 127) / 255);
        destination[2] = (uint8_t)((b * a + background[2] * (255 - a) + 127) / 255);
    }
}

// Deflate expands at most 1032:1 (a 258-byte match costs at least 2 bits), so IDAT data shorter than
// pixel_bytes / 1032 cannot hold the image. Checking this by walking the chunk headers (no inflation) keeps a
// 100-byte file that declares 16384x4096 pixels from making the reader allocate 200 MB before failing.
static int caec_png_precheck_data(const uint8_t *bytes, size_t size, const caec_read_options *options,
                                  caec_decoded_image *out) {
    if (size < 33 || caec_png_be32(bytes + 8) != 13 || memcmp(bytes + 12, "IHDR", 4) != 0) return CAEC_IMAGEIO_OK;
    uint64_t width = caec_png_be32(bytes + 16), height = caec_png_be32(bytes + 20);
    // Anything odd (bad size, depth, colour type) is left for libpng to describe.
    if (!caec_imageio_admits(options, width, height) || width * height > UINT64_MAX / 64) return CAEC_IMAGEIO_OK;
    unsigned depth = bytes[24], color_type = bytes[25];
    unsigned channels = color_type == 2 ? 3 : color_type == 4 ? 2 : color_type == 6 ? 4 : 1;
    if (depth > 16) return CAEC_IMAGEIO_OK;
    // Pixel bits without filter bytes or row padding: a lower bound for plain and Adam7 layouts alike.
    uint64_t pixel_bytes = width * height * channels * depth / 8;
    uint64_t idat_bytes = 0;
    int complete = 0;
    for (size_t offset = 8; offset <= size - 8;) {
        uint64_t length = caec_png_be32(bytes + offset);
        if (memcmp(bytes + offset + 4, "IDAT", 4) == 0) idat_bytes += length;
        if (memcmp(bytes + offset + 4, "IEND", 4) == 0) {
            complete = 1;
            break;
        }
        if (length + 12 > size - offset) break;  // cut short: count what is claimed, libpng will report it
        offset += (size_t)length + 12;
    }
    if (idat_bytes * 1032 + 64 >= pixel_bytes) return CAEC_IMAGEIO_OK;
    caec_imageio_set_message(out->message, "%llu bytes of IDAT data cannot hold %llux%llu pixels",
                             (unsigned long long)idat_bytes, (unsigned long long)width, (unsigned long long)height);
    return complete ? CAEC_IMAGEIO_CORRUPT : CAEC_IMAGEIO_TRUNCATED;
}

// Largest ICC profile or XMP packet caec keeps (a larger one is dropped with a warning).
enum { caec_png_metadata_max = 16 << 20 };

// Inflates a zlib stream into a new buffer of at most `limit` bytes; NULL if the stream is bad or too large.
static uint8_t *caec_png_inflate(const uint8_t *data, size_t size, size_t limit, size_t *inflated) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (inflateInit(&stream) != Z_OK) return NULL;
    size_t capacity = size * 4 < 4096 ? 4096 : (size * 4 > limit ? limit : size * 4);
    uint8_t *buffer = malloc(capacity);
    int result = Z_OK;
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)size;
    while (buffer != NULL) {
        stream.next_out = buffer + stream.total_out;
        stream.avail_out = (uInt)(capacity - stream.total_out);
        result = inflate(&stream, Z_NO_FLUSH);
        if (result == Z_STREAM_END || (result != Z_OK && result != Z_BUF_ERROR)) break;
        if (stream.avail_out > 0 && stream.avail_in == 0) break;  // input ended before the stream did
        if (capacity >= limit) break;
        size_t grown_capacity = capacity * 2 > limit ? limit : capacity * 2;
        uint8_t *grown = realloc(buffer, grown_capacity);
        if (grown == NULL) break;
        buffer = grown;
        capacity = grown_capacity;
    }
    inflateEnd(&stream);
    if (result != Z_STREAM_END || buffer == NULL) {
        free(buffer);
        return NULL;
    }
    *inflated = stream.total_out;
    return buffer;
}

// A copy of `size` bytes in a new buffer (NULL for none or no memory).
static uint8_t *caec_png_copy(const uint8_t *data, size_t size) {
    if (size == 0) return NULL;
    uint8_t *copy = malloc(size);
    if (copy != NULL) memcpy(copy, data, size);
    return copy;
}

// The colour metadata of a PNG, from a walk over its chunk headers after a successful decode (the walk ends at
// IEND or at a chunk that overruns the file; chunks with a wrong CRC are skipped):
// - eXIf (PNG 1.2 extensions §3.7): the TIFF structure itself; some writers prefix JPEG's "Exif\0\0", dropped.
// - iCCP: profile name, NUL, method 0, zlib stream; inflated.
// - iTXt with keyword "XML:com.adobe.xmp": the XMP packet, inflated if compressed.
// - sRGB, gAMA, cHRM: when there is no iCCP and no sRGB but gAMA or cHRM says the image is not sRGB, a
//   matrix/TRC profile equivalent to them (caec_icc_from_png_colorimetry).
static void caec_png_copy_metadata(const uint8_t *bytes, size_t size, caec_decoded_image *out) {
    int has_srgb = 0, has_gama = 0, has_chrm = 0;
    uint32_t gama = 0, chrm[8] = {0};
    for (size_t offset = 8; size >= 12 && offset <= size - 12;) {
        size_t length = caec_png_be32(bytes + offset);
        if (length > size - offset - 12) break;
        const uint8_t *type = bytes + offset + 4, *data = bytes + offset + 8;
        if (memcmp(type, "IEND", 4) == 0) break;
        offset += length + 12;
        if (length > PNG_UINT_31_MAX ||
            crc32(crc32(0L, Z_NULL, 0), type, (uInt)length + 4) != caec_png_be32(data + length))
            continue;
        if (memcmp(type, "eXIf", 4) == 0 && out->exif == NULL) {
            if (length >= 6 && memcmp(data, "Exif\0\0", 6) == 0) {
                data += 6;
                length -= 6;
            }
            out->exif = caec_png_copy(data, length);
            out->exif_size = out->exif != NULL ? length : 0;
        } else if (memcmp(type, "iCCP", 4) == 0 && out->icc == NULL) {
            const uint8_t *name_end = memchr(data, 0, length < 80 ? length : 80);
            if (name_end == NULL || (size_t)(name_end - data) + 2 > length || name_end[1] != 0) continue;
            size_t skip = (size_t)(name_end - data) + 2, inflated = 0;
            out->icc = caec_png_inflate(data + skip, length - skip, caec_png_metadata_max, &inflated);
            out->icc_size = out->icc != NULL ? inflated : 0;
            if (out->icc == NULL) caec_imageio_add_warning(out, "iCCP: profile not kept (bad or over 16 MiB)");
        } else if (memcmp(type, "iTXt", 4) == 0 && out->xmp == NULL && length > 22 &&
                   memcmp(data, "XML:com.adobe.xmp\0", 18) == 0) {
            // keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, text
            int compressed = data[18];
            const uint8_t *end = data + length, *language = data + 20;
            const uint8_t *translated = memchr(language, 0, (size_t)(end - language));
            if (translated == NULL) continue;
            const uint8_t *text = memchr(translated + 1, 0, (size_t)(end - translated - 1));
            if (text == NULL) continue;
            text += 1;
            size_t text_size = (size_t)(end - text), inflated = 0;
            if (compressed) {
                out->xmp = caec_png_inflate(text, text_size, caec_png_metadata_max, &inflated);
                out->xmp_size = out->xmp != NULL ? inflated : 0;
            } else if (text_size <= caec_png_metadata_max) {
                out->xmp = caec_png_copy(text, text_size);
                out->xmp_size = out->xmp != NULL ? text_size : 0;
            }
        } else if (memcmp(type, "sRGB", 4) == 0) {
            has_srgb = 1;
        } else if (memcmp(type, "gAMA", 4) == 0 && length == 4 && !has_gama) {
            has_gama = 1;
            gama = caec_png_be32(data);
        } else if (memcmp(type, "cHRM", 4) == 0 && length == 32 && !has_chrm) {
            has_chrm = 1;
            for (int i = 0; i < 8; i++) chrm[i] = caec_png_be32(data + 4 * i);
        }
    }
    if (out->icc != NULL || has_srgb || !(has_gama || has_chrm)) return;
    size_t icc_size = 0;
    out->icc = caec_icc_from_png_colorimetry(has_gama ? gama : 0, has_chrm ? chrm : NULL, out->gray, &icc_size);
    out->icc_size = out->icc != NULL ? icc_size : 0;
    out->icc_synthesized = out->icc != NULL;
}

// One decode with the given options; caec_png_read adds the leniency probe.
static int caec_png_read_once(const uint8_t *bytes, size_t size, const caec_read_options *options,
                              caec_decoded_image *out) {
    memset(out, 0, sizeof *out);
    int status = caec_png_precheck_size(bytes, size, options, out);
    if (status == CAEC_IMAGEIO_OK) status = caec_png_precheck_data(bytes, size, options, out);
    if (status != CAEC_IMAGEIO_OK) return status;

    caec_png_reader reader;
    memset(&reader, 0, sizeof reader);
    reader.bytes = bytes;
    reader.size = size;
    reader.out = out;
    status = caec_png_decode(&reader, options);
    if (status != CAEC_IMAGEIO_OK && reader.rows_done && options->lenient) {
        // Every row arrived; only the trailer was bad. Keep the image and report the problem as a warning.
        caec_imageio_add_warning(out, out->message);
        out->message[0] = 0;
        status = CAEC_IMAGEIO_OK;
    } else if (status == CAEC_IMAGEIO_TRUNCATED && options->lenient && reader.pixels != NULL && reader.rows_read > 0) {
        // The file ends inside the image data of a non-interlaced image (a cut download): keep the rows that
        // arrived and repeat the last one below them, as browsers show such a file. Corrupt data stays an error.
        size_t row_bytes = (size_t)out->width * (size_t)reader.channels;
        for (png_uint_32 y = reader.rows_read; y < out->height; y++) {
            memcpy(reader.pixels + (size_t)y * row_bytes, reader.pixels + (size_t)(reader.rows_read - 1) * row_bytes,
                   row_bytes);
        }
        caec_imageio_add_warning(out, out->message);
        char note[160];
        snprintf(note, sizeof note, "image data ends after row %u of %u; the rows below repeat the last one",
                 (unsigned)reader.rows_read, (unsigned)out->height);
        caec_imageio_add_warning(out, note);
        out->message[0] = 0;
        status = CAEC_IMAGEIO_OK;
    }
    if (status == CAEC_IMAGEIO_OK && reader.channels == 4) {
        caec_png_composite(reader.pixels, (size_t)out->width * (size_t)out->height, options);
        uint8_t *shrunk = realloc(reader.pixels, (size_t)out->width * (size_t)out->height * 3);
        if (shrunk != NULL) reader.pixels = shrunk;
    }

    // The one cleanup path.
    if (reader.png != NULL) png_destroy_read_struct(&reader.png, reader.info != NULL ? &reader.info : NULL, NULL);
    free(reader.rows);
    if (status == CAEC_IMAGEIO_OK) {
        out->pixels = reader.pixels;
        caec_png_copy_metadata(bytes, size, out);
    } else {
        free(reader.pixels);
    }
    return status;
}

int caec_png_read(const uint8_t *bytes, size_t size, const caec_read_options *options, caec_decoded_image *out) {
    int status = caec_png_read_once(bytes, size, options, out);
    if ((status == CAEC_IMAGEIO_TRUNCATED || status == CAEC_IMAGEIO_CORRUPT) && !options->lenient) {
        // Would --lenient get an image out of this? Only a second, lenient read can tell: libpng reports benign
        // and fatal errors through the same callback.
        caec_read_options lenient = *options;
        lenient.lenient = 1;
        caec_decoded_image *probe = malloc(sizeof *probe);
        if (probe != NULL) {
            out->recoverable = caec_png_read_once(bytes, size, &lenient, probe) == CAEC_IMAGEIO_OK;
            caec_imageio_free_decoded(probe);
            free(probe);
        }
    }
    return status;
}

// MARK: - Writing

typedef struct caec_png_writer {
    jmp_buf jump;
    png_structp png;
    png_infop info;
    uint8_t *buffer;
    size_t size;
    size_t capacity;
    png_bytep *rows;
    uint8_t *gray;  // the gray samples of a gray file
    char *xmp;      // the XMP text, NUL-terminated
    caec_encoded_data *out;
} caec_png_writer;

static void caec_png_on_write_error(png_structp png, png_const_charp message) {
    caec_png_writer *writer = png_get_error_ptr(png);
    caec_imageio_set_message(writer->out->message, "%s", message);
    longjmp(writer->jump, 1);
}

static void caec_png_on_write_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void caec_png_write_memory(png_structp png, png_bytep data, size_t length) {
    caec_png_writer *writer = png_get_io_ptr(png);
    if (length > writer->capacity - writer->size) {
        size_t capacity = writer->capacity < 4096 ? 4096 : writer->capacity;
        while (length > capacity - writer->size) {
            if (capacity > SIZE_MAX / 2) png_error(png, "output too large");
            capacity *= 2;
        }
        uint8_t *grown = realloc(writer->buffer, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        writer->buffer = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->buffer + writer->size, data, length);
    writer->size += length;
}

static void caec_png_flush_memory(png_structp png) { (void)png; }

static int caec_png_encode(caec_png_writer *writer, const uint8_t *pixels, uint32_t width, uint32_t height,
                           int compression_level, const caec_write_metadata *metadata) {
    int gray = metadata != NULL && metadata->gray;
    if (setjmp(writer->jump)) return CAEC_IMAGEIO_ENCODING_FAILED;
    writer->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, writer, caec_png_on_write_error,
                                          caec_png_on_write_warning);
    if (writer->png == NULL) {
        caec_imageio_set_message(writer->out->message, "cannot create the libpng writer");
        return CAEC_IMAGEIO_ENCODING_FAILED;
    }
    writer->info = png_create_info_struct(writer->png);
    if (writer->info == NULL) {
        caec_imageio_set_message(writer->out->message, "cannot create the libpng info struct");
        return CAEC_IMAGEIO_ENCODING_FAILED;
    }
    writer->rows = malloc(sizeof(png_bytep) * height);
    if (writer->rows == NULL) {
        caec_imageio_set_message(writer->out->message, "out of memory");
        return CAEC_IMAGEIO_ENCODING_FAILED;
    }
    if (gray) {
        // One sample per pixel: the red channel (the caller's channels are equal).
        writer->gray = malloc((size_t)width * height);
        if (writer->gray == NULL) {
            caec_imageio_set_message(writer->out->message, "out of memory");
            return CAEC_IMAGEIO_ENCODING_FAILED;
        }
        for (size_t i = 0; i < (size_t)width * height; i++) writer->gray[i] = pixels[3 * i];
        for (uint32_t y = 0; y < height; y++) writer->rows[y] = writer->gray + (size_t)y * width;
    } else {
        // libpng takes non-const rows but only reads them when no transform is set.
        for (uint32_t y = 0; y < height; y++) writer->rows[y] = (png_bytep)(pixels + (size_t)y * width * 3);
    }

    png_set_write_fn(writer->png, writer, caec_png_write_memory, caec_png_flush_memory);
    png_set_compression_level(writer->png, compression_level);
    png_set_IHDR(writer->png, writer->info, width, height, 8, gray ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_text xmp;
    if (metadata != NULL) {
        // PNG allows a gray profile only on a gray image and an RGB one only on a colour image (§11.3.3.3);
        // a profile of the other kind cannot describe these samples and is left out.
        int icc_fits = metadata->icc_size >= 20 &&
                       memcmp(metadata->icc + 16, gray ? "GRAY" : "RGB ", 4) == 0;
        if (icc_fits && metadata->icc_size <= PNG_UINT_31_MAX)
            png_set_iCCP(writer->png, writer->info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, metadata->icc,
                         (png_uint_32)metadata->icc_size);
        if (metadata->exif_size > 0 && metadata->exif_size <= PNG_UINT_31_MAX)
            png_set_eXIf_1(writer->png, writer->info, (png_uint_32)metadata->exif_size, (png_bytep)metadata->exif);
        if (metadata->xmp_size > 0) {
            // libpng takes the text NUL-terminated.
            writer->xmp = malloc(metadata->xmp_size + 1);
            if (writer->xmp == NULL) png_error(writer->png, "out of memory");
            memcpy(writer->xmp, metadata->xmp, metadata->xmp_size);
            writer->xmp[metadata->xmp_size] = 0;
            memset(&xmp, 0, sizeof xmp);
            xmp.compression = PNG_ITXT_COMPRESSION_NONE;
            xmp.key = "XML:com.adobe.xmp";
            xmp.text = writer->xmp;
            xmp.itxt_length = metadata->xmp_size;
            xmp.lang = "";
            xmp.lang_key = "";
            png_set_text(writer->png, writer->info, &xmp, 1);
        }
    }
    png_write_info(writer->png, writer->info);
    png_write_image(writer->png, writer->rows);
    png_write_end(writer->png, NULL);
    return CAEC_IMAGEIO_OK;
}

int caec_png_write(const uint8_t *pixels, uint32_t width, uint32_t height, int compression_level,
                   const caec_write_metadata *metadata, caec_encoded_data *out) {
    memset(out, 0, sizeof *out);
    caec_png_writer writer;
    memset(&writer, 0, sizeof writer);
    writer.out = out;
    int status = caec_png_encode(&writer, pixels, width, height, compression_level, metadata);

    if (writer.png != NULL) png_destroy_write_struct(&writer.png, writer.info != NULL ? &writer.info : NULL);
    free(writer.rows);
    free(writer.gray);
    free(writer.xmp);
    return caec_imageio_hand_over(status, writer.buffer, writer.size, out);
}
