// Int16-activation conv (any kernel size, stride, padding) with the armv8.2 dot product: the int8
// SDOT conv's tiles (4 output pixels x 8 output channels, weights packed by conv_packing_neon.h)
// on each int16 x split into two int8 halves. With h = x >> 8 (arithmetic, in [-128, 127]) and
// l = (x & 255) - 128 (in [-128, 127]), x = 256 h + l + 128, so
//   sum(x * w) = 256 sum(h * w) + sum(l * w) + 128 sum(w),
// two SDOT sums over int8 operands; 128 sum(w) and - input_zero_point * sum(w) are folded into the
// bias. Padding taps hold the input zero point, cancelled by that fold. All sums wrap modulo 2^32
// (SDOT, shifts and adds); the contract keeps the reference's integer inside int32, so the wrapped
// result is that integer. Two SDOTs per 4 int16 products: 8 MACs per instruction, twice SMLAL's.
//
// Only the functions marked EDGE_DOTPROD may contain SDOT: this file is compiled for baseline
// armv8-a and the table that points here is chosen only when HWCAP_ASIMDDP is set.
#if defined(__aarch64__)
#include <string.h>

#include "conv_packing_neon.h"
#include "../internal/s16_zero_point.h"

#define EDGE_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))

// The patch of output pixel `pixel` as raw int16 values, padding taps = `pad_value`, entries from
// the reduction length up to `padded` = 0.
static void patch_s16(const edge_window_params *w, int16_t pad_value, const int16_t *input, int32_t pixel,
                      int16_t *dst, int32_t padded) {
    const int32_t oy = pixel / w->output_width, ox = pixel % w->output_width;
    const int32_t iy0 = oy * w->stride_height - w->pad_top, ix0 = ox * w->stride_width - w->pad_left;
    const int32_t ic = w->input_channels, row = w->kernel_width * ic;
    int16_t *out = dst;
    for (int32_t ky = 0; ky < w->kernel_height; ++ky, out += row) {
        const int32_t iy = iy0 + ky;
        if (iy < 0 || iy >= w->input_height) {
            for (int32_t i = 0; i < row; ++i) out[i] = pad_value;
            continue;
        }
        const int16_t *src = input + (size_t)iy * w->input_width * ic;
        if (ix0 >= 0 && ix0 + w->kernel_width <= w->input_width) {
            memcpy(out, src + (size_t)ix0 * ic, sizeof(int16_t) * (size_t)row);
            continue;
        }
        for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
            const int32_t ix = ix0 + kx;
            int16_t *o = out + kx * ic;
            if (ix < 0 || ix >= w->input_width) {
                for (int32_t c = 0; c < ic; ++c) o[c] = pad_value;
            } else {
                memcpy(o, src + (size_t)ix * ic, sizeof(int16_t) * (size_t)ic);
            }
        }
    }
    for (int32_t i = w->kernel_height * row; i < padded; ++i) dst[i] = 0;
}

// Splits pixel `i`'s patch into the high and low int8 halves, stored as SDOT-by-element wants
// them: [k / 4][pixel 0..3][4 bytes].
static void split(const int16_t *patch, int32_t padded, int32_t i, int8_t *high, int8_t *low) {
    int32_t k = 0;
    for (; k + 16 <= padded; k += 16) {
        const int8x16_t a = vreinterpretq_s8_s16(vld1q_s16(patch + k));
        const int8x16_t b = vreinterpretq_s8_s16(vld1q_s16(patch + k + 8));
        const int32x4_t h = vreinterpretq_s32_s8(vuzp2q_s8(a, b));                          // x >> 8
        const int32x4_t l = vreinterpretq_s32_s8(veorq_s8(vuzp1q_s8(a, b), vdupq_n_s8(-128)));  // (x & 255) - 128
        int32_t *hd = (int32_t *)(void *)(high + (size_t)k * 4 + i * 4), *ld = (int32_t *)(void *)(low + (size_t)k * 4 + i * 4);
        vst1q_lane_s32(hd, h, 0), vst1q_lane_s32(hd + 4, h, 1), vst1q_lane_s32(hd + 8, h, 2), vst1q_lane_s32(hd + 12, h, 3);
        vst1q_lane_s32(ld, l, 0), vst1q_lane_s32(ld + 4, l, 1), vst1q_lane_s32(ld + 8, l, 2), vst1q_lane_s32(ld + 12, l, 3);
    }
    for (; k < padded; ++k) {
        const int32_t x = patch[k];
        const size_t at = (size_t)(k / 4) * 16 + i * 4 + k % 4;
        high[at] = (int8_t)(x >> 8), low[at] = (int8_t)((x & 255) - 128);
    }
}

// `blocks` (1 or 2) blocks of 4 channels: weights [block][k / 4][channel 0..3][4 bytes].
EDGE_DOTPROD __attribute__((always_inline)) static inline void tile(const int8_t *high, const int8_t *low,
                                                                    const int8_t *weights, size_t block_stride,
                                                                    int32_t padded,
                                                                    const edge_conv_channel_block_neon *cb, int blocks,
                                                                    int32x4_t out[4][2]) {
    int32x4_t h[4][2], l[4][2];
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < blocks; ++b) h[i][b] = vdupq_n_s32(0), l[i][b] = cb[b].bias;
    for (int32_t k = 0; k < padded; k += 4) {
        const int8x16_t hv = vld1q_s8(high + k * 4), lv = vld1q_s8(low + k * 4);
        for (int b = 0; b < blocks; ++b) {
            const int8x16_t wv = vld1q_s8(weights + b * block_stride + (size_t)k * 4);
            h[0][b] = vdotq_laneq_s32(h[0][b], wv, hv, 0), l[0][b] = vdotq_laneq_s32(l[0][b], wv, lv, 0);
            h[1][b] = vdotq_laneq_s32(h[1][b], wv, hv, 1), l[1][b] = vdotq_laneq_s32(l[1][b], wv, lv, 1);
            h[2][b] = vdotq_laneq_s32(h[2][b], wv, hv, 2), l[2][b] = vdotq_laneq_s32(l[2][b], wv, lv, 2);
            h[3][b] = vdotq_laneq_s32(h[3][b], wv, hv, 3), l[3][b] = vdotq_laneq_s32(l[3][b], wv, lv, 3);
        }
    }
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < blocks; ++b) out[i][b] = vaddq_s32(l[i][b], vshlq_n_s32(h[i][b], 8));
}

size_t edge_s16_conv2d_pack_4x8k4_neondot(const edge_window_params *w, const edge_requant_params *rq,
                                          const int8_t *filter, const int32_t *bias, void *prepared) {
    edge_requant_params unfolded = *rq;
    unfolded.input_zero_point = 0;  // folded below, modulo 2^32
    const size_t bytes = edge_conv_pack_neon(w, &unfolded, filter, bias, 4, EDGE_CONV_NEON_DOT4, prepared);
    if (prepared == NULL) return bytes;
    edge_conv_header_neon *h = prepared;
    if (!h->simd) return bytes;
    if (!edge_s16_zero_point_fits(rq->input_zero_point)) {
        h->simd = 0;  // padding could not hold the zero point: run the reference
        return bytes;
    }
    edge_conv_channel_block_neon *cb = (edge_conv_channel_block_neon *)((char *)prepared + sizeof *h);
    const int32_t channels = w->output_channels, reduction = edge_conv_reduction(w);
    for (int32_t b = 0; b < h->blocks; ++b) {
        int32_t folded[4] = {0, 0, 0, 0};
        for (int32_t lane = 0; lane < 4; ++lane) {
            const int32_t oc = b * 4 + lane;
            if (oc >= channels) continue;
            int64_t sum = 0;
            for (int32_t k = 0; k < reduction; ++k) sum += filter[(size_t)oc * reduction + k];
            folded[lane] = edge_s16_zero_point_fold(bias[oc], rq->input_zero_point - 128, sum);
        }
        cb[b].bias = vld1q_s32(folded);
    }
    return bytes;
}

EDGE_DOTPROD void edge_s16_conv2d_4x8k4_neondot(const edge_window_params *w, const edge_requant_params *rq,
                                                const int16_t *input, const int8_t *filter, const int32_t *bias,
                                                const void *prepared, int32_t row_begin, int32_t row_end,
                                                int16_t *output) {
    const edge_conv_header_neon *h = prepared;
    if (!h->simd) {
        edge_s16_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    const int32_t padded = h->padded, channels = w->output_channels, blocks = h->blocks;
    const edge_conv_channel_block_neon *cb = (const edge_conv_channel_block_neon *)((const char *)prepared + sizeof *h);
    const int8_t *packed = (const int8_t *)prepared + edge_conv_weights_offset_neon(blocks);
    const size_t block_stride = (size_t)4 * padded;
    _Alignas(16) int16_t patch[EDGE_MAX_REDUCTION];
    _Alignas(16) int8_t high[4 * EDGE_MAX_REDUCTION], low[4 * EDGE_MAX_REDUCTION];
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int32_t pixels = row_end * w->output_width;
    for (int32_t p = row_begin * w->output_width; p < pixels; p += 4) {
        const int32_t n = pixels - p < 4 ? pixels - p : 4;
        for (int32_t i = 0; i < 4; ++i) {
            patch_s16(w, (int16_t)rq->input_zero_point, input, p + (i < n ? i : n - 1), patch, padded);
            split(patch, padded, i, high, low);
        }
        for (int32_t b = 0; b < blocks; b += 2) {
            const int pair = b + 1 < blocks ? 2 : 1;
            int32x4_t sums[4][2];
            if (pair == 2) {
                tile(high, low, packed + b * block_stride, block_stride, padded, cb + b, 2, sums);
            } else {
                tile(high, low, packed + b * block_stride, block_stride, padded, cb + b, 1, sums);
            }
            for (int32_t i = 0; i < n; ++i) {
                const int16x4_t y0 = edge_output_neon_s16(edge_requantize_neon(sums[i][0], &cb[b].requant), &o);
                const int16x4_t y1 =
                    pair == 2 ? edge_output_neon_s16(edge_requantize_neon(sums[i][1], &cb[b + 1].requant), &o) : y0;
                const int16x8_t q = vcombine_s16(y0, y1);
                const int32_t valid = channels - b * 4 < 4 * pair ? channels - b * 4 : 4 * pair;
                int16_t *dst = output + (size_t)(p + i) * channels + b * 4;
                edge_store_s16x8_neon(dst, q, valid);
            }
        }
    }
}
#endif
