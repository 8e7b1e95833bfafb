// Int16-activation depthwise conv (depth multiplier 1, any kernel of up to 25 taps, any stride and
// padding) on baseline NEON, 16 outputs per step (two independent groups of 8, then 8):
// SMLAL/SMLAL2 of the int16 x of a tap by its int16 weights into int32 (exact: |x * w| <= 32768 * 127).
//
// Per output row the kernel_height input rows are copied into "padded rows" whose padding
// columns and rows hold the input zero point; every output then sums all its taps over raw int16
// x, and the zero point enters through bias - input_zero_point * sum(w) (modulo 2^32, like the
// sums: the result is the reference's integer, which the contract keeps inside int32).
// - "Flat" rows (stride_width 1, channels a multiple of 8, e.g. every depthwise layer of the
//   default model): the outputs of a row are one run of output_width * channels elements, element
//   e reading padded-row entry e + kx * channels; step q covers channels 8 q mod channels.
// - Otherwise per pixel, channels in groups of 8, lanes past the last channel with weight 0.
#if defined(__aarch64__)
#include <stddef.h>
#include <string.h>

#include "requantize_neon.h"
#include "../internal/s16_zero_point.h"

enum { MAX_TAPS = 25, MAX_ROWS = 16384, SLACK = 8 };  // int16 entries of the padded rows of one output row

typedef struct {
    int32x4_t bias[2];  // bias - input_zero_point * sum(w) modulo 2^32
    edge_requant_neon requant[2];
} pattern_constants;

// The packed bytes: this header, `patterns` pattern_constants, then the weights [pattern][tap][8] as int16.
typedef struct {
    int32_t simd;  // 0: outside the limits, run the reference
    int32_t flat, patterns, columns;
    int32_t reserved[12];  // 64 bytes
} depthwise_header;

static size_t row_stride(const edge_window_params *w, int32_t columns) {
    return (size_t)columns * w->output_channels + SLACK;
}

static size_t weights_offset(int32_t patterns) {
    return sizeof(depthwise_header) + sizeof(pattern_constants) * (size_t)patterns;
}

size_t edge_s16_depthwise_conv2d_pack_neon(const edge_window_params *w, int32_t depth_multiplier,
                                           const edge_requant_params *rq, const int8_t *filter, const int32_t *bias,
                                           void *packed) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width, columns = edge_conv_padded_columns(w);
    const int simd = depth_multiplier == 1 && taps <= MAX_TAPS && edge_s16_zero_point_fits(rq->input_zero_point) &&
                     (size_t)w->kernel_height * row_stride(w, columns) <= MAX_ROWS;
    const int flat = w->stride_width == 1 && channels % 8 == 0;
    const int32_t patterns = (channels + 7) / 8;  // flat: step q uses pattern q mod (channels / 8)
    const size_t bytes = simd ? weights_offset(patterns) + sizeof(int16_t) * (size_t)patterns * taps * 8
                              : sizeof(depthwise_header);
    if (packed == NULL) return bytes;
    depthwise_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    h->flat = flat, h->patterns = patterns, h->columns = columns;
    pattern_constants *constants = (pattern_constants *)((char *)packed + sizeof(depthwise_header));
    int16_t *weights = (int16_t *)((char *)packed + weights_offset(patterns));
    for (int32_t p = 0; p < patterns; ++p) {
        int32_t m[8], sh[8], b[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t c = 8 * p + lane;
            const int valid = c < channels;
            int32_t sum = 0;
            for (int32_t t = 0; t < taps; ++t) {
                const int8_t k = valid ? filter[(size_t)t * channels + c] : 0;
                weights[((size_t)p * taps + t) * 8 + lane] = k;
                sum += k;
            }
            m[lane] = valid ? rq->multiplier[c] : 0, sh[lane] = valid ? rq->shift[c] : 0;
            b[lane] = valid ? edge_s16_zero_point_fold(bias[c], rq->input_zero_point, sum) : 0;
        }
        constants[p].bias[0] = vld1q_s32(b), constants[p].bias[1] = vld1q_s32(b + 4);
        constants[p].requant[0] = edge_requant_neon_make(m, sh), constants[p].requant[1] = edge_requant_neon_make(m + 4, sh + 4);
    }
    return bytes;
}

// 8 outputs from `x` (tap t at x + offset[t]).
__attribute__((always_inline)) static inline int16x8_t step8(const int16_t *x, const ptrdiff_t *offset, int32_t taps,
                                                             const int16_t *weights, const pattern_constants *k,
                                                             const edge_output_neon *o) {
    int32x4_t lo = k->bias[0], hi = k->bias[1];
    for (int32_t t = 0; t < taps; ++t) {
        const int16x8_t v = vld1q_s16(x + offset[t]), kv = vld1q_s16(weights + 8 * t);
        lo = vmlal_s16(lo, vget_low_s16(v), vget_low_s16(kv));
        hi = vmlal_high_s16(hi, v, kv);
    }
    return vcombine_s16(edge_output_neon_s16(edge_requantize_neon(lo, &k->requant[0]), o),
                        edge_output_neon_s16(edge_requantize_neon(hi, &k->requant[1]), o));
}

// Two steps of 8 (x0 with pattern k0, x1 with k1) interleaved: four independent accumulator
// chains instead of two, for the in-order cores' SMLAL latency.
__attribute__((always_inline)) static inline void step16(const int16_t *x0, const int16_t *x1, const ptrdiff_t *offset,
                                                         int32_t taps, const int16_t *w0, const int16_t *w1,
                                                         const pattern_constants *k0, const pattern_constants *k1,
                                                         const edge_output_neon *o, int16x8_t *y0, int16x8_t *y1) {
    int32x4_t lo0 = k0->bias[0], hi0 = k0->bias[1], lo1 = k1->bias[0], hi1 = k1->bias[1];
    for (int32_t t = 0; t < taps; ++t) {
        const int16x8_t v0 = vld1q_s16(x0 + offset[t]), kv0 = vld1q_s16(w0 + 8 * t);
        const int16x8_t v1 = vld1q_s16(x1 + offset[t]), kv1 = vld1q_s16(w1 + 8 * t);
        lo0 = vmlal_s16(lo0, vget_low_s16(v0), vget_low_s16(kv0));
        hi0 = vmlal_high_s16(hi0, v0, kv0);
        lo1 = vmlal_s16(lo1, vget_low_s16(v1), vget_low_s16(kv1));
        hi1 = vmlal_high_s16(hi1, v1, kv1);
    }
    *y0 = edge_output8_s16_neon(lo0, hi0, k0->requant, o);
    *y1 = edge_output8_s16_neon(lo1, hi1, k1->requant, o);
}

__attribute__((always_inline)) static inline void depthwise(const edge_window_params *w, const edge_requant_params *rq,
                                                            const int16_t *input, const depthwise_header *h,
                                                            int32_t taps, int32_t row_begin, int32_t row_end,
                                                            int16_t *output) {
    const int32_t channels = w->output_channels, patterns = h->patterns;
    const size_t stride = row_stride(w, h->columns);
    const pattern_constants *constants = (const pattern_constants *)((const char *)h + sizeof(depthwise_header));
    const int16_t *weights = (const int16_t *)((const char *)h + weights_offset(patterns));
    ptrdiff_t offset[MAX_TAPS];
    for (int32_t t = 0; t < taps; ++t)
        offset[t] = (ptrdiff_t)(t / w->kernel_width) * (ptrdiff_t)stride + (ptrdiff_t)(t % w->kernel_width) * channels;
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int16_t zero_point = (int16_t)rq->input_zero_point;
    int16_t rows[MAX_ROWS];
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        edge_s16_zero_point_rows(w, input, iy0, (size_t)channels, zero_point, stride, rows);
        int16_t *out = output + (size_t)oy * w->output_width * channels;
        if (h->flat) {
            const int32_t elements = w->output_width * channels;
            int32_t e = 0, p = 0;
            if (patterns <= 2) {  // 8 or 16 channels: both steps' weights stay in registers for the row
                int16_t local[2][MAX_TAPS * 8];
                memcpy(local[0], weights, sizeof(int16_t) * (size_t)taps * 8);
                memcpy(local[1], weights + (size_t)(patterns - 1) * taps * 8, sizeof(int16_t) * (size_t)taps * 8);
                const pattern_constants *k1 = &constants[patterns - 1];
                for (; e + 16 <= elements; e += 16) {
                    int16x8_t y0, y1;
                    step16(rows + e, rows + e + 8, offset, taps, local[0], local[1], &constants[0], k1, &o, &y0, &y1);
                    vst1q_s16(out + e, y0), vst1q_s16(out + e + 8, y1);
                }
            }
            for (; e + 16 <= elements; e += 16) {
                const int32_t q = p + 1 == patterns ? 0 : p + 1;
                int16x8_t y0, y1;
                step16(rows + e, rows + e + 8, offset, taps, weights + (size_t)p * taps * 8,
                       weights + (size_t)q * taps * 8, &constants[p], &constants[q], &o, &y0, &y1);
                vst1q_s16(out + e, y0), vst1q_s16(out + e + 8, y1);
                p = q + 1 == patterns ? 0 : q + 1;
            }
            if (e < elements)
                vst1q_s16(out + e, step8(rows + e, offset, taps, weights + (size_t)p * taps * 8, &constants[p], &o));
        } else {
            for (int32_t ox = 0; ox < w->output_width; ++ox) {
                const int16_t *x = rows + (size_t)ox * w->stride_width * channels;
                int32_t p = 0;
                for (; p + 2 <= patterns; p += 2) {
                    int16x8_t y0, y1;
                    step16(x + 8 * p, x + 8 * p + 8, offset, taps, weights + (size_t)p * taps * 8,
                           weights + (size_t)(p + 1) * taps * 8, &constants[p], &constants[p + 1], &o, &y0, &y1);
                    vst1q_s16(out + (size_t)ox * channels + 8 * p, y0);
                    edge_store_s16x8_neon(out + (size_t)ox * channels + 8 * p + 8, y1, channels - 8 * p - 8);
                }
                for (; p < patterns; ++p)
                    edge_store_s16x8_neon(out + (size_t)ox * channels + 8 * p,
                           step8(x + 8 * p, offset, taps, weights + (size_t)p * taps * 8, &constants[p], &o),
                           channels - 8 * p);
            }
        }
    }
}

void edge_s16_depthwise_conv2d_c8_neon(const edge_window_params *w, int32_t depth_multiplier,
                                       const edge_requant_params *rq, const int16_t *input, const int8_t *filter,
                                       const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                       int16_t *output) {
    const depthwise_header *h = packed;
    const int32_t taps = w->kernel_height * w->kernel_width;
    if (!h->simd) {
        edge_s16_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (taps == 9) {  // 3x3, the only kernel of the default model: fully unrolled
        depthwise(w, rq, input, h, 9, row_begin, row_end, output);
    } else {
        depthwise(w, rq, input, h, taps, row_begin, row_end, output);
    }
}
#endif
