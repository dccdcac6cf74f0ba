#ifndef CAEC_BLAS_H
#define CAEC_BLAS_H
// caec's door to BLAS: OpenBLAS (Debian's libopenblas0), loaded at first use with dlopen so that caec can choose
// its kernels from the processor's instruction sets before OpenBLAS's own start-up runs. OpenBLAS 0.3.21 picks
// its kernels from the CPU model and falls back to its Prescott (SSE3) kernels on processors newer than itself;
// caec instead asks for the kernels that CPUID and XGETBV say this processor and operating system can run.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Instruction sets, as bits of caec_cpu_info.flags. A flag is set only when the processor has the extension AND
// the operating system saves its registers (XGETBV), that is, when code using it can run.
enum {
    CAEC_CPU_SSE42 = 1u << 0,
    CAEC_CPU_AVX = 1u << 1,
    CAEC_CPU_FMA = 1u << 2,
    CAEC_CPU_AVX2 = 1u << 3,
    CAEC_CPU_AVX512F = 1u << 4,
    CAEC_CPU_AVX512DQ = 1u << 5,
    CAEC_CPU_AVX512CD = 1u << 6,
    CAEC_CPU_AVX512BW = 1u << 7,
    CAEC_CPU_AVX512VL = 1u << 8,
    CAEC_CPU_AVX512BF16 = 1u << 9,
};

typedef struct {
    char vendor[13];    // CPUID leaf 0: "GenuineIntel", "AuthenticAMD", ...; "" off x86-64
    char brand[49];     // CPUID 0x80000002-4, e.g. "AMD EPYC 9R14 96-Core Processor"; "" if absent
    unsigned flags;     // CAEC_CPU_* bits
} caec_cpu_info;

// Where the OpenBLAS core in use came from.
enum {
    CAEC_BLAS_CORE_FROM_CPUID = 0,        // caec set OPENBLAS_CORETYPE from caec_blas_core_for_cpu
    CAEC_BLAS_CORE_FROM_OPENBLAS = 1,     // no mapping for this CPU: OpenBLAS's own detection
    CAEC_BLAS_CORE_FROM_ENVIRONMENT = 2,  // OPENBLAS_CORETYPE was set by the user: respected
    CAEC_BLAS_CORE_FROM_HOST = 3,         // the host process had loaded OpenBLAS already: its choice stands
};

typedef struct {
    int loaded;              // 1 when OpenBLAS is loaded and sgemm can be called
    int core_source;         // CAEC_BLAS_CORE_FROM_*
    char library[256];       // the file dlopen found, e.g. /usr/lib/x86_64-linux-gnu/libopenblas.so.0
    char requested_core[32]; // the OPENBLAS_CORETYPE in force at load ("" if none)
    char core_name[32];      // openblas_get_corename(), e.g. "SkylakeX"
    char config[256];        // openblas_get_config()
    char error[256];         // why loading failed ("" when loaded)
} caec_blas_info;

// Reads CPUID and XGETBV (zeroes and empty strings off x86-64).
void caec_cpu_detect(caec_cpu_info *out);

// The OpenBLAS 0.3.21 core whose kernels fit `flags` best, or NULL where OpenBLAS's own choice is as good:
// on AMD and Hygon, AVX2 + FMA -> "Zen" (with or without AVX-512, which Zen 4 runs at half width); elsewhere
// AVX-512 F/CD/BW/DQ/VL + BF16 -> "Cooperlake", AVX-512 F/CD/BW/DQ/VL -> "SkylakeX", AVX2 + FMA -> "Haswell";
// AVX -> "Sandybridge"; otherwise NULL. Never names kernels that `flags` cannot run.
const char *caec_blas_core_for_cpu(const char *vendor, unsigned flags);

// Loads OpenBLAS once (thread-safe) with the core chosen above, unless OPENBLAS_CORETYPE is set or the process
// has loaded OpenBLAS already, and sets it to one thread. Returns the outcome; never NULL.
const caec_blas_info *caec_blas_load(void);

// Row-major sgemm through the loaded OpenBLAS: C = alpha * op(A) * op(B) + beta * C with op(A) (m, k), op(B)
// (k, n), C (m, n). Requires caec_blas_load()->loaded.
void caec_blas_sgemm(
    int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
    int ldb, float beta, float *c, int ldc);

// LAPACK dsyev through the loaded OpenBLAS: the eigenvalues (ascending, into `eigenvalues`, n of them) and
// eigenvectors of the symmetric n x n matrix `a` (column-major, upper triangle read); on return eigenvector k is
// a[k * n ..< (k + 1) * n]. Returns 0, LAPACK's info, or CAEC_LAPACK_MISSING if OpenBLAS or dsyev is not loaded
// (CAEC_LAPACK_MISSING - 1: out of memory).
#define CAEC_LAPACK_MISSING (-1000)
int caec_lapack_dsyev(int n, double *a, double *eigenvalues);

#ifdef __cplusplus
}
#endif
#endif
