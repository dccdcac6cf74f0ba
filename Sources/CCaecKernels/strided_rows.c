// See include/caec_training_kernels.h. The stride-2 loops are written out so that each clone vectorises them
// (interleaved loads and stores); other strides take the plain loop.
#include "caec_training_kernels.h"

#include "caec_clones.h"

CAEC_CLONES
void caec_gather_strided(const float *restrict source, long stride, float *restrict destination, long count) {
    if (stride == 2) {
        for (long i = 0; i < count; i++) destination[i] = source[2 * i];
    } else {
        for (long i = 0; i < count; i++) destination[i] = source[i * stride];
    }
}

CAEC_CLONES
void caec_scatter_add_strided(const float *restrict source, float *restrict destination, long stride, long count) {
    if (stride == 2) {
        for (long i = 0; i < count; i++) destination[2 * i] += source[i];
    } else {
        for (long i = 0; i < count; i++) destination[i * stride] += source[i];
    }
}
