#ifndef CCAEC_BLAS_SHIM_H
#define CCAEC_BLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). cblas.h also declares openblas_set_num_threads.
#include <cblas.h>
#endif
