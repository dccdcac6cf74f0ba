#include "CCaecVersions.h"

#include <png.h>
#include <stdio.h>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

void caec_libpng_version(char out[CAEC_VERSION_SIZE]) {
    snprintf(out, CAEC_VERSION_SIZE, "%s", png_get_libpng_ver(NULL));
}

void caec_libjpeg_version(char out[CAEC_VERSION_SIZE]) {
#ifdef LIBJPEG_TURBO_VERSION
#define CAEC_STRINGIFY_(x) #x
#define CAEC_STRINGIFY(x) CAEC_STRINGIFY_(x)
    snprintf(out, CAEC_VERSION_SIZE, "libjpeg-turbo %s, API %d", CAEC_STRINGIFY(LIBJPEG_TURBO_VERSION),
             JPEG_LIB_VERSION);
#else
    snprintf(out, CAEC_VERSION_SIZE, "libjpeg API %d", JPEG_LIB_VERSION);
#endif
}
