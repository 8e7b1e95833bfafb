// edge_requantize() on 4 int32 lanes with NEON: SQSHL (saturating left shift), SQRDMULH, SRSHL by a
// negative amount (rounding right shift, half up, computed without overflow) are, instruction for
// instruction, the three steps of the scalar definition. Baseline armv8-a only.
#ifndef EDGE_REQUANTIZE_NEON_H
#define EDGE_REQUANTIZE_NEON_H
#if defined(__aarch64__)

#include <arm_neon.h>
#include <string.h>

#include "../internal/edge_kernel_variants.h"

typedef struct {
    int32x4_t multiplier;
    int32x4_t left_shift;         // max(-shift, 0)
    int32x4_t negative_right_shift;  // -max(shift, 0)
} edge_requant_neon;

static inline edge_requant_neon edge_requant_neon_make(const int32_t multiplier[4], const int32_t shift[4]) {
    const int32x4_t s = vld1q_s32(shift), zero = vdupq_n_s32(0);
    edge_requant_neon q = {vld1q_s32(multiplier), vmaxq_s32(vnegq_s32(s), zero), vnegq_s32(vmaxq_s32(s, zero))};
    return q;
}

static inline edge_requant_neon edge_requant_neon_uniform(int32_t multiplier, int32_t shift) {
    edge_requant_neon q = {vdupq_n_s32(multiplier), vdupq_n_s32(shift < 0 ? -shift : 0),
                           vdupq_n_s32(shift > 0 ? -shift : 0)};
    return q;
}

static inline int32x4_t edge_requantize_neon(int32x4_t acc, const edge_requant_neon *q) {
    return vrshlq_s32(vqrdmulhq_s32(vqshlq_s32(acc, q->left_shift), q->multiplier), q->negative_right_shift);
}

// edge_output_s8 on lanes: clamp to [lo - zero_point, hi - zero_point], add the zero point, narrow.
typedef struct {
    int32x4_t zero_point, lo, hi;
} edge_output_neon;

static inline edge_output_neon edge_output_neon_make(int32_t zero_point, int32_t lo, int32_t hi) {
    edge_output_neon o = {vdupq_n_s32(zero_point), vdupq_n_s32(lo - zero_point), vdupq_n_s32(hi - zero_point)};
    return o;
}

static inline int16x4_t edge_output_neon_s16(int32x4_t y, const edge_output_neon *o) {
    return vqmovn_s32(vaddq_s32(vminq_s32(vmaxq_s32(y, o->lo), o->hi), o->zero_point));
}

static inline int8x8_t edge_narrow8_neon(int32x4_t y0, int32x4_t y1, const edge_output_neon *o) {
    return vqmovn_s16(vcombine_s16(edge_output_neon_s16(y0, o), edge_output_neon_s16(y1, o)));
}

// Eight int32 sums of one channel block (lo: lanes 0-3, hi: lanes 4-7) requantized (q[0], q[1])
// and through the output step as int16; exact when [lo, hi] of `o` lies inside int16.
static inline int16x8_t edge_output8_s16_neon(int32x4_t lo, int32x4_t hi, const edge_requant_neon q[2],
                                              const edge_output_neon *o) {
    return vcombine_s16(edge_output_neon_s16(edge_requantize_neon(lo, &q[0]), o),
                        edge_output_neon_s16(edge_requantize_neon(hi, &q[1]), o));
}

// Stores the first `count` (all 8 when count >= 8) int16 lanes of v.
static inline void edge_store_s16x8_neon(int16_t *dst, int16x8_t v, int32_t count) {
    if (count >= 8) {
        vst1q_s16(dst, v);
    } else {
        int16_t tmp[8];
        vst1q_s16(tmp, v);
        memcpy(dst, tmp, sizeof(int16_t) * (size_t)count);
    }
}

#endif
#endif  // EDGE_REQUANTIZE_NEON_H
