// Int8 conv (any kernel size, stride, padding) as a matrix product on baseline NEON (armv8.0):
// tiles of 4 output pixels x 4 output channels, reduction in steps of 16 bytes. SMULL + SMLAL2
// add two int8 products into one int16 lane: |x * w| <= 128 * 127 = 16256 because weights are in
// [-127, 127], so two of them (32512) cannot overflow int16; SADALP then widens pairwise into
// int32. Patches hold the raw input (padding = input zero point) and the zero point enters once
// through the bias: bias - zp * sum(w), the same integer as the reference's sum((x - zp) * w).
#if defined(__aarch64__)
#include <string.h>

#include "conv_packing_neon.h"

static inline int32x4_t reduce4(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    return vpaddq_s32(vpaddq_s32(a, b), vpaddq_s32(c, d));
}

// 4 patches x 4 weight rows over `padded` (a multiple of 8) bytes; returns one vector of 4
// channel sums per pixel.
static inline void tile(const int8_t *patches, const int8_t *weights, int32_t padded, int32x4_t out[4]) {
    int32x4_t acc[4][4];
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) acc[i][j] = vdupq_n_s32(0);
    int32_t k = 0;
    for (; k + 16 <= padded; k += 16) {
        int8x16_t x[4], w[4];
        for (int i = 0; i < 4; ++i) x[i] = vld1q_s8(patches + i * padded + k);
        for (int j = 0; j < 4; ++j) w[j] = vld1q_s8(weights + j * padded + k);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) {
                int16x8_t p = vmull_s8(vget_low_s8(x[i]), vget_low_s8(w[j]));
                p = vmlal_high_s8(p, x[i], w[j]);
                acc[i][j] = vpadalq_s16(acc[i][j], p);
            }
    }
    if (k < padded) {  // 8 bytes left
        int8x8_t x[4], w[4];
        for (int i = 0; i < 4; ++i) x[i] = vld1_s8(patches + i * padded + k);
        for (int j = 0; j < 4; ++j) w[j] = vld1_s8(weights + j * padded + k);
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) acc[i][j] = vpadalq_s16(acc[i][j], vmull_s8(x[i], w[j]));
    }
    for (int i = 0; i < 4; ++i) out[i] = reduce4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
}

size_t edge_s8_conv2d_pack_4x4k16_neon(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                       const int32_t *bias, void *prepared) {
    return edge_conv_pack_neon(w, rq, filter, bias, 8, EDGE_CONV_NEON_ROWS, prepared);
}

void edge_s8_conv2d_4x4k16_neon(const edge_window_params *w, const edge_requant_params *rq, const int8_t *input,
                                const int8_t *filter, const int32_t *bias, const void *prepared, int32_t row_begin,
                                int32_t row_end, int8_t *output) {
    const edge_conv_header_neon *h = prepared;
    if (!h->simd) {
        edge_s8_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    const int32_t padded = h->padded, channels = w->output_channels, blocks = h->blocks;
    const edge_conv_channel_block_neon *cb = (const edge_conv_channel_block_neon *)((const char *)prepared + sizeof *h);
    const int8_t *packed = (const int8_t *)prepared + edge_conv_weights_offset_neon(blocks);
    _Alignas(16) int8_t patches[4 * EDGE_MAX_REDUCTION];
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int32_t pixels = row_end * w->output_width;
    for (int32_t p = row_begin * w->output_width; p < pixels; p += 4) {
        const int32_t n = pixels - p < 4 ? pixels - p : 4;
        for (int32_t i = 0; i < 4; ++i)
            edge_conv_patch_s8(w, (int8_t)rq->input_zero_point, input, p + (i < n ? i : n - 1), patches + i * padded,
                               padded);
        for (int32_t b = 0; b < blocks; ++b) {
            int32x4_t sums[4];
            tile(patches, packed + (size_t)b * 4 * padded, padded, sums);
            const int32_t valid = channels - b * 4 < 4 ? channels - b * 4 : 4;
            for (int32_t i = 0; i < n; ++i) {
                const int32x4_t y = edge_requantize_neon(vaddq_s32(sums[i], cb[b].bias), &cb[b].requant);
                const int8x8_t q = vqmovn_s16(vcombine_s16(edge_output_neon_s16(y, &o), vdup_n_s16(0)));
                int8_t tmp[8];
                vst1_s8(tmp, q);
                memcpy(output + (size_t)(p + i) * channels + b * 4, tmp, (size_t)valid);
            }
        }
    }
}

size_t edge_s8_fully_connected_pack_neon(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                         const int8_t *filter, const int32_t *bias, void *prepared) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    return edge_s8_conv2d_pack_4x4k16_neon(&w, requant, filter, bias, prepared);
}

void edge_s8_fully_connected_neon(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                  const int8_t *input, const int8_t *filter, const int32_t *bias, const void *prepared,
                                  int8_t *output) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    edge_s8_conv2d_4x4k16_neon(&w, requant, input, filter, bias, prepared, 0, 1, output);
}
#endif
