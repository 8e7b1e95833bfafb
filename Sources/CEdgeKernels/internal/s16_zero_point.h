// How the int16-activation convs and depthwise convs (AVX2, NEON, SDOT) handle the input zero
// point, which int16 x - zero_point cannot always hold: they multiply the raw x and fold
// - zero_point * sum(w) into the bias; the padded rows they stage hold the zero point itself in
// the padding, so that fold cancels those taps exactly, as the reference skips them.
#ifndef EDGE_S16_ZERO_POINT_H
#define EDGE_S16_ZERO_POINT_H

#include <string.h>

#include "edge_kernel_variants.h"

// Whether padding taps can hold the input zero point (an int16 value): the SIMD paths' condition.
static inline int edge_s16_zero_point_fits(int32_t zero_point) {
    return zero_point >= INT16_MIN && zero_point <= INT16_MAX;
}

// Writes input rows iy0 .. iy0 + kernel_height - 1 (NHWC, `channels` per pixel) to rows + ky *
// stride, each as `stride` entries: pad_left columns of zero_point, the input row, then
// zero_point to the end; a row outside the input is all zero_point.
// Contract: stride >= (pad_left + input_width) * channels. Entries past the padded width are
// read only against weight 0 (a pair's or segment's rounding), so their value never matters.
static inline void edge_s16_zero_point_rows(const edge_window_params *w, const int16_t *input, int32_t iy0,
                                            size_t channels, int16_t zero_point, size_t stride, int16_t *rows) {
    const size_t left = (size_t)w->pad_left * channels, n = (size_t)w->input_width * channels;
    for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
        int16_t *dst = rows + ky * stride;
        const int32_t iy = iy0 + ky;
        if (iy < 0 || iy >= w->input_height) {
            for (size_t i = 0; i < stride; ++i) dst[i] = zero_point;
            continue;
        }
        for (size_t i = 0; i < left; ++i) dst[i] = zero_point;
        memcpy(dst + left, input + (size_t)iy * n, sizeof(int16_t) * n);
        for (size_t i = left + n; i < stride; ++i) dst[i] = zero_point;
    }
}

// The zero-point fold of one output channel: bias - zero_point * weight_sum modulo 2^32 (only the
// final sum of a window is bounded, by the kernel contract, so the fold itself may wrap). The int8
// AVX2 conv, whose rows hold x - zero_point, shares its packing with zero_point 0.
static inline int32_t edge_s16_zero_point_fold(int32_t bias, int32_t zero_point, int64_t weight_sum) {
    return (int32_t)((uint32_t)bias - (uint32_t)((int64_t)zero_point * weight_sum));
}

#endif  // EDGE_S16_ZERO_POINT_H
