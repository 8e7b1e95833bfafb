// Int16-activation max pool on baseline NEON: 8 channels per SMAX (then scalar), any window,
// stride and padding. Padding taps are skipped, as in the reference; a window always holds a valid tap.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "../internal/pool_window.h"

void edge_s16_max_pool_c8_neon(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    const edge_window_params local = *window, *w = &local;  // see edge_pool_window
    const int32_t channels = w->output_channels;
    const int16x8_t lo = vdupq_n_s16((int16_t)activation_min), hi = vdupq_n_s16((int16_t)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const edge_pool_window p = edge_pool_window_at(w, oy, ox);
            int16_t *out = output + edge_pool_output(w, oy, ox);
            int32_t c = 0;
            for (; c + 8 <= channels; c += 8) {
                int16x8_t best = vdupq_n_s16(INT16_MIN);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = vmaxq_s16(best, vld1q_s16(input + edge_pool_tap(&p, ky, kx) + c));
                vst1q_s16(out + c, vminq_s16(vmaxq_s16(best, lo), hi));
            }
            for (; c < channels; ++c) {
                const int32_t best = edge_max_pool_channel(&p, input, 2, c);
                out[c] = (int16_t)(best < activation_min ? activation_min : best > activation_max ? activation_max : best);
            }
        }
    }
}
#endif
