// Int8 elementwise multiply on baseline NEON, 8 elements per step along a row of channels (a map
// of b's shape is one long row): (a - za) and (b - zb) as int16 (|.| <= 255), SMULL to int32
// (exact), the uniform requantization (requantize_neon.h) and the output step.
#if defined(__aarch64__)
#include "requantize_neon.h"

static void row(size_t count, const edge_multiply_params *p, const edge_requant_neon *q, const edge_output_neon *o,
                const int8_t *a, const int8_t *b, int8_t *output) {
    const int8x8_t za = vdup_n_s8((int8_t)p->a_zero_point), zb = vdup_n_s8((int8_t)p->b_zero_point);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const int16x8_t x = vsubl_s8(vld1_s8(a + i), za), y = vsubl_s8(vld1_s8(b + i), zb);
        const int32x4_t lo = vmull_s16(vget_low_s16(x), vget_low_s16(y));
        const int32x4_t hi = vmull_high_s16(x, y);
        vst1_s8(output + i, edge_narrow8_neon(edge_requantize_neon(lo, q), edge_requantize_neon(hi, q), o));
    }
    if (i < count) edge_s8_multiply_ref(1, count - i, p, a + i, b + i, 0, output + i);
}

void edge_s8_multiply_c8_neon(size_t pixels, size_t channels, const edge_multiply_params *p, const int8_t *a,
                              const int8_t *b, size_t b_pixel_stride, int8_t *output) {
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
