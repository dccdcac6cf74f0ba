#ifndef CAEC_KERNELS_H
#define CAEC_KERNELS_H
// Bit-exact inference kernels vectorised by hand, one build per instruction set, chosen at run time by the
// caller (CaecTensor's PortableKernels). Every variant computes each output element with the same operations in
// the same order as the plain reference kernel: a separate multiply and add per step (never a fused
// multiply-add: this file is compiled with floating-point contraction off), accumulated in k order. The vector
// lanes run across output positions only, so the results are identical on every machine, for every variant.

#ifdef __cplusplus
extern "C" {
#endif

// Instruction-set levels of the variants.
enum {
    CAEC_KERNELS_SSE2 = 0,    // x86-64 baseline (or plain C off x86-64): 4 lanes
    CAEC_KERNELS_AVX2 = 1,    // 8 lanes; needs AVX (the multiply and add are AVX instructions)
    CAEC_KERNELS_AVX512 = 2,  // 16 lanes; needs AVX-512 F
};

// Whether this build has the variant `level` (variants for other architectures are not built).
int caec_kernels_available(int level);

// y[oc, p] = b[oc] + sum over k = 0..K-1 of w[oc, k] * columns[k, p], accumulated in k order with one multiply
// and one add per step. w is (OC, K) row-major; b is (OC); columns is (K, P) with row stride `column_stride`;
// y row oc starts at y + oc * output_stride and holds P values. `level` must be available and supported by the
// processor (the caller checks CPUID). Returns 0, or -1 if scratch memory could not be allocated.
int caec_conv_columns_exact(int level, const float *w, const float *b, const float *columns, float *y, long OC,
                            long K, long P, long column_stride, long output_stride);

// GDN's sums (Ballé et al. 2016): norm[i, p] = beta[i] + sum over j = 0..C-1 of (gamma[i, j] * x[j, p]) * x[j, p],
// accumulated in j order, one multiply, multiply, add per step. gamma is (C, C); beta is (C); x row j starts at
// x + j * x_stride; norm row i at norm + i * norm_stride; P positions. Returns 0, or -1 without scratch memory.
int caec_gdn_norm_exact(int level, const float *gamma, const float *beta, const float *x, float *norm, long C,
                        long P, long x_stride, long norm_stride);

#ifdef __cplusplus
}
#endif
#endif
