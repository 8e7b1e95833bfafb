// Int8 elementwise add on NEON, 8 elements per step: the reference's three requantizations.
// (x - zero_point) << left_shift is exact for left_shift <= 22 (|x - zp| <= 255).
#if defined(__aarch64__)
#include "requantize_neon.h"

void edge_s8_add_c8_neon(size_t count, const edge_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    const edge_requant_neon qa = edge_requant_neon_uniform(p->a_multiplier, p->a_shift);
    const edge_requant_neon qb = edge_requant_neon_uniform(p->b_multiplier, p->b_shift);
    const edge_requant_neon qo = edge_requant_neon_uniform(p->output_multiplier, p->output_shift);
    const int8x8_t za = vdup_n_s8((int8_t)p->a_zero_point), zb = vdup_n_s8((int8_t)p->b_zero_point);
    const int32x4_t left = vdupq_n_s32(p->left_shift);
    const edge_output_neon o = edge_output_neon_make(p->output_zero_point, p->activation_min, p->activation_max);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const int16x8_t x = vsubl_s8(vld1_s8(a + i), za), y = vsubl_s8(vld1_s8(b + i), zb);
        const int32x4_t s0 = vaddq_s32(edge_requantize_neon(vshlq_s32(vmovl_s16(vget_low_s16(x)), left), &qa),
                                       edge_requantize_neon(vshlq_s32(vmovl_s16(vget_low_s16(y)), left), &qb));
        const int32x4_t s1 = vaddq_s32(edge_requantize_neon(vshlq_s32(vmovl_high_s16(x), left), &qa),
                                       edge_requantize_neon(vshlq_s32(vmovl_high_s16(y), left), &qb));
        vst1_s8(output + i, edge_narrow8_neon(edge_requantize_neon(s0, &qo), edge_requantize_neon(s1, &qo), &o));
    }
    if (i < count) edge_s8_add_ref(count - i, p, a + i, b + i, output + i);
}
#endif
