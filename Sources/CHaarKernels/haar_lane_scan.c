#include "internal/haar_lane_scan.h"

#include <stdlib.h>

#include "internal/haar_window.h"

size_t edge_haar_lane_scan(const edge_haar_lane_ops *ops, const edge_haar_cascade *cascade, const int32_t *sum,
                           const uint32_t *sqsum, int32_t stride, int32_t columns, int32_t rows, int32_t step,
                           int32_t *hits, size_t capacity) {
    if (cascade->lane_stumps == NULL || cascade->stage_count == 0 || columns <= 0 || rows <= 0 || step <= 0)
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    const int32_t per_row = (columns + step - 1) / step, lanes = ops->lanes;
    // Blocks [0, dense) are evaluated on lanes: step 1 or 2 and every origin they read is a window.
    const int32_t dense = step <= 2 ? columns / (lanes * step) * lanes : 0;
    uint32_t *norms = malloc(sizeof(uint32_t) * (size_t)per_row);
    uint8_t *live = malloc((size_t)per_row), *passes = malloc((size_t)per_row);
    if (!norms || !live || !passes) {
        free(norms), free(live), free(passes);
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    }
    const int32_t shift = edge_haar_decision_shift(cascade);
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        for (int32_t i = 0; i < per_row; i++)
            norms[i] = edge_haar_window_norm(cascade, row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step);
        for (int32_t i = 0; i < per_row; i++) live[i] = norms[i] != 0;
        int32_t remaining = 0;
        for (int32_t s = 0; s < cascade->stage_count; s++) {
            const edge_haar_stage *stage = &cascade->stages[s];
            const edge_haar_stump *stumps = cascade->stumps + stage->first_tree;
            for (int32_t i = 0; i < per_row; i += lanes) {
                const int32_t end = i + lanes < per_row ? i + lanes : per_row;
                int32_t alive = 0;
                for (int32_t k = i; k < end; k++) alive += live[k];
                if (alive == 0) continue;
                if (alive > 1 && i < dense) {
                    ops->block_stage(cascade, s, row + (size_t)i * (size_t)step, step, norms + i, passes + i);
                    for (int32_t k = i; k < end; k++) live[k] &= passes[k];
                } else {
                    for (int32_t k = i; k < end; k++)
                        if (live[k])
                            live[k] = (uint8_t)edge_haar_stump_stage_passes(stage, stumps, row + (size_t)k * (size_t)step,
                                                                            norms[k], shift);
                }
            }
            if (s == 0) {  // OpenCV: a window rejected by stage 0 (not by the variance test) skips the next one
                for (int32_t i = 0; i < per_row; i++)
                    if (norms[i] != 0 && !live[i] && i + 1 < per_row) live[++i] = 0;
            }
            remaining = 0;
            for (int32_t i = 0; i < per_row; i++) remaining += live[i];
            if (remaining == 0) break;
        }
        for (int32_t i = 0; i < per_row && remaining > 0; i++)
            if (live[i]) {
                if (count < capacity) hits[2 * count] = i * step, hits[2 * count + 1] = y;
                count++;
            }
    }
    free(norms), free(live), free(passes);
    return count;
}
