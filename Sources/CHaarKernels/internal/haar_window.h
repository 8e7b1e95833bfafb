// Scalar pieces shared by the reference scan and the SIMD variants (their tails and set-up), so that
// every variant computes a window's norm and a stage's decision with the very same code.
#ifndef EDGE_HAAR_WINDOW_H
#define EDGE_HAAR_WINDOW_H

#include "haar_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

// The correctly rounded double square root as one instruction (no libm call, no errno path).
static inline double edge_haar_sqrt(double x) {
#if defined(__x86_64__)
    return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(x)));
#elif defined(__aarch64__)
    return vget_lane_f64(vsqrt_f64(vdup_n_f64(x)), 0);
#else
    return __builtin_sqrt(x);
#endif
}

// floor(sqrt(nf * 2^(2*EDGE_HAAR_NORM_SHIFT))) for 0 <= nf < 2^38: the header's definition of N (the double
// estimate, then the exact correction step each way).
static inline uint32_t edge_haar_norm(uint64_t variance_term) {
    const uint64_t n = variance_term << (2 * EDGE_HAAR_NORM_SHIFT);
    uint64_t r = (uint64_t)(int64_t)(edge_haar_sqrt((double)(int64_t)variance_term) * (double)(1 << EDGE_HAAR_NORM_SHIFT));
    if (r * r > n) r--;
    else if ((r + 1) * (r + 1) <= n) r++;
    return (uint32_t)r;
}

static inline int32_t rect_sum(const int32_t *window, const int32_t corners[4]) {
    return window[corners[0]] - window[corners[1]] - window[corners[2]] + window[corners[3]];
}

static inline int64_t feature_value(const int32_t *window, const int32_t offsets[3][4], const int32_t weights[3]) {
    int64_t value = (int64_t)weights[0] * rect_sum(window, offsets[0]) + (int64_t)weights[1] * rect_sum(window, offsets[1]);
    if (weights[2] != 0) value += (int64_t)weights[2] * rect_sum(window, offsets[2]);
    return value;
}

// The window's norm N (see the header's contract), or 0 when the variance test rejects the window.
static inline uint32_t edge_haar_window_norm(const edge_haar_cascade *cascade, const int32_t *window,
                                             const uint32_t *window_sq) {
    const int32_t *n = cascade->norm_offsets;
    int64_t sum = window[n[0]] - window[n[1]] - window[n[2]] + window[n[3]];
    uint32_t square_sum = window_sq[n[0]] - window_sq[n[1]] - window_sq[n[2]] + window_sq[n[3]];
    int64_t variance_term = cascade->norm_area * (int64_t)square_sum - sum * sum;
    if (variance_term <= cascade->min_variance_term) return 0;
    // variance_term > 100 * A^2 >= 900, so N >= 30 * 2^NORM_SHIFT is never 0; N < 2^29 (header).
    return edge_haar_norm((uint64_t)variance_term);
}

static inline int32_t edge_haar_decision_shift(const edge_haar_cascade *cascade) {
    return cascade->threshold_shift + EDGE_HAAR_NORM_SHIFT - EDGE_HAAR_WEIGHT_SHIFT;
}

// Whether stage `s` accepts the window (stump layout); `stumps` are the stage's first stump.
static inline int edge_haar_stump_stage_passes(const edge_haar_stage *stage, const edge_haar_stump *stump,
                                               const int32_t *window, int64_t norm, int32_t shift) {
    int64_t total = 0;
    for (int32_t i = 0; i < stage->tree_count; i++, stump++) {
        int64_t value = feature_value(window, stump->offsets, stump->weights);
        int64_t left = value < ((stump->threshold * norm) >> shift);
        total += stump->right + ((stump->left - stump->right) & -left);
    }
    return total >= stage->threshold;
}

// Whether stage `s` accepts the window (tree layout).
static inline int edge_haar_tree_stage_passes(const edge_haar_cascade *cascade, const edge_haar_stage *stage,
                                              const int32_t *window, int64_t norm, int32_t shift) {
    int64_t total = 0;
    for (int32_t t = 0; t < stage->tree_count; t++) {
        const edge_haar_tree *tree = &cascade->trees[stage->first_tree + t];
        const edge_haar_node *root = &cascade->nodes[tree->first_node];
        int32_t index = 0;
        do {
            const edge_haar_node *node = &root[index];
            const edge_haar_feature *feature = &cascade->features[node->feature];
            int64_t value = feature_value(window, feature->offsets, feature->weights);
            index = value < ((node->threshold * norm) >> shift) ? node->left : node->right;
        } while (index > 0);
        total += cascade->leaves[tree->first_leaf - index];
    }
    return total >= stage->threshold;
}

#endif
