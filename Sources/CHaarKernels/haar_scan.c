// The scalar reference scan: one window at a time, the definition every variant must reproduce.
#include "haar_kernels.h"
#include "internal/haar_window.h"
#include "internal/cascade_hits.h"

// Returns 1 when accepted, 0 when the first stage rejects, -1 for the variance rejection,
// -k when stage k rejects (OpenCV's runAt convention).
static inline int evaluate_window(const edge_haar_cascade *cascade, const int32_t *window,
                                  const uint32_t *window_sq) {
    uint32_t norm = edge_haar_window_norm(cascade, window, window_sq);
    if (norm == 0) return -1;
    int32_t shift = edge_haar_decision_shift(cascade);
    for (int32_t s = 0; s < cascade->stage_count; s++) {
        const edge_haar_stage *stage = &cascade->stages[s];
        int passes = cascade->stumps
            ? edge_haar_stump_stage_passes(stage, cascade->stumps + stage->first_tree, window, norm, shift)
            : edge_haar_tree_stage_passes(cascade, stage, window, norm, shift);
        if (!passes) return -s;
    }
    return 1;
}

size_t edge_haar_scan_ref(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                          int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                          size_t capacity) {
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        for (int32_t x = 0; x < columns; x += step) {
            int result = evaluate_window(cascade, row + x, row_sq + x);
            if (result > 0) {
                edge_cascade_record_hit(hits, capacity, &count, x, y);
            } else if (result == 0) {
                x += step;
            }
        }
    }
    return count;
}
