// See include/caec_kernels.h. Floating-point contraction is off for the whole file, and every product is a
// statement of its own, so no compiler may fuse a multiply and an add.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#include "caec_kernels.h"

#include <stdlib.h>
#include <string.h>

// A micro-tile is MR output channels x NR vectors of output positions, accumulated in registers over all of K.
// The columns of one tile of positions are first packed into a (K, NR * lanes) panel, read sequentially by every
// group of MR channels.
#define MR 4
#define NR 3

// One step of the micro-tile: accumulator[I][J] += weight * X (times X again for GDN), rounded after each operation.
#define STEP(SQUARE, I, J, X)                                                                                          \
    product = weight * X;                                                                                              \
    if (SQUARE) product = product * X;                                                                                 \
    accumulator[I][J] = accumulator[I][J] + product

#define DEFINE_CONV_COLUMNS(NAME, ATTRIBUTE, LANES, SQUARE)                                                            \
    typedef float NAME##_vector __attribute__((vector_size(LANES * 4), aligned(LANES * 4)));                           \
    typedef float NAME##_unaligned __attribute__((vector_size(LANES * 4), aligned(4)));                                \
    ATTRIBUTE static inline NAME##_vector splat_##NAME(float value) {                                                  \
        float lanes[LANES];                                                                                            \
        for (int l = 0; l < LANES; l++) lanes[l] = value;                                                              \
        NAME##_vector vector;                                                                                          \
        memcpy(&vector, lanes, sizeof vector);                                                                         \
        return vector;                                                                                                 \
    }                                                                                                                  \
    ATTRIBUTE static int NAME(const float *w, const float *b, const float *columns, float *y, long OC, long K,         \
                              long P, long column_stride, long output_stride) {                                        \
        enum { PB = NR * LANES };                                                                                      \
        /* panel is (K, PB); tile is (MR, PB): the results of a partial tile before they are copied out. */            \
        NAME##_vector *panel = aligned_alloc(64, ((size_t)K * PB * sizeof(float) + 63) / 64 * 64);                     \
        NAME##_vector tile[MR * NR];                                                                                   \
        if (!panel) return -1;                                                                                         \
        for (long p0 = 0; p0 < P; p0 += PB) {                                                                          \
            long count = P - p0 < PB ? P - p0 : PB;                                                                    \
            float *packed = (float *)panel;                                                                            \
            for (long k = 0; k < K; k++) {                                                                             \
                memcpy(packed + k * PB, columns + k * column_stride + p0, (size_t)count * sizeof(float));              \
                memset(packed + k * PB + count, 0, (size_t)(PB - count) * sizeof(float));                              \
            }                                                                                                          \
            for (long oc0 = 0; oc0 < OC; oc0 += MR) {                                                                  \
                long rows = OC - oc0 < MR ? OC - oc0 : MR;                                                             \
                NAME##_vector accumulator[MR][NR];                                                                     \
                for (int i = 0; i < MR; i++)                                                                           \
                    for (int j = 0; j < NR; j++) {                                                                     \
                        float bias[LANES];                                                                             \
                        for (int l = 0; l < LANES; l++) bias[l] = i < rows && b ? b[oc0 + i] : 0.0f;                   \
                        memcpy(&accumulator[i][j], bias, sizeof bias);                                                 \
                    }                                                                                                  \
                const float *w0 = w + oc0 * K;                                                                         \
                const float *w1 = w + (rows > 1 ? oc0 + 1 : oc0) * K;                                                  \
                const float *w2 = w + (rows > 2 ? oc0 + 2 : oc0) * K;                                                  \
                const float *w3 = w + (rows > 3 ? oc0 + 3 : oc0) * K;                                                  \
                const NAME##_vector *x = panel;                                                                        \
                for (long k = 0; k < K; k++, x += NR) {                                                                \
                    NAME##_vector x0 = x[0], x1 = x[1], x2 = x[2];                                                     \
                    NAME##_vector weight, product;                                                                     \
                    weight = splat_##NAME(w0[k]);                                                                      \
                    STEP(SQUARE, 0, 0, x0);                                                                            \
                    STEP(SQUARE, 0, 1, x1);                                                                            \
                    STEP(SQUARE, 0, 2, x2);                                                                            \
                    weight = splat_##NAME(w1[k]);                                                                      \
                    STEP(SQUARE, 1, 0, x0);                                                                            \
                    STEP(SQUARE, 1, 1, x1);                                                                            \
                    STEP(SQUARE, 1, 2, x2);                                                                            \
                    weight = splat_##NAME(w2[k]);                                                                      \
                    STEP(SQUARE, 2, 0, x0);                                                                            \
                    STEP(SQUARE, 2, 1, x1);                                                                            \
                    STEP(SQUARE, 2, 2, x2);                                                                            \
                    weight = splat_##NAME(w3[k]);                                                                      \
                    STEP(SQUARE, 3, 0, x0);                                                                            \
                    STEP(SQUARE, 3, 1, x1);                                                                            \
                    STEP(SQUARE, 3, 2, x2);                                                                            \
                }                                                                                                      \
                for (long i = 0; i < rows; i++) {                                                                      \
                    float *out = y + (oc0 + i) * output_stride + p0;                                                   \
                    if (count == PB) {                                                                                 \
                        for (int j = 0; j < NR; j++) *(NAME##_unaligned *)(out + j * LANES) = accumulator[i][j];       \
                    } else {                                                                                           \
                        for (int j = 0; j < NR; j++) tile[i * NR + j] = accumulator[i][j];                             \
                        memcpy(out, (float *)(tile + i * NR), (size_t)count * sizeof(float));                          \
                    }                                                                                                  \
                }                                                                                                      \
            }                                                                                                          \
        }                                                                                                              \
        free(panel);                                                                                                   \
        return 0;                                                                                                      \
    }

// Scalars are broadcast through memory (splat_*), not by adding a zero vector, which would turn -0 into +0.
// SQUARE = 1 gives GDN's sums: each product is (w * x) * x, as the reference's left-associative `gamma * x * x`.
DEFINE_CONV_COLUMNS(conv_columns_baseline, , 4, 0)
DEFINE_CONV_COLUMNS(gdn_norm_baseline, , 4, 1)

#if defined(__x86_64__)
DEFINE_CONV_COLUMNS(conv_columns_avx2, __attribute__((target("avx2"))), 8, 0)
DEFINE_CONV_COLUMNS(conv_columns_avx512, __attribute__((target("avx512f"))), 16, 0)
DEFINE_CONV_COLUMNS(gdn_norm_avx2, __attribute__((target("avx2"))), 8, 1)
DEFINE_CONV_COLUMNS(gdn_norm_avx512, __attribute__((target("avx512f"))), 16, 1)
#endif

int caec_kernels_available(int level) {
#if defined(__x86_64__)
    return level >= CAEC_KERNELS_SSE2 && level <= CAEC_KERNELS_AVX512;
#else
    return level == CAEC_KERNELS_SSE2;
#endif
}

// Every kernel above: weights (OC, K), bias (OC) or beta, columns (K, P) with row stride column_stride, output
// (OC, P) with row stride output_stride.
typedef int (*conv_columns_kernel)(const float *w, const float *b, const float *columns, float *y, long OC, long K,
                                   long P, long column_stride, long output_stride);

// The one dispatch: the kernel of `level` (an unavailable level falls back to the baseline), with GDN's squared
// products when `square` is 1.
static conv_columns_kernel select_kernel(int level, int square) {
    switch (level) {
#if defined(__x86_64__)
    case CAEC_KERNELS_AVX512:
        return square ? gdn_norm_avx512 : conv_columns_avx512;
    case CAEC_KERNELS_AVX2:
        return square ? gdn_norm_avx2 : conv_columns_avx2;
#endif
    default:
        return square ? gdn_norm_baseline : conv_columns_baseline;
    }
}

int caec_conv_columns_exact(int level, const float *w, const float *b, const float *columns, float *y, long OC,
                            long K, long P, long column_stride, long output_stride) {
    if (OC <= 0 || P <= 0) return 0;
    return select_kernel(level, 0)(w, b, columns, y, OC, K, P, column_stride, output_stride);
}

// GDN's norm is a 1x1 "convolution" of the squares: C output channels over K = C input channels.
int caec_gdn_norm_exact(int level, const float *gamma, const float *beta, const float *x, float *norm, long C,
                        long P, long x_stride, long norm_stride) {
    if (C <= 0 || P <= 0) return 0;
    return select_kernel(level, 1)(gamma, beta, x, norm, C, C, P, x_stride, norm_stride);
}
