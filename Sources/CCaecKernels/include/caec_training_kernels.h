#ifndef CAEC_TRAINING_KERNELS_H
#define CAEC_TRAINING_KERNELS_H
// Elementwise loops of the fast (training) GDN, vectorised by the compiler once per instruction set and chosen at
// load time (target_clones). Not bit-exact across machines: the codec's encoder never runs them.

#ifdef __cplusplus
extern "C" {
#endif

// For a band of B pixels of C channels: squares[c, p] = x[c, p]^2 and s[c, p] = beta[c]. x rows have stride
// x_stride; squares and s are (C, B).
void caec_gdn_prepare(const float *x, long x_stride, const float *beta, float *squares, float *s, long C, long B);

// y[c, p] = x[c, p] / sqrt(s[c, p]) (inverse: x * sqrt(s)). x and y rows have strides x_stride, y_stride; s is
// (C, B).
void caec_gdn_finish(const float *x, long x_stride, const float *s, float *y, long y_stride, long C, long B,
                     int inverse);

// The backward's per-pixel factors, with e = -1/2 (GDN) or +1/2 (inverse): power = s^e, v = g * e * x * power / s,
// s is overwritten with power, and d_beta[c] = sum over p of v[c, p]. x and g rows have stride `stride`.
void caec_gdn_backward_factors(const float *x, const float *g, long stride, float *s, float *v, float *d_beta,
                               long C, long B, int inverse);

// dx[c, p] = g[c, p] * power[c, p] + 2 * x[c, p] * mixed[c, p]; x, g, dx rows have stride `stride`; power and
// mixed are (C, B).
void caec_gdn_backward_combine(const float *x, const float *g, long stride, const float *power, const float *mixed,
                               float *dx, long C, long B);

// destination[i] = source[i * stride] for i < count: the strided rows of im2col (a convolution of stride > 1, the
// input gradient of a transposed convolution). Copies only, so every clone gives the same bits.
void caec_gather_strided(const float *source, long stride, float *destination, long count);

// destination[i * stride] += source[i] for i < count: the strided rows of col2im. One add per element, so every
// clone gives the same bits as the plain loop.
void caec_scatter_add_strided(const float *source, float *destination, long stride, long count);

#ifdef __cplusplus
}
#endif
#endif
