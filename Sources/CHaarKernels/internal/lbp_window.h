// What every LBP scan variant shares: the stumps' grid offsets for one row stride, one window's
// evaluation (the reference semantics of lbp_kernels.h) and the workspace layout.
#ifndef EDGE_LBP_WINDOW_H
#define EDGE_LBP_WINDOW_H

#include "lbp_kernels.h"

// Offsets of the 4x4 grid corners of every stump, relative to the window's top-left entry of an
// integral image whose rows are `row_stride` entries apart and whose columns are interleaved into
// `step` planes of `plane_size` entries (step 1: the plain integral image). Corner (r, c) of the grid
// is column C = x + c*w: plane C % step, column C / step of that plane.
static inline void edge_lbp_offsets(const edge_lbp_cascade *cascade, int32_t row_stride, int32_t step,
                                    int32_t plane_size, int32_t *offsets) {
    for (int32_t i = 0; i < cascade->stump_count; i++) {
        const edge_lbp_stump *s = &cascade->stumps[i];
        for (int32_t r = 0; r < 4; r++) {
            for (int32_t c = 0; c < 4; c++) {
                const int32_t row = s->y + r * s->block_height, column = s->x + c * s->block_width;
                offsets[16 * i + 4 * r + c] = row * row_stride + column / step + (column % step) * plane_size;
            }
        }
    }
}

// The 8-bit code of one stump at one window (`p`: the window's top-left integral entry).
static inline uint32_t edge_lbp_code(const int32_t *p, const int32_t *o) {
#define EDGE_LBP_BLOCK(a, b) (p[o[4 * (a) + (b)]] - p[o[4 * (a) + (b) + 1]] - p[o[4 * (a) + (b) + 4]] + p[o[4 * (a) + (b) + 5]])
    const int32_t centre = EDGE_LBP_BLOCK(1, 1);
    return (uint32_t)(EDGE_LBP_BLOCK(0, 0) >= centre) << 7 | (uint32_t)(EDGE_LBP_BLOCK(0, 1) >= centre) << 6 |
           (uint32_t)(EDGE_LBP_BLOCK(0, 2) >= centre) << 5 | (uint32_t)(EDGE_LBP_BLOCK(1, 2) >= centre) << 4 |
           (uint32_t)(EDGE_LBP_BLOCK(2, 2) >= centre) << 3 | (uint32_t)(EDGE_LBP_BLOCK(2, 1) >= centre) << 2 |
           (uint32_t)(EDGE_LBP_BLOCK(2, 0) >= centre) << 1 | (uint32_t)(EDGE_LBP_BLOCK(1, 0) >= centre);
#undef EDGE_LBP_BLOCK
}

// Whether stage `stage` (its stumps from `first`) accepts the window.
static inline int edge_lbp_stage_accepts(const edge_lbp_cascade *cascade, int32_t stage, int32_t first,
                                         const int32_t *offsets, const int32_t *p) {
    int64_t total = 0;
    const int32_t count = cascade->stages[stage].stump_count;
    for (int32_t i = first; i < first + count; i++) {
        const uint32_t code = edge_lbp_code(p, offsets + 16 * i);
        const edge_lbp_stump *s = &cascade->stumps[i];
        if ((s->subset[code >> 5] >> (code & 31)) & 1) total += s->difference;
    }
    return total >= cascade->stages[stage].threshold;
}

// OpenCV's runAt result: 1 accepted, 0 rejected by the first stage, -k rejected by stage k.
static inline int edge_lbp_window(const edge_lbp_cascade *cascade, const int32_t *offsets, const int32_t *p) {
    int32_t first = 0;
    for (int32_t s = 0; s < cascade->stage_count; s++) {
        if (!edge_lbp_stage_accepts(cascade, s, first, offsets, p)) return -s;
        first += cascade->stages[s].stump_count;
    }
    return 1;
}

static inline void *edge_lbp_align64(void *p) { return (void *)(((uintptr_t)p + 63) & ~(uintptr_t)63); }

#endif
