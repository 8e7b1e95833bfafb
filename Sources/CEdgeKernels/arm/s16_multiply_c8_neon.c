// Int16-activation elementwise multiply on baseline NEON, 8 elements per step along a row of
// channels (a map of b's shape is one long row): (a - za) and (b - zb) widened to int32 (|.| <=
// 2^15), multiplied exactly (at most 2^30), the uniform requantization and the output step.
#if defined(__aarch64__)
#include "requantize_neon.h"

static inline int32x4_t product4(int16x4_t a, int16x4_t b, int32x4_t za, int32x4_t zb) {
    return vmulq_s32(vsubq_s32(vmovl_s16(a), za), vsubq_s32(vmovl_s16(b), zb));
}

static void row(size_t count, const edge_multiply_params *p, const edge_requant_neon *q, const edge_output_neon *o,
                const int16_t *a, const int16_t *b, int16_t *output) {
    const int32x4_t za = vdupq_n_s32(p->a_zero_point), zb = vdupq_n_s32(p->b_zero_point);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const int16x8_t va = vld1q_s16(a + i), vb = vld1q_s16(b + i);
        const int32x4_t lo = edge_requantize_neon(product4(vget_low_s16(va), vget_low_s16(vb), za, zb), q);
        const int32x4_t hi = edge_requantize_neon(product4(vget_high_s16(va), vget_high_s16(vb), za, zb), q);
        vst1q_s16(output + i, vcombine_s16(edge_output_neon_s16(lo, o), edge_output_neon_s16(hi, o)));
    }
    if (i < count) edge_s16_multiply_ref(1, count - i, p, a + i, b + i, 0, output + i);
}

void edge_s16_multiply_c8_neon(size_t pixels, size_t channels, const edge_multiply_params *p, const int16_t *a,
                               const int16_t *b, size_t b_pixel_stride, int16_t *output) {
    const edge_requant_neon q = edge_requant_neon_uniform(p->output_multiplier, p->output_shift);
    const edge_output_neon o = edge_output_neon_make(p->output_zero_point, p->activation_min, p->activation_max);
    if (b_pixel_stride == channels) {  // same shape: one row
        channels *= pixels;
        pixels = 1;
    }
    for (size_t pixel = 0; pixel < pixels; ++pixel) {
        row(channels, p, &q, &o, a + pixel * channels, b + pixel * b_pixel_stride, output + pixel * channels);
    }
}
#endif
