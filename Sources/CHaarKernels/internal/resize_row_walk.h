// Shared by the reference resize and its SIMD variants: the walk over destination rows (which source rows get a
// horizontal pass, reusing the previous ones) and the scalar horizontal pass and vertical blend of the contract
// (include/resize_bilinear_exact.h) on uint32 rows, which the variants use for their tails.
#ifndef EDGE_RESIZE_ROW_WALK_H
#define EDGE_RESIZE_ROW_WALK_H

#include <stddef.h>

#include "resize_bilinear_exact.h"

// Columns begin <= d < end of one source row: h = w0 * p[i] + w1 * p[i + 1] (p[i + 1] not read when w1 == 0).
static inline void edge_resize_horizontal_u32(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *line,
                                              int32_t begin, int32_t end, uint32_t *row) {
    const int32_t *taps = plan->column_taps;
    const int16_t *weights = plan->column_weights;
    for (int32_t d = begin; d < end; d++) {
        const int32_t i = taps[d];
        const uint32_t w1 = (uint32_t)weights[2 * d + 1];
        row[d] = (uint32_t)weights[2 * d] * line[i] + (w1 ? w1 * line[i + 1] : 0);
    }
}

// Columns begin <= d < end of one destination row; lower == NULL when v1 == 0 (a single source row).
static inline void edge_resize_blend_u32(const uint32_t *upper, const uint32_t *lower, uint32_t v0, uint32_t v1,
                                         int32_t begin, int32_t end, uint8_t *out) {
    if (lower == NULL) {
        for (int32_t d = begin; d < end; d++) out[d] = (uint8_t)((upper[d] + 128) >> 8);
        return;
    }
    for (int32_t d = begin; d < end; d++) out[d] = (uint8_t)((upper[d] * v0 + lower[d] * v1 + 32768) >> 16);
}

// A variant's horizontal pass of one whole source row into `row` (its own element type) and its blend of one whole
// destination row (lower == NULL when v1 == 0); `context` is the variant's.
typedef void (*edge_resize_horizontal_fn)(const void *context, const uint8_t *line, void *row);
typedef void (*edge_resize_blend_fn)(const void *context, const void *upper, const void *lower, int32_t v0, int32_t v1,
                                     uint8_t *out);

// Destination rows row_begin ..< row_end: each needed source row resized horizontally once while consecutive
// destination rows share it (the two rows of `workspace`, `row_bytes` each, are swapped rather than recomputed).
static inline void edge_resize_walk_rows(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *source,
                                         int32_t source_stride, int32_t row_begin, int32_t row_end,
                                         uint8_t *destination, int32_t destination_stride, void *workspace,
                                         size_t row_bytes, const void *context, edge_resize_horizontal_fn horizontal,
                                         edge_resize_blend_fn blend) {
    char *upper = (char *)workspace, *lower = upper + row_bytes;
    int32_t upper_index = -1, lower_index = -1;
    for (int32_t r = row_begin; r < row_end; r++) {
        const int32_t first = plan->row_taps[r];
        const int32_t v0 = plan->row_weights[2 * r], v1 = plan->row_weights[2 * r + 1];
        if (first == lower_index) {
            char *swap = upper;
            upper = lower, lower = swap;
            lower_index = upper_index, upper_index = first;
        }
        if (first != upper_index) {
            horizontal(context, source + (size_t)first * (size_t)source_stride, upper);
            upper_index = first;
        }
        uint8_t *out = destination + (size_t)(r - row_begin) * (size_t)destination_stride;
        if (v1 == 0) {
            blend(context, upper, NULL, v0, v1, out);
            continue;
        }
        if (first + 1 != lower_index) {
            horizontal(context, source + (size_t)(first + 1) * (size_t)source_stride, lower);
            lower_index = first + 1;
        }
        blend(context, upper, lower, v0, v1, out);
    }
}

#endif
