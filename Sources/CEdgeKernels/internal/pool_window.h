// The walk of a pooling window shared by the SIMD max pools (int8 and int16, AVX2, AVX-512,
// NEON): which taps of an output pixel's window lie inside the input, where each tap's channels
// start, and the scalar max of one channel over them for the channel tails. Padding taps are
// skipped, as in the reference; a window always holds a valid tap.
#ifndef EDGE_POOL_WINDOW_H
#define EDGE_POOL_WINDOW_H

#include "edge_kernel_variants.h"

// Taps [ky_begin, ky_end) x [kx_begin, kx_end) of the window at input origin (iy0, ix0) are valid.
typedef struct {
    int32_t iy0, ix0, ky_begin, ky_end, kx_begin, kx_end;
} edge_pool_window;

static inline edge_pool_window edge_pool_window_at(const edge_window_params *w, int32_t oy, int32_t ox) {
    edge_pool_window p;
    p.iy0 = oy * w->stride_height - w->pad_top;
    p.ix0 = ox * w->stride_width - w->pad_left;
    edge_valid_taps(p.iy0, w->kernel_height, w->input_height, &p.ky_begin, &p.ky_end);
    edge_valid_taps(p.ix0, w->kernel_width, w->input_width, &p.kx_begin, &p.kx_end);
    return p;
}

// Index of channel 0 of valid tap (ky, kx) in the NHWC input (output_channels channels a pixel).
static inline size_t edge_pool_tap(const edge_window_params *w, const edge_pool_window *p, int32_t ky, int32_t kx) {
    return ((size_t)(p->iy0 + ky) * w->input_width + p->ix0 + kx) * w->output_channels;
}

// Index of channel 0 of output pixel (oy, ox).
static inline size_t edge_pool_output(const edge_window_params *w, int32_t oy, int32_t ox) {
    return ((size_t)oy * w->output_width + ox) * w->output_channels;
}

// The max of channel c over the valid taps of p (before the activation clamp).
static inline int32_t edge_max_pool_channel_s8(const edge_window_params *w, const edge_pool_window *p,
                                               const int8_t *input, int32_t c) {
    int32_t best = INT8_MIN;
    for (int32_t ky = p->ky_begin; ky < p->ky_end; ++ky)
        for (int32_t kx = p->kx_begin; kx < p->kx_end; ++kx) {
            const int32_t x = input[edge_pool_tap(w, p, ky, kx) + c];
            if (x > best) best = x;
        }
    return best;
}

static inline int32_t edge_max_pool_channel_s16(const edge_window_params *w, const edge_pool_window *p,
                                                const int16_t *input, int32_t c) {
    int32_t best = INT16_MIN;
    for (int32_t ky = p->ky_begin; ky < p->ky_end; ++ky)
        for (int32_t kx = p->kx_begin; kx < p->kx_end; ++kx) {
            const int32_t x = input[edge_pool_tap(w, p, ky, kx) + c];
            if (x > best) best = x;
        }
    return best;
}

#endif  // EDGE_POOL_WINDOW_H
