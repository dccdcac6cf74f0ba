// See include/caec_training_kernels.h. `restrict` rows and plain loops let the compiler vectorise each clone.
#include "caec_training_kernels.h"

#include <math.h>

#include "caec_clones.h"

CAEC_CLONES
void caec_gdn_prepare(const float *x, long x_stride, const float *beta, float *squares, float *s, long C, long B) {
    for (long c = 0; c < C; c++) {
        const float *restrict row = x + c * x_stride;
        float *restrict square = squares + c * B;
        float *restrict sum = s + c * B;
        float b = beta[c];
        for (long p = 0; p < B; p++) {
            square[p] = row[p] * row[p];
            sum[p] = b;
        }
    }
}

CAEC_CLONES
void caec_gdn_finish(const float *x, long x_stride, const float *s, float *y, long y_stride, long C, long B,
                     int inverse) {
    for (long c = 0; c < C; c++) {
        const float *restrict row = x + c * x_stride;
        const float *restrict sum = s + c * B;
        float *restrict out = y + c * y_stride;
        if (inverse) {
            for (long p = 0; p < B; p++) out[p] = row[p] * sqrtf(sum[p]);
        } else {
            for (long p = 0; p < B; p++) out[p] = row[p] / sqrtf(sum[p]);
        }
    }
}

CAEC_CLONES
void caec_gdn_backward_factors(const float *x, const float *g, long stride, float *s, float *v, float *d_beta,
                               long C, long B, int inverse) {
    float e = inverse ? 0.5f : -0.5f;
    for (long c = 0; c < C; c++) {
        const float *restrict row = x + c * stride;
        const float *restrict gradient = g + c * stride;
        float *restrict sum = s + c * B;
        float *restrict factor = v + c * B;
        float total = 0;
        for (long p = 0; p < B; p++) {
            float root = sqrtf(sum[p]);
            float power = inverse ? root : 1 / root;
            float value = gradient[p] * e * row[p] * power / sum[p];
            factor[p] = value;
            sum[p] = power;
            total += value;
        }
        d_beta[c] = total;
    }
}

CAEC_CLONES
void caec_gdn_backward_combine(const float *x, const float *g, long stride, const float *power, const float *mixed,
                               float *dx, long C, long B) {
    for (long c = 0; c < C; c++) {
        const float *restrict row = x + c * stride;
        const float *restrict gradient = g + c * stride;
        const float *restrict scale = power + c * B;
        const float *restrict mix = mixed + c * B;
        float *restrict out = dx + c * stride;
        for (long p = 0; p < B; p++) out[p] = gradient[p] * scale[p] + 2 * row[p] * mix[p];
    }
}
