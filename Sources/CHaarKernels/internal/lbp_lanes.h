// The scan loop the SIMD variants share: windows side by side in lanes (`lanes` consecutive origins
// of a row), a variant-specific function evaluating one stage for all lanes, OpenCV's first-stage skip
// rule resolved lane by lane after the first stage, and the reference for the row tails.
// For step > 1 the integral image is first copied into `step` column planes (plane p holds columns
// p, p + step, ...), so that consecutive origins x, x + step, ... read consecutive entries.
#ifndef EDGE_LBP_LANES_H
#define EDGE_LBP_LANES_H

#include "cascade_hits.h"
#include "lbp_window.h"

// Bit k set when stage `stage` (its stumps from `first`) accepts the window of lane k, whose top-left
// entry is p + k.
typedef uint32_t (*edge_lbp_stage_lanes_fn)(const edge_lbp_cascade *cascade, int32_t stage, int32_t first,
                                            const int32_t *offsets, const int32_t *p);

static size_t edge_lbp_scan_lanes(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                                  int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace,
                                  int32_t lanes, edge_lbp_stage_lanes_fn stage_lanes) {
    if (step < 1 || step > EDGE_LBP_MAX_STEP || columns <= 0 || rows <= 0)
        return edge_u8_lbp_scan_ref(cascade, sum, stride, columns, rows, step, hits, capacity, workspace);
    int32_t extent_columns = 0, extent_rows = 0;
    for (int32_t i = 0; i < cascade->stump_count; i++) {
        const edge_lbp_stump *s = &cascade->stumps[i];
        if (s->x + 3 * s->block_width > extent_columns) extent_columns = s->x + 3 * s->block_width;
        if (s->y + 3 * s->block_height > extent_rows) extent_rows = s->y + 3 * s->block_height;
    }
    extent_columns += columns;  // integral entries the windows read, per row and per column
    extent_rows += rows;
    int32_t *plain = (int32_t *)edge_lbp_align64(workspace);
    int32_t *offsets = (int32_t *)edge_lbp_align64(plain + 16 * cascade->stump_count);
    int32_t *planes = (int32_t *)edge_lbp_align64(offsets + 16 * cascade->stump_count);
    edge_lbp_offsets(cascade, stride, 1, 0, plain);
    const int32_t *base = sum;
    int32_t row_stride = stride;
    if (step == 1) {
        offsets = plain;
    } else {
        const int32_t width = (extent_columns + step - 1) / step, plane_size = width * extent_rows;
        for (int32_t p = 0; p < step; p++) {
            for (int32_t r = 0; r < extent_rows; r++) {
                const int32_t *source = sum + (size_t)r * (size_t)stride + p;
                int32_t *target = planes + (size_t)p * (size_t)plane_size + (size_t)r * (size_t)width;
                for (int32_t j = 0; j < width; j++) target[j] = p + j * step < extent_columns ? source[j * step] : 0;
            }
        }
        edge_lbp_offsets(cascade, width, step, plane_size, offsets);
        base = planes;
        row_stride = width;
    }
    const int32_t positions = (columns + step - 1) / step;
    const int32_t first_stage_stumps = cascade->stages[0].stump_count;
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        int skip = 0;
        int32_t j = 0;
        for (; j + lanes <= positions; j += lanes) {
            const int32_t *p = base + (size_t)y * (size_t)row_stride + j;
            const uint32_t passed = stage_lanes(cascade, 0, 0, offsets, p);
            uint32_t alive = 0;
            for (int32_t k = 0; k < lanes; k++) {
                if (skip) {
                    skip = 0;
                } else if ((passed >> k) & 1) {
                    alive |= 1u << k;
                } else {
                    skip = 1;
                }
            }
            int32_t first = first_stage_stumps;
            for (int32_t s = 1; alive != 0 && s < cascade->stage_count; s++) {
                alive &= stage_lanes(cascade, s, first, offsets, p);
                first += cascade->stages[s].stump_count;
            }
            for (int32_t k = 0; k < lanes; k++) {
                if ((alive >> k) & 1) edge_cascade_record_hit(hits, capacity, &count, (j + k) * step, y);
            }
        }
        for (; j < positions; j++) {
            if (skip) {
                skip = 0;
                continue;
            }
            const int32_t x = j * step;
            const int result = edge_lbp_window(cascade, plain, sum + (size_t)y * (size_t)stride + x);
            if (result > 0) {
                edge_cascade_record_hit(hits, capacity, &count, x, y);
            } else if (result == 0) {
                skip = 1;
            }
        }
    }
    return count;
}

#endif
