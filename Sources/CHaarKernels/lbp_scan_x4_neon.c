// LBP cascade scan on NEON (armv8.0): four window origins of a row per step (lbp_lanes.h). Block sums
// and comparisons on int32x4, the subset bit by a two-register byte table lookup (TBL) and a variable
// shift, the stage sums on two int64x2 halves (the contract's exact fixed-point sums).
#if defined(__aarch64__)
#include <arm_neon.h>

#include "internal/lbp_lanes.h"

static uint32_t stage_x4(const edge_lbp_cascade *cascade, int32_t stage, int32_t first, const int32_t *offsets,
                         const int32_t *p) {
    int64x2_t low = vdupq_n_s64(0), high = vdupq_n_s64(0);
    const int32_t count = cascade->stages[stage].stump_count;
    for (int32_t i = first; i < first + count; i++) {
        const int32_t *o = offsets + 16 * i;
        const edge_lbp_stump *s = &cascade->stumps[i];
        int32x4_t corner[16];
        for (int k = 0; k < 16; k++) corner[k] = vld1q_s32(p + o[k]);
#define BLOCK(a, b)                                                                                        \
    vaddq_s32(vsubq_s32(corner[4 * (a) + (b)], corner[4 * (a) + (b) + 1]),                                 \
              vsubq_s32(corner[4 * (a) + (b) + 5], corner[4 * (a) + (b) + 4]))
        const int32x4_t centre = BLOCK(1, 1);
#define BIT(a, b, value) vandq_u32(vcgeq_s32(BLOCK(a, b), centre), vdupq_n_u32(value))
        const uint32x4_t code = vorrq_u32(
            vorrq_u32(vorrq_u32(BIT(0, 0, 128), BIT(0, 1, 64)), vorrq_u32(BIT(0, 2, 32), BIT(1, 2, 16))),
            vorrq_u32(vorrq_u32(BIT(2, 2, 8), BIT(2, 1, 4)), vorrq_u32(BIT(2, 0, 2), BIT(1, 0, 1))));
#undef BIT
#undef BLOCK
        const uint8x16x2_t table = {{vld1q_u8((const uint8_t *)s->subset), vld1q_u8((const uint8_t *)s->subset + 16)}};
        // byte code >> 3 of the subset (lane bytes 1..3 look up entry 0 and are masked off)
        const uint32x4_t byte = vandq_u32(
            vreinterpretq_u32_u8(vqtbl2q_u8(table, vreinterpretq_u8_u32(vshrq_n_u32(code, 3)))), vdupq_n_u32(0xFF));
        const int32x4_t shift = vnegq_s32(vreinterpretq_s32_u32(vandq_u32(code, vdupq_n_u32(7))));
        const uint32x4_t bit = vandq_u32(vshlq_u32(byte, shift), vdupq_n_u32(1));
        const int32x4_t left = vnegq_s32(vreinterpretq_s32_u32(bit));  // all ones: the left leaf
        const int64x2_t difference = vdupq_n_s64(s->difference);
        low = vaddq_s64(low, vandq_s64(vmovl_s32(vget_low_s32(left)), difference));
        high = vaddq_s64(high, vandq_s64(vmovl_high_s32(left), difference));
    }
    const int64x2_t threshold = vdupq_n_s64(cascade->stages[stage].threshold);
    const uint64x2_t accepted_low = vcgeq_s64(low, threshold), accepted_high = vcgeq_s64(high, threshold);
    return (uint32_t)(vgetq_lane_u64(accepted_low, 0) & 1) | (uint32_t)(vgetq_lane_u64(accepted_low, 1) & 1) << 1 |
           (uint32_t)(vgetq_lane_u64(accepted_high, 0) & 1) << 2 | (uint32_t)(vgetq_lane_u64(accepted_high, 1) & 1) << 3;
}

size_t edge_u8_lbp_scan_x4_neon(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                                int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace) {
    return edge_lbp_scan_lanes(cascade, sum, stride, columns, rows, step, hits, capacity, workspace, 4, stage_x4);
}
#endif
