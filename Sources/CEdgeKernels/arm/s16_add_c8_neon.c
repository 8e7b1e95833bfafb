// Int16-activation elementwise add on baseline NEON, 8 elements per step (then the reference): the
// reference's three requantizations (requantize_neon.h) on int32 lanes. (x - zero_point) <<
// left_shift cannot overflow: |x - zero_point| <= 2^15 and left_shift <= 15 (the contract).
#if defined(__aarch64__)
#include "requantize_neon.h"

static inline int32x4_t add4(int16x4_t a, int16x4_t b, int32x4_t za, int32x4_t zb, int32x4_t left,
                             const edge_requant_neon *qa, const edge_requant_neon *qb, const edge_requant_neon *qo) {
    const int32x4_t x = vshlq_s32(vsubq_s32(vmovl_s16(a), za), left), z = vshlq_s32(vsubq_s32(vmovl_s16(b), zb), left);
    return edge_requantize_neon(vaddq_s32(edge_requantize_neon(x, qa), edge_requantize_neon(z, qb)), qo);
}

void edge_s16_add_c8_neon(size_t count, const edge_add_params *p, const int16_t *a, const int16_t *b,
                          int16_t *output) {
    const edge_requant_neon qa = edge_requant_neon_uniform(p->a_multiplier, p->a_shift);
    const edge_requant_neon qb = edge_requant_neon_uniform(p->b_multiplier, p->b_shift);
    const edge_requant_neon qo = edge_requant_neon_uniform(p->output_multiplier, p->output_shift);
    const int32x4_t za = vdupq_n_s32(p->a_zero_point), zb = vdupq_n_s32(p->b_zero_point);
    const int32x4_t left = vdupq_n_s32(p->left_shift);
    const edge_output_neon o = edge_output_neon_make(p->output_zero_point, p->activation_min, p->activation_max);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const int16x8_t va = vld1q_s16(a + i), vb = vld1q_s16(b + i);
        const int32x4_t lo = add4(vget_low_s16(va), vget_low_s16(vb), za, zb, left, &qa, &qb, &qo);
        const int32x4_t hi = add4(vget_high_s16(va), vget_high_s16(vb), za, zb, left, &qa, &qb, &qo);
        vst1q_s16(output + i, vcombine_s16(edge_output_neon_s16(lo, &o), edge_output_neon_s16(hi, &o)));
    }
    if (i < count) edge_s16_add_ref(count - i, p, a + i, b + i, output + i);
}
#endif
