// See include/caec_blas.h. CBLAS constants and OpenBLAS's entry points are declared here rather than taken from
// cblas.h, because the library is reached through dlsym only.
#define _GNU_SOURCE
#include "caec_blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*string_fn)(void);

static caec_blas_info blas_info;
static sgemm_fn blas_sgemm;
// LAPACK's dsyev from the same library (OpenBLAS ships LAPACK); the two trailing arguments are the hidden lengths
// of the character arguments that gfortran-built LAPACK expects (ignored by a C-built one).
typedef void (*dsyev_fn)(const char *, const char *, const int *, double *, const int *, double *, double *,
                         const int *, int *, size_t, size_t);
static dsyev_fn lapack_dsyev;
static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void copy_string(char *destination, size_t capacity, const char *source) {
    snprintf(destination, capacity, "%s", source ? source : "");
}

#if defined(__x86_64__) || defined(__i386__)
static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}
#endif

void caec_cpu_detect(caec_cpu_info *out) {
    memset(out, 0, sizeof *out);
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return;
    unsigned int max_leaf = eax;
    memcpy(out->vendor, &ebx, 4);
    memcpy(out->vendor + 4, &edx, 4);
    memcpy(out->vendor + 8, &ecx, 4);
    out->vendor[12] = 0;

    if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) && eax >= 0x80000004) {
        unsigned int words[12];
        for (unsigned int i = 0; i < 3; i++)
            __get_cpuid(0x80000002 + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
        memcpy(out->brand, words, 48);
        out->brand[48] = 0;
        // Trim the padding some processors put around the brand string.
        char *start = out->brand;
        while (*start == ' ') start++;
        memmove(out->brand, start, strlen(start) + 1);
        for (size_t n = strlen(out->brand); n > 0 && out->brand[n - 1] == ' '; n--) out->brand[n - 1] = 0;
    }

    if (max_leaf < 1) return;
    __cpuid_count(1, 0, eax, ebx, ecx, edx);
    unsigned int leaf1_ecx = ecx;
    if (leaf1_ecx & (1u << 20)) out->flags |= CAEC_CPU_SSE42;
    // AVX state (XMM and YMM) and AVX-512 state (opmask, ZMM0-15 upper halves, ZMM16-31) saved by the OS.
    int os_avx = 0, os_avx512 = 0;
    if (leaf1_ecx & (1u << 27)) {  // OSXSAVE: XGETBV is available
        unsigned long long xcr0 = read_xcr0();
        os_avx = (xcr0 & 0x6) == 0x6;
        os_avx512 = os_avx && (xcr0 & 0xE0) == 0xE0;
    }
    if (!os_avx || !(leaf1_ecx & (1u << 28))) return;
    out->flags |= CAEC_CPU_AVX;
    if (leaf1_ecx & (1u << 12)) out->flags |= CAEC_CPU_FMA;
    if (max_leaf < 7) return;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    unsigned int leaf7_ebx = ebx, leaf7_max_subleaf = eax;
    if (leaf7_ebx & (1u << 5)) out->flags |= CAEC_CPU_AVX2;
    if (!os_avx512 || !(leaf7_ebx & (1u << 16))) return;
    out->flags |= CAEC_CPU_AVX512F;
    if (leaf7_ebx & (1u << 17)) out->flags |= CAEC_CPU_AVX512DQ;
    if (leaf7_ebx & (1u << 28)) out->flags |= CAEC_CPU_AVX512CD;
    if (leaf7_ebx & (1u << 30)) out->flags |= CAEC_CPU_AVX512BW;
    if (leaf7_ebx & (1u << 31)) out->flags |= CAEC_CPU_AVX512VL;
    if (leaf7_max_subleaf >= 1) {
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        if (eax & (1u << 5)) out->flags |= CAEC_CPU_AVX512BF16;
    }
#endif
}

const char *caec_blas_core_for_cpu(const char *vendor, unsigned flags) {
    const unsigned skylakex = CAEC_CPU_AVX512F | CAEC_CPU_AVX512CD | CAEC_CPU_AVX512BW | CAEC_CPU_AVX512DQ |
                              CAEC_CPU_AVX512VL | CAEC_CPU_AVX2 | CAEC_CPU_FMA | CAEC_CPU_AVX;
    const unsigned haswell = CAEC_CPU_AVX2 | CAEC_CPU_FMA | CAEC_CPU_AVX;
    int amd = vendor && (strcmp(vendor, "AuthenticAMD") == 0 || strcmp(vendor, "HygonGenuine") == 0);
    // AMD's AVX-512 (Zen 4) runs 512-bit operations as two 256-bit halves: OpenBLAS's Zen (AVX2) kernels were
    // 6-32% faster than its SkylakeX and Cooperlake kernels on caec's sgemm shapes there, 2.2x on the 3-channel
    // output convolution (measured on an AMD EPYC of family 25, 2026-11-29).
    if (amd && (flags & haswell) == haswell) return "Zen";
    if ((flags & skylakex) == skylakex) return (flags & CAEC_CPU_AVX512BF16) ? "Cooperlake" : "SkylakeX";
    if ((flags & haswell) == haswell) return "Haswell";
    if (flags & CAEC_CPU_AVX) return "Sandybridge";
    return NULL;
}

static const char *const library_names[] = {"libopenblas.so.0", "libopenblas.so"};

static void load_once(void) {
    caec_blas_info *info = &blas_info;
    void *handle = NULL;
    for (size_t i = 0; i < sizeof library_names / sizeof *library_names && !handle; i++)
        handle = dlopen(library_names[i], RTLD_NOW | RTLD_NOLOAD);
    if (handle) {
        info->core_source = CAEC_BLAS_CORE_FROM_HOST;
        copy_string(info->requested_core, sizeof info->requested_core, getenv("OPENBLAS_CORETYPE"));
    } else {
        const char *user = getenv("OPENBLAS_CORETYPE");
        const char *chosen = NULL;
        if (user && *user) {
            info->core_source = CAEC_BLAS_CORE_FROM_ENVIRONMENT;
            copy_string(info->requested_core, sizeof info->requested_core, user);
        } else {
            caec_cpu_info cpu;
            caec_cpu_detect(&cpu);
            chosen = caec_blas_core_for_cpu(cpu.vendor, cpu.flags);
            info->core_source = chosen ? CAEC_BLAS_CORE_FROM_CPUID : CAEC_BLAS_CORE_FROM_OPENBLAS;
            copy_string(info->requested_core, sizeof info->requested_core, chosen);
        }
        // OpenBLAS reads OPENBLAS_CORETYPE in its library constructor, which runs inside dlopen; the variable is
        // removed again right after, so that child processes and the host see the environment they had.
        if (chosen) setenv("OPENBLAS_CORETYPE", chosen, 1);
        // One thread from the start: OpenBLAS then starts no thread pool of its own to spin beside caec's workers.
        int set_threads = !getenv("OPENBLAS_NUM_THREADS");
        if (set_threads) setenv("OPENBLAS_NUM_THREADS", "1", 1);
        const char *last_error = NULL;
        for (size_t i = 0; i < sizeof library_names / sizeof *library_names && !handle; i++) {
            handle = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
            if (!handle) last_error = dlerror();
        }
        if (chosen) unsetenv("OPENBLAS_CORETYPE");
        if (set_threads) unsetenv("OPENBLAS_NUM_THREADS");
        if (!handle) {
            snprintf(info->error, sizeof info->error, "cannot load OpenBLAS (%s); install Debian's libopenblas0",
                     last_error ? last_error : "not found");
            return;
        }
    }
    blas_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    lapack_dsyev = (dsyev_fn)dlsym(handle, "dsyev_");
    set_threads_fn set_num_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    string_fn corename = (string_fn)dlsym(handle, "openblas_get_corename");
    string_fn config = (string_fn)dlsym(handle, "openblas_get_config");
    if (!blas_sgemm || !set_num_threads) {
        snprintf(info->error, sizeof info->error, "the loaded OpenBLAS lacks cblas_sgemm or openblas_set_num_threads");
        blas_sgemm = NULL;
        return;
    }
    // caec parallelises over samples and bands itself; OpenBLAS runs on the calling thread. A copy the host process
    // loaded is the host's: its thread count is left as the host set it.
    if (info->core_source != CAEC_BLAS_CORE_FROM_HOST) set_num_threads(1);
    if (corename) copy_string(info->core_name, sizeof info->core_name, corename());
    if (config) copy_string(info->config, sizeof info->config, config());
    Dl_info where;
    if (dladdr((void *)blas_sgemm, &where) && where.dli_fname)
        copy_string(info->library, sizeof info->library, where.dli_fname);
    info->loaded = 1;
}

const caec_blas_info *caec_blas_load(void) {
    pthread_once(&blas_once, load_once);
    return &blas_info;
}

void caec_blas_sgemm(int transpose_a, int transpose_b, int m, int n, int k, float alpha, const float *a, int lda,
                     const float *b, int ldb, float beta, float *c, int ldc) {
    blas_sgemm(CBLAS_ROW_MAJOR, transpose_a ? CBLAS_TRANS : CBLAS_NO_TRANS, transpose_b ? CBLAS_TRANS : CBLAS_NO_TRANS,
               m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int caec_lapack_dsyev(int n, double *a, double *eigenvalues) {
    if (!caec_blas_load()->loaded || !lapack_dsyev) return CAEC_LAPACK_MISSING;
    int info = 0, query_size = -1;
    double query = 0;
    lapack_dsyev("V", "U", &n, a, &n, eigenvalues, &query, &query_size, &info, 1, 1);
    if (info != 0) return info;
    int work_size = (int)query > 3 * n ? (int)query : 3 * n;
    double *work = malloc(sizeof(double) * (size_t)work_size);
    if (!work) return CAEC_LAPACK_MISSING - 1;
    lapack_dsyev("V", "U", &n, a, &n, eigenvalues, work, &work_size, &info, 1, 1);
    free(work);
    return info;
}
