// Int16-activation max pool on baseline NEON: 8 channels per SMAX (then scalar), any window,
// stride and padding. Padding taps are skipped, as in the reference; a window always holds a valid tap.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "../internal/edge_kernel_variants.h"

void edge_s16_max_pool_c8_neon(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                               const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    const int32_t channels = w->output_channels;
    const int16x8_t lo = vdupq_n_s16((int16_t)activation_min), hi = vdupq_n_s16((int16_t)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        int32_t ky_begin, ky_end;
        edge_valid_taps(iy0, w->kernel_height, w->input_height, &ky_begin, &ky_end);
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            int32_t kx_begin, kx_end;
            edge_valid_taps(ix0, w->kernel_width, w->input_width, &kx_begin, &kx_end);
            int16_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            int32_t c = 0;
            for (; c + 8 <= channels; c += 8) {
                int16x8_t best = vdupq_n_s16(INT16_MIN);
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx)
                        best = vmaxq_s16(best, vld1q_s16(input + ((size_t)(iy0 + ky) * w->input_width + ix0 + kx) *
                                                                     channels + c));
                vst1q_s16(out + c, vminq_s16(vmaxq_s16(best, lo), hi));
            }
            for (; c < channels; ++c) {
                int32_t best = INT16_MIN;
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                        const int32_t x = input[((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c];
                        if (x > best) best = x;
                    }
                out[c] = (int16_t)(best < activation_min ? activation_min : best > activation_max ? activation_max : best);
            }
        }
    }
}
#endif
