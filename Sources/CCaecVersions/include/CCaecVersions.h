// CCaecVersions: the versions of libpng and libjpeg that caec runs with, for `caec --version` and reports.
//
// These two queries belong with the other libpng/libjpeg calls in CCaecImageIO; they sit here until that
// target's owner takes them in (see the install branch's notes). Nothing here decodes or encodes.

#ifndef CCAEC_VERSIONS_H
#define CCAEC_VERSIONS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Size of every version buffer, terminating NUL included.
#define CAEC_VERSION_SIZE 128

/// libpng's version as the loaded library reports it ("1.6.39").
void caec_libpng_version(char out[CAEC_VERSION_SIZE]);

/// libjpeg's version: libjpeg-turbo's release and the libjpeg API it implements ("libjpeg-turbo 2.1.5, API 62").
/// libjpeg has no run-time version query, so this is the version of the headers caec was built against.
void caec_libjpeg_version(char out[CAEC_VERSION_SIZE]);

#ifdef __cplusplus
}
#endif

#endif
