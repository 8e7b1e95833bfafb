// Int8 max pool on NEON: 16 channels per SMAX (then 8, then scalar), any window, stride and padding.
#if defined(__aarch64__)
#include "requantize_neon.h"
#include "../internal/pool_window.h"

void edge_s8_max_pool_c16_neon(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output) {
    const edge_window_params local = *window, *w = &local;  // see edge_pool_window
    const int32_t channels = w->output_channels;
    const int8x16_t lo = vdupq_n_s8((int8_t)activation_min), hi = vdupq_n_s8((int8_t)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const edge_pool_window p = edge_pool_window_at(w, oy, ox);
            int8_t *out = output + edge_pool_output(w, oy, ox);
            int32_t c = 0;
            for (; c + 16 <= channels; c += 16) {
                int8x16_t best = vdupq_n_s8(-128);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = vmaxq_s8(best, vld1q_s8(input + edge_pool_tap(&p, ky, kx) + c));
                vst1q_s8(out + c, vminq_s8(vmaxq_s8(best, lo), hi));
            }
            for (; c + 8 <= channels; c += 8) {
                int8x8_t best = vdup_n_s8(-128);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = vmax_s8(best, vld1_s8(input + edge_pool_tap(&p, ky, kx) + c));
                vst1_s8(out + c, vmin_s8(vmax_s8(best, vget_low_s8(lo)), vget_low_s8(hi)));
            }
            for (; c < channels; ++c) {
                const int32_t best = edge_max_pool_channel(&p, input, 1, c);
                out[c] = edge_clamp_s8(best, activation_min, activation_max);
            }
        }
    }
}
#endif
