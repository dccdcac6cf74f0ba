// CAEC_CLONES: one clone of a training kernel per x86-64 level (AVX-512F, AVX2, baseline), chosen at load time by
// the dynamic loader (target_clones). Only for the training kernels (include/caec_training_kernels.h), which need
// not be bit-exact across machines. Private to this target.
#ifndef CAEC_CLONES_H
#define CAEC_CLONES_H

#if defined(__x86_64__)
#define CAEC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CAEC_CLONES
#endif

#endif
