#ifndef CCAEC_ZLIB_SHIM_H
#define CCAEC_ZLIB_SHIM_H
#include <zlib.h>
#endif
