// Scalar pieces shared by the reference scan and the SIMD variants (their tails and set-up), so that
// every variant computes a window's norm and a stage's decision with the very same code.
#ifndef EDGE_HAAR_WINDOW_H
#define EDGE_HAAR_WINDOW_H

#include "haar_kernels.h"

// ceil(sqrt((i + 1) * 2^8)): an upper bound of sqrt(m) for every m < (i + 1) * 2^8 (only 64...255 are used).
__attribute__((unused)) static const uint16_t sqrt_guess[256] = {
    16, 23, 28, 32, 36, 40, 43, 46, 48, 51, 54, 56, 58, 60, 62, 64,
    66, 68, 70, 72, 74, 76, 77, 79, 80, 82, 84, 85, 87, 88, 90, 91,
    92, 94, 95, 96, 98, 99, 100, 102, 103, 104, 105, 107, 108, 109, 110, 111,
    112, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128,
    129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144,
    144, 145, 146, 147, 148, 149, 150, 151, 151, 152, 153, 154, 155, 156, 156, 157,
    158, 159, 160, 160, 161, 162, 163, 164, 164, 165, 166, 167, 168, 168, 169, 170,
    171, 171, 172, 173, 174, 174, 175, 176, 176, 177, 178, 179, 179, 180, 181, 182,
    182, 183, 184, 184, 185, 186, 186, 187, 188, 188, 189, 190, 190, 191, 192, 192,
    193, 194, 194, 195, 196, 196, 197, 198, 198, 199, 200, 200, 201, 202, 202, 203,
    204, 204, 205, 205, 206, 207, 207, 208, 208, 209, 210, 210, 211, 212, 212, 213,
    213, 214, 215, 215, 216, 216, 217, 218, 218, 219, 219, 220, 220, 221, 222, 222,
    223, 223, 224, 224, 225, 226, 226, 227, 227, 228, 228, 229, 230, 230, 231, 231,
    232, 232, 233, 233, 234, 235, 235, 236, 236, 237, 237, 238, 238, 239, 239, 240,
    240, 241, 242, 242, 243, 243, 244, 244, 245, 245, 246, 246, 247, 247, 248, 248,
    249, 249, 250, 250, 251, 251, 252, 252, 253, 253, 254, 254, 255, 255, 256, 256,
};

// sqrt(n) for 2^14 <= n < 2^62 to within a relative 2^-26: the table bound (relative error < 2^-6) and two
// Newton steps from above (each squares the relative error and halves it).
static inline uint64_t approximate_sqrt(uint64_t n) {
    int bits = 64 - __builtin_clzll(n);
    int shift = (bits - 15) & ~1;  // even, leaves 15 or 16 significant bits
    uint64_t x = (uint64_t)sqrt_guess[(n >> shift) >> 8] << (shift >> 1);
    x = (x + n / x) >> 1;
    x = (x + n / x) >> 1;
    return x;
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
    // variance_term > 100 * A^2 >= 900, so the shifted value is >= 2^14 as approximate_sqrt requires;
    // N < 2^30 for windows up to 64x64 (see the header), so it is never 0 and fits uint32.
    return (uint32_t)approximate_sqrt((uint64_t)variance_term << (2 * EDGE_HAAR_NORM_SHIFT));
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
