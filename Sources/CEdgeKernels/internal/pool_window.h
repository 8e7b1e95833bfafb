// The walk of a pooling window shared by the SIMD max pools (int8 and int16, AVX2, AVX-512,
// NEON): which taps of an output pixel's window lie inside the input, where each tap's channels
// start, and the scalar max of one channel over them for the channel tails. Padding taps are
// skipped, as in the reference; a window always holds a valid tap.
#ifndef EDGE_POOL_WINDOW_H
#define EDGE_POOL_WINDOW_H

#include <stddef.h>

#include "edge_kernel_variants.h"

// Taps [ky_begin, ky_end) x [kx_begin, kx_end) of the window are valid; tap (ky, kx) starts at
// index origin + ky * row_step + kx * tap_step of the NHWC input (output_channels channels a pixel;
// origin alone may lie before the input, a valid tap never does). Plain locals, so that the walk
// keeps them in registers. The pools pass a local copy of their edge_window_params for the same
// reason: int8 output stores may alias anything reachable through a pointer, which would reload
// the parameters after every store (about 10% of the pool's time).
typedef struct {
    int32_t ky_begin, ky_end, kx_begin, kx_end;
    ptrdiff_t origin, row_step, tap_step;
} edge_pool_window;

static inline edge_pool_window edge_pool_window_at(const edge_window_params *w, int32_t oy, int32_t ox) {
    edge_pool_window p;
    const int32_t iy0 = oy * w->stride_height - w->pad_top, ix0 = ox * w->stride_width - w->pad_left;
    edge_valid_taps(iy0, w->kernel_height, w->input_height, &p.ky_begin, &p.ky_end);
    edge_valid_taps(ix0, w->kernel_width, w->input_width, &p.kx_begin, &p.kx_end);
    p.tap_step = w->output_channels;
    p.row_step = (ptrdiff_t)w->input_width * p.tap_step;
    p.origin = (ptrdiff_t)iy0 * p.row_step + (ptrdiff_t)ix0 * p.tap_step;
    return p;
}

// Index of channel 0 of valid tap (ky, kx).
static inline ptrdiff_t edge_pool_tap(const edge_pool_window *p, int32_t ky, int32_t kx) {
    return p->origin + ky * p->row_step + kx * p->tap_step;
}

// Index of channel 0 of output pixel (oy, ox).
static inline size_t edge_pool_output(const edge_window_params *w, int32_t oy, int32_t ox) {
    return ((size_t)oy * w->output_width + ox) * w->output_channels;
}

// The max of channel c over the valid taps of p (before the activation clamp), for int8
// (element_bytes 1) or int16 (2) activations; callers pass a constant, so each inlined copy reads
// one type only.
static inline int32_t edge_max_pool_channel(const edge_pool_window *p, const void *input, int element_bytes,
                                            int32_t c) {
    int32_t best = element_bytes == 1 ? INT8_MIN : INT16_MIN;
    for (int32_t ky = p->ky_begin; ky < p->ky_end; ++ky)
        for (int32_t kx = p->kx_begin; kx < p->kx_end; ++kx) {
            const ptrdiff_t i = edge_pool_tap(p, ky, kx) + c;
            const int32_t x = element_bytes == 1 ? ((const int8_t *)input)[i] : ((const int16_t *)input)[i];
            if (x > best) best = x;
        }
    return best;
}

#endif  // EDGE_POOL_WINDOW_H
