// Int8 depthwise conv (depth multiplier 1, any kernel size, stride and padding) on baseline NEON,
// 16 channels per step, then 8, then scalar.
// - Interior pixels of a 3x3 kernel: raw int8 x times int8 w with SMULL + SMLAL into int16 for two
//   taps at once (|x * w| <= 128 * 127 = 16256 since w is never -128, so two fit int16), widened
//   into int32 by SADDW; the zero point enters through bias - input_zero_point * sum(w).
// - Other pixels: SSUBL gives x - input_zero_point exactly as int16 ([-255, 255]) and SMLAL
//   multiplies by the int16 weight into int32, skipping the padding taps as the reference does.
#if defined(__aarch64__)
#include <stddef.h>
#include <string.h>

#include "requantize_neon.h"

enum { MAX_TAPS = 25, MAX_TAPS_TIMES_CHANNELS = 9 * EDGE_MAX_CHANNELS };

typedef struct {
    int32x4_t a, b, c, d;
} acc16;

static inline void mac16(acc16 *acc, const int8_t *x, int8x8_t zero_point, const int16_t *k) {
    const int8x16_t v = vld1q_s8(x);
    const int16x8_t lo = vsubl_s8(vget_low_s8(v), zero_point), hi = vsubl_s8(vget_high_s8(v), zero_point);
    const int16x8_t k0 = vld1q_s16(k), k1 = vld1q_s16(k + 8);
    acc->a = vmlal_s16(acc->a, vget_low_s16(lo), vget_low_s16(k0));
    acc->b = vmlal_high_s16(acc->b, lo, k0);
    acc->c = vmlal_s16(acc->c, vget_low_s16(hi), vget_low_s16(k1));
    acc->d = vmlal_high_s16(acc->d, hi, k1);
}

// Two taps of 16 channels into the int32 accumulators (x raw, zero point in the bias).
static inline void mac16_pair(acc16 *acc, const int8_t *x0, const int8_t *x1, const int8_t *k0, const int8_t *k1) {
    const int8x16_t a = vld1q_s8(x0), b = vld1q_s8(x1), wa = vld1q_s8(k0), wb = vld1q_s8(k1);
    const int16x8_t lo = vmlal_s8(vmull_s8(vget_low_s8(a), vget_low_s8(wa)), vget_low_s8(b), vget_low_s8(wb));
    const int16x8_t hi = vmlal_high_s8(vmull_high_s8(a, wa), b, wb);
    acc->a = vaddw_s16(acc->a, vget_low_s16(lo));
    acc->b = vaddw_high_s16(acc->b, lo);
    acc->c = vaddw_s16(acc->c, vget_low_s16(hi));
    acc->d = vaddw_high_s16(acc->d, hi);
}

static inline void mac16_single(acc16 *acc, const int8_t *x0, const int8_t *k0) {
    const int8x16_t a = vld1q_s8(x0), wa = vld1q_s8(k0);
    const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(wa)), hi = vmull_high_s8(a, wa);
    acc->a = vaddw_s16(acc->a, vget_low_s16(lo));
    acc->b = vaddw_high_s16(acc->b, lo);
    acc->c = vaddw_s16(acc->c, vget_low_s16(hi));
    acc->d = vaddw_high_s16(acc->d, hi);
}

static inline void mac8(int32x4_t *lo, int32x4_t *hi, const int8_t *x, int8x8_t zero_point, const int16_t *k) {
    const int16x8_t v = vsubl_s8(vld1_s8(x), zero_point), kv = vld1q_s16(k);
    *lo = vmlal_s16(*lo, vget_low_s16(v), vget_low_s16(kv));
    *hi = vmlal_high_s16(*hi, v, kv);
}

// The packed bytes: this header, then requant[vector_channels / 4], interior_bias[vector_channels]
// (bias - input_zero_point * sum(w)) and the int16 weights [taps][vector_channels].
typedef struct {
    int32_t simd;  // 0: the shape is outside the limits above, run the reference
    int32_t reserved[15];  // 64 bytes
} depthwise_header;

static int simd_shape(const edge_window_params *w, int32_t depth_multiplier) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    return depth_multiplier == 1 && channels <= EDGE_MAX_CHANNELS && taps <= MAX_TAPS &&
           taps * (channels & ~7) <= MAX_TAPS_TIMES_CHANNELS;
}

static size_t bias_offset(int32_t vector_channels) {
    return sizeof(depthwise_header) + sizeof(edge_requant_neon) * (size_t)(vector_channels / 4);
}
static size_t weights_offset(int32_t vector_channels) {
    return bias_offset(vector_channels) + sizeof(int32_t) * (size_t)vector_channels;
}

size_t edge_s8_depthwise_conv2d_pack_c8_neon(const edge_window_params *w, int32_t depth_multiplier,
                                             const edge_requant_params *rq, const int8_t *filter, const int32_t *bias,
                                             void *packed) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t vector_channels = channels & ~7;
    const int simd = simd_shape(w, depth_multiplier);
    const size_t bytes = simd ? weights_offset(vector_channels) + sizeof(int16_t) * (size_t)taps * vector_channels
                              : sizeof(depthwise_header);
    if (packed == NULL) return bytes;
    depthwise_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    edge_requant_neon *requant = (edge_requant_neon *)((char *)packed + sizeof(depthwise_header));
    int32_t *interior_bias = (int32_t *)((char *)packed + bias_offset(vector_channels));
    int16_t *weights = (int16_t *)((char *)packed + weights_offset(vector_channels));
    for (int32_t t = 0; t < taps; ++t)
        for (int32_t c = 0; c < vector_channels; ++c) weights[t * vector_channels + c] = filter[(size_t)t * channels + c];
    for (int32_t c = 0; c < vector_channels; ++c) {
        int32_t sum = 0;
        for (int32_t t = 0; t < taps; ++t) sum += filter[(size_t)t * channels + c];
        interior_bias[c] = bias[c] - rq->input_zero_point * sum;
    }
    for (int32_t c = 0; c < vector_channels; c += 4) requant[c / 4] = edge_requant_neon_make(rq->multiplier + c, rq->shift + c);
    return bytes;
}

void edge_s8_depthwise_conv2d_c8_neon(const edge_window_params *w, int32_t depth_multiplier,
                                      const edge_requant_params *rq, const int8_t *input, const int8_t *filter,
                                      const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                      int8_t *output) {
    const depthwise_header *h = packed;
    if (!h->simd) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t vector_channels = channels & ~7, wide_channels = channels & ~15;
    const edge_requant_neon *requant = (const edge_requant_neon *)((const char *)packed + sizeof(depthwise_header));
    const int32_t *interior_bias = (const int32_t *)((const char *)packed + bias_offset(vector_channels));
    const int16_t *weights = (const int16_t *)((const char *)packed + weights_offset(vector_channels));
    ptrdiff_t tap_offset[MAX_TAPS];
    for (int32_t t = 0; t < taps; ++t)
        tap_offset[t] = ((ptrdiff_t)(t / w->kernel_width) * w->input_width + t % w->kernel_width) * channels;
    const int8x8_t input_zero_point = vdup_n_s8((int8_t)rq->input_zero_point);
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);

    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        int32_t ky_begin, ky_end;
        edge_valid_taps(iy0, w->kernel_height, w->input_height, &ky_begin, &ky_end);
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            int32_t kx_begin, kx_end;
            edge_valid_taps(ix0, w->kernel_width, w->input_width, &kx_begin, &kx_end);
            const int interior = ky_begin == 0 && kx_begin == 0 && ky_end == w->kernel_height && kx_end == w->kernel_width;
            const int8_t *origin = input + ((ptrdiff_t)iy0 * w->input_width + ix0) * channels;
            int8_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            int32_t c = 0;
            for (; c < wide_channels; c += 16) {
                acc16 acc;
                if (interior && taps == 9) {
                    const int32_t *b = interior_bias + c;
                    acc.a = vld1q_s32(b), acc.b = vld1q_s32(b + 4), acc.c = vld1q_s32(b + 8), acc.d = vld1q_s32(b + 12);
                    const int8_t *x = origin + c, *k = filter + c;
                    const size_t kc = (size_t)channels;
                    mac16_pair(&acc, x + tap_offset[0], x + tap_offset[1], k, k + kc);
                    mac16_pair(&acc, x + tap_offset[2], x + tap_offset[3], k + 2 * kc, k + 3 * kc);
                    mac16_pair(&acc, x + tap_offset[4], x + tap_offset[5], k + 4 * kc, k + 5 * kc);
                    mac16_pair(&acc, x + tap_offset[6], x + tap_offset[7], k + 6 * kc, k + 7 * kc);
                    mac16_single(&acc, x + tap_offset[8], k + 8 * kc);
                } else {
                    acc.a = vld1q_s32(bias + c), acc.b = vld1q_s32(bias + c + 4);
                    acc.c = vld1q_s32(bias + c + 8), acc.d = vld1q_s32(bias + c + 12);
                    for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                        for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                            const int32_t t = ky * w->kernel_width + kx;
                            mac16(&acc, origin + tap_offset[t] + c, input_zero_point, weights + t * vector_channels + c);
                        }
                }
                vst1_s8(out + c, edge_narrow8_neon(edge_requantize_neon(acc.a, &requant[c / 4]),
                                                   edge_requantize_neon(acc.b, &requant[c / 4 + 1]), &o));
                vst1_s8(out + c + 8, edge_narrow8_neon(edge_requantize_neon(acc.c, &requant[c / 4 + 2]),
                                                       edge_requantize_neon(acc.d, &requant[c / 4 + 3]), &o));
            }
            for (; c < vector_channels; c += 8) {
                int32x4_t lo = vld1q_s32(bias + c), hi = vld1q_s32(bias + c + 4);
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                        const int32_t t = ky * w->kernel_width + kx;
                        mac8(&lo, &hi, origin + tap_offset[t] + c, input_zero_point, weights + t * vector_channels + c);
                    }
                vst1_s8(out + c, edge_narrow8_neon(edge_requantize_neon(lo, &requant[c / 4]),
                                                   edge_requantize_neon(hi, &requant[c / 4 + 1]), &o));
            }
            for (; c < channels; ++c) {
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
