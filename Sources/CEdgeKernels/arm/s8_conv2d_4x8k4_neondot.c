// Int8 conv (any kernel size, stride, padding) as a matrix product with the armv8.2 dot product:
// tiles of 4 output pixels x 8 output channels; each SDOT (by element) adds 4 int8 products into
// each of 4 int32 lanes, exactly. Raw input patches (padding = input zero point), zero point folded
// into the bias as bias - zp * sum(w) (the reference's integer).
//
// Only the functions marked EDGE_DOTPROD may contain SDOT: this file is compiled for baseline
// armv8-a and the table that points here is chosen only when HWCAP_ASIMDDP is set.
#if defined(__aarch64__)
#include <string.h>

#include "conv_packing_neon.h"

#define EDGE_DOTPROD __attribute__((target("arch=armv8.2-a+dotprod")))

// Patches as SDOT-by-element wants them: [k / 4][pixel 0..3][4 bytes].
static void interleave(const int8_t *rows, int32_t padded, int8_t *dst) {
    for (int32_t k = 0; k < padded; k += 4)
        for (int32_t i = 0; i < 4; ++i) memcpy(dst + k * 4 + i * 4, rows + i * padded + k, 4);
}

// `blocks` (1 or 2) blocks of 4 channels: weights [block][k / 4][channel 0..3][4 bytes].
EDGE_DOTPROD __attribute__((always_inline)) static inline void tile(const int8_t *x, const int8_t *weights, size_t block_stride, int32_t padded,
                                     const edge_conv_channel_block_neon *cb, int blocks, int32x4_t out[4][2]) {
    int32x4_t acc[4][2];
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < blocks; ++b) acc[i][b] = cb[b].bias;
    for (int32_t k = 0; k < padded; k += 4) {
        const int8x16_t xv = vld1q_s8(x + k * 4);
        for (int b = 0; b < blocks; ++b) {
            const int8x16_t wv = vld1q_s8(weights + b * block_stride + (size_t)k * 4);
            acc[0][b] = vdotq_laneq_s32(acc[0][b], wv, xv, 0);
            acc[1][b] = vdotq_laneq_s32(acc[1][b], wv, xv, 1);
            acc[2][b] = vdotq_laneq_s32(acc[2][b], wv, xv, 2);
            acc[3][b] = vdotq_laneq_s32(acc[3][b], wv, xv, 3);
        }
    }
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < blocks; ++b) out[i][b] = acc[i][b];
}

size_t edge_s8_conv2d_pack_4x8k4_neondot(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                         const int32_t *bias, void *prepared) {
    return edge_conv_pack_neon(w, rq, filter, bias, 4, EDGE_CONV_NEON_DOT4, prepared);
}

EDGE_DOTPROD void edge_s8_conv2d_4x8k4_neondot(const edge_window_params *w, const edge_requant_params *rq, const int8_t *input,
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
    const size_t block_stride = (size_t)4 * padded;
    _Alignas(16) int8_t rows[4 * EDGE_MAX_REDUCTION];
    _Alignas(16) int8_t patches[4 * EDGE_MAX_REDUCTION];
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int32_t pixels = row_end * w->output_width;
    for (int32_t p = row_begin * w->output_width; p < pixels; p += 4) {
        const int32_t n = pixels - p < 4 ? pixels - p : 4;
        for (int32_t i = 0; i < 4; ++i)
            edge_conv_patch_s8(w, (int8_t)rq->input_zero_point, input, p + (i < n ? i : n - 1), rows + i * padded,
                               padded);
        interleave(rows, padded, patches);
        for (int32_t b = 0; b < blocks; b += 2) {
            const int pair = b + 1 < blocks ? 2 : 1;
            int32x4_t sums[4][2];
            if (pair == 2) {
                tile(patches, packed + b * block_stride, block_stride, padded, cb + b, 2, sums);
            } else {
                tile(patches, packed + b * block_stride, block_stride, padded, cb + b, 1, sums);
            }
            for (int32_t i = 0; i < n; ++i) {
                const int32x4_t y0 = edge_requantize_neon(sums[i][0], &cb[b].requant);
                const int32x4_t y1 = pair == 2 ? edge_requantize_neon(sums[i][1], &cb[b + 1].requant) : y0;
                const int8x8_t q = edge_narrow8_neon(y0, y1, &o);
                const int32_t valid = channels - b * 4 < 4 * pair ? channels - b * 4 : 4 * pair;
                int8_t *dst = output + (size_t)(p + i) * channels + b * 4;
                if (valid == 8) {
                    vst1_s8(dst, q);
                } else {
                    int8_t tmp[8];
                    vst1_s8(tmp, q);
                    memcpy(dst, tmp, (size_t)valid);
                }
            }
        }
    }
}

size_t edge_s8_fully_connected_pack_neondot(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                            const int8_t *filter, const int32_t *bias, void *prepared) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    return edge_s8_conv2d_pack_4x8k4_neondot(&w, requant, filter, bias, prepared);
}

EDGE_DOTPROD void edge_s8_fully_connected_neondot(int32_t input_count, int32_t output_count,
                                                  const edge_requant_params *requant, const int8_t *input,
                                                  const int8_t *filter, const int32_t *bias, const void *prepared,
                                                  int8_t *output) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    edge_s8_conv2d_4x8k4_neondot(&w, requant, input, filter, bias, prepared, 0, 1, output);
}
#endif
