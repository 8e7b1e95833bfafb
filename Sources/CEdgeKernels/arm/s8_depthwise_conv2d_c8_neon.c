// Int8 depthwise conv (depth multiplier 1, any kernel size, stride and padding) on baseline NEON:
// 8 channels per step. USUBL-style SSUBL gives x - input_zero_point exactly as int16 ([-255, 255]),
// SMLAL/SMLAL2 multiply by the int16 weight and accumulate in int32.
#if defined(__aarch64__)
#include "requantize_neon.h"

enum { MAX_TAPS_TIMES_CHANNELS = 9 * EDGE_MAX_CHANNELS };

void edge_s8_depthwise_conv2d_c8_neon(const edge_window_params *w, int32_t depth_multiplier,
                                      const edge_requant_params *rq, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, int8_t *output) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t vector_channels = channels & ~7;
    if (depth_multiplier != 1 || channels > EDGE_MAX_CHANNELS || taps * vector_channels > MAX_TAPS_TIMES_CHANNELS) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, output);
        return;
    }
    _Alignas(16) int16_t weights[MAX_TAPS_TIMES_CHANNELS];
    edge_requant_neon requant[EDGE_MAX_CHANNELS / 4];
    for (int32_t t = 0; t < taps; ++t)
        for (int32_t c = 0; c < vector_channels; ++c) weights[t * vector_channels + c] = filter[(size_t)t * channels + c];
    for (int32_t c = 0; c < vector_channels; c += 4) requant[c / 4] = edge_requant_neon_make(rq->multiplier + c, rq->shift + c);
    const int8x8_t input_zero_point = vdup_n_s8((int8_t)rq->input_zero_point);
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);

    for (int32_t oy = 0; oy < w->output_height; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        const int32_t ky_begin = iy0 < 0 ? -iy0 : 0;
        const int32_t ky_end = iy0 + w->kernel_height > w->input_height ? w->input_height - iy0 : w->kernel_height;
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            const int32_t kx_begin = ix0 < 0 ? -ix0 : 0;
            const int32_t kx_end = ix0 + w->kernel_width > w->input_width ? w->input_width - ix0 : w->kernel_width;
            int8_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            for (int32_t c = 0; c < vector_channels; c += 8) {
                int32x4_t lo = vld1q_s32(bias + c), hi = vld1q_s32(bias + c + 4);
                for (int32_t ky = ky_begin; ky < ky_end; ++ky) {
                    const int8_t *row = input + ((size_t)(iy0 + ky) * w->input_width) * channels + c;
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                        const int16x8_t x = vsubl_s8(vld1_s8(row + (size_t)(ix0 + kx) * channels), input_zero_point);
                        const int16x8_t k = vld1q_s16(weights + (ky * w->kernel_width + kx) * vector_channels + c);
                        lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(k));
                        hi = vmlal_high_s16(hi, x, k);
                    }
                }
                vst1_s8(out + c, edge_narrow8_neon(edge_requantize_neon(lo, &requant[c / 4]),
                                                   edge_requantize_neon(hi, &requant[c / 4 + 1]), &o));
            }
            for (int32_t c = vector_channels; c < channels; ++c) {
                int32_t acc = bias[c];
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx)
                        acc += ((int32_t)input[((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c] -
                                rq->input_zero_point) *
                               filter[(size_t)(ky * w->kernel_width + kx) * channels + c];
                out[c] = edge_output_s8(edge_requantize(acc, rq->multiplier[c], rq->shift[c]), rq->output_zero_point,
                                        rq->activation_min, rq->activation_max);
            }
        }
    }
}
#endif
