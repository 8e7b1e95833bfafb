#include "haar_kernels.h"

typedef unsigned __int128 u128;

static inline int32_t rect_sum(const int32_t *window, const int32_t corners[4]) {
    return window[corners[0]] - window[corners[1]] - window[corners[2]] + window[corners[3]];
}

// True when value (fixed point) < t * sqrt(nf); see the header for the squared form.
static inline int goes_left(int64_t value, uint64_t threshold_squared, int32_t threshold_negative,
                            uint64_t variance_term, int32_t square_shift) {
    uint64_t magnitude = (uint64_t)(value < 0 ? -value : value);
    u128 lhs = ((u128)magnitude * magnitude) << square_shift;
    u128 rhs = (u128)threshold_squared * variance_term;
    if (!threshold_negative) return value < 0 || lhs < rhs;
    return value < 0 && lhs > rhs;
}

static inline int64_t feature_value(const int32_t *window, const int32_t offsets[3][4], const int32_t weights[3]) {
    int64_t value = (int64_t)weights[0] * rect_sum(window, offsets[0]) + (int64_t)weights[1] * rect_sum(window, offsets[1]);
    if (weights[2] != 0) value += (int64_t)weights[2] * rect_sum(window, offsets[2]);
    return value;
}

// Returns 1 when accepted, 0 when the first stage rejects, -1 for the variance rejection,
// -k when stage k rejects (OpenCV's runAt convention).
static inline int evaluate_window(const edge_haar_cascade *cascade, const int32_t *window,
                                  const uint32_t *window_sq) {
    const int32_t *n = cascade->norm_offsets;
    int64_t sum = window[n[0]] - window[n[1]] - window[n[2]] + window[n[3]];
    uint32_t square_sum = window_sq[n[0]] - window_sq[n[1]] - window_sq[n[2]] + window_sq[n[3]];
    int64_t variance_term = cascade->norm_area * (int64_t)square_sum - sum * sum;
    if (variance_term <= cascade->min_variance_term) return -1;
    uint64_t nf = (uint64_t)variance_term;
    int32_t shift = cascade->square_shift;

    if (cascade->stumps) {
        const edge_haar_stump *stump = cascade->stumps;
        for (int32_t s = 0; s < cascade->stage_count; s++) {
            const edge_haar_stage *stage = &cascade->stages[s];
            int64_t total = 0;
            for (int32_t i = 0; i < stage->tree_count; i++, stump++) {
                int64_t value = feature_value(window, stump->offsets, stump->weights);
                total += goes_left(value, stump->threshold_squared, stump->threshold_negative, nf, shift)
                             ? stump->left : stump->right;
            }
            if (total < stage->threshold) return -s;
        }
        return 1;
    }
    for (int32_t s = 0; s < cascade->stage_count; s++) {
        const edge_haar_stage *stage = &cascade->stages[s];
        int64_t total = 0;
        for (int32_t t = 0; t < stage->tree_count; t++) {
            const edge_haar_tree *tree = &cascade->trees[stage->first_tree + t];
            const edge_haar_node *root = &cascade->nodes[tree->first_node];
            int32_t index = 0;
            do {
                const edge_haar_node *node = &root[index];
                const edge_haar_feature *feature = &cascade->features[node->feature];
                int64_t value = feature_value(window, feature->offsets, feature->weights);
                index = goes_left(value, node->threshold_squared, node->threshold_negative, nf, shift) ? node->left
                                                                                                      : node->right;
            } while (index > 0);
            total += cascade->leaves[tree->first_leaf - index];
        }
        if (total < stage->threshold) return -s;
    }
    return 1;
}

size_t edge_haar_scan(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                      int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                      size_t capacity) {
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        for (int32_t x = 0; x < columns; x += step) {
            int result = evaluate_window(cascade, row + x, row_sq + x);
            if (result > 0) {
                if (count < capacity) {
                    hits[2 * count] = x;
                    hits[2 * count + 1] = y;
                }
                count++;
            } else if (result == 0) {
                x += step;
            }
        }
    }
    return count;
}
