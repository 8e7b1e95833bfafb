// The pyramid level resize (include/resize_bilinear_exact.h) with NEON (armv8.0) on uint16 rows (h <= 65280).
// Horizontal: 8 columns per step; when their taps lie within 31 bytes of the first (i0) and i0 + 32 <= source
// width, the 32 bytes at i0 are a two-register table that vqtbl2 indexes with i - i0 and i + 1 - i0 (made once per
// call), then h = p[i] * w0 + p[i + 1] * w1 in uint16 lanes (each product and the sum <= 65280: no wrap). Other
// columns (from the first block that does not qualify: the row end, or taps spread wider at levels beyond about 4x
// downscale) run the scalar code. Vertical: 8 columns per step,
// h0 * v0 + h1 * v1 as widening 16 x 16 -> 32-bit multiply-accumulates and the rounding narrowing shift
// (x + 2^15) >> 16; single rows as the rounding shift (h + 128) >> 8. Equal to the reference bit for bit.
#if defined(__aarch64__)
#include <arm_neon.h>
#include <stddef.h>

#include "resize_bilinear_exact.h"
#include "../internal/resize_row_walk.h"

// The reference's horizontal pass on uint16 rows (columns begin <= d < end).
static void horizontal_scalar(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *line, int32_t begin,
                              int32_t end, uint16_t *row) {
    for (int32_t d = begin; d < end; d++) {
        const int32_t i = plan->column_taps[d];
        const uint32_t w1 = (uint32_t)plan->column_weights[2 * d + 1];
        row[d] = (uint16_t)((uint32_t)plan->column_weights[2 * d] * line[i] + (w1 ? w1 * line[i + 1] : 0));
    }
}

typedef struct {
    const edge_u8_resize_bilinear_exact_plan *plan;
    const uint8_t *offsets;  // per column below table_columns: taps[d] - taps[first column of its block of 8]
    int32_t table_columns;
} neon_context;

// The table offsets of the leading blocks of 8 columns whose taps lie within 31 bytes of the block's first tap i0
// (i + 1 - i0 <= 31) with i0 + 32 <= source width, stored in `offsets`; returns how many columns they cover.
static int32_t make_offsets(const edge_u8_resize_bilinear_exact_plan *plan, uint8_t *offsets) {
    const int32_t *taps = plan->column_taps;
    int32_t d = 0;
    for (; d + 8 <= plan->width && taps[d + 7] + 1 - taps[d] <= 31 && taps[d] + 32 <= plan->source_width; d += 8)
        for (int32_t k = 0; k < 8; k++) offsets[d + k] = (uint8_t)(taps[d + k] - taps[d]);
    return d;
}

static void horizontal_8x_neon(const void *context, const uint8_t *line, void *row_out) {
    const neon_context *c = context;
    const int32_t *taps = c->plan->column_taps;
    const int16_t *weights = c->plan->column_weights;
    uint16_t *row = row_out;
    int32_t d = 0;
    for (; d < c->table_columns; d += 8) {
        const uint8_t *first = line + taps[d];
        const uint8x16x2_t table = {{vld1q_u8(first), vld1q_u8(first + 16)}};
        const uint8x8_t offsets = vld1_u8(c->offsets + d);
        const uint8x8_t p0 = vqtbl2_u8(table, offsets), p1 = vqtbl2_u8(table, vadd_u8(offsets, vdup_n_u8(1)));
        const uint16x8x2_t w = vld2q_u16((const uint16_t *)(weights + 2 * d));
        vst1q_u16(row + d, vmlaq_u16(vmulq_u16(vmovl_u8(p0), w.val[0]), vmovl_u8(p1), w.val[1]));
    }
    horizontal_scalar(c->plan, line, d, c->plan->width, row);
}

static void blend_8x_neon(const void *context, const void *upper_row, const void *lower_row, int32_t v0, int32_t v1,
                          uint8_t *out) {
    const int32_t width = ((const neon_context *)context)->plan->width;
    const uint16_t *upper = upper_row, *lower = lower_row;
    int32_t d = 0;
    if (lower == NULL) {
        for (; d + 8 <= width; d += 8) vst1_u8(out + d, vrshrn_n_u16(vld1q_u16(upper + d), 8));
        for (; d < width; d++) out[d] = (uint8_t)((upper[d] + 128u) >> 8);
        return;
    }
    const uint16x4_t weight0 = vdup_n_u16((uint16_t)v0), weight1 = vdup_n_u16((uint16_t)v1);
    const uint16x8_t weight0q = vdupq_n_u16((uint16_t)v0), weight1q = vdupq_n_u16((uint16_t)v1);
    for (; d + 8 <= width; d += 8) {
        const uint16x8_t h0 = vld1q_u16(upper + d), h1 = vld1q_u16(lower + d);
        const uint32x4_t low = vmlal_u16(vmull_u16(vget_low_u16(h0), weight0), vget_low_u16(h1), weight1);
        const uint32x4_t high = vmlal_high_u16(vmull_high_u16(h0, weight0q), h1, weight1q);
        vst1_u8(out + d, vmovn_u16(vcombine_u16(vrshrn_n_u32(low, 16), vrshrn_n_u32(high, 16))));
    }
    for (; d < width; d++) out[d] = (uint8_t)(((uint32_t)upper[d] * (uint32_t)v0 + (uint32_t)lower[d] * (uint32_t)v1 + 32768) >> 16);
}

void edge_u8_resize_bilinear_exact_rows_8x_neon(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *source,
                                                int32_t source_stride, int32_t row_begin, int32_t row_end,
                                                uint8_t *destination, int32_t destination_stride, uint32_t *workspace) {
    // The offsets go after the two rows (one byte per column in the workspace's third row).
    uint8_t *offsets = (uint8_t *)(workspace + 2 * (size_t)plan->width);
    const neon_context context = {.plan = plan, .offsets = offsets, .table_columns = make_offsets(plan, offsets)};
    edge_resize_walk_rows(plan, source, source_stride, row_begin, row_end, destination, destination_stride, workspace,
                          sizeof(uint16_t) * (size_t)plan->width, &context, horizontal_8x_neon, blend_8x_neon);
}
#endif
