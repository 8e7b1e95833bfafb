// Int16-activation conv (any kernel size, stride, padding) on AVX2: the int8 conv's tiles of 4
// horizontally adjacent output pixels x 8 (or 16) output channels over int16 weight pairs
// (conv_pairs_avx2.h), reading raw int16 activations.
//
// x - input_zero_point can be 32768, which int16 cannot hold, so the tiles multiply the raw x
// and the zero point enters through bias - input_zero_point * sum(w) over the whole window; taps
// in the padding read the zero point itself (rows copied with zero-point columns/rows), so they add
// input_zero_point * w, cancelled by that same sum. VPMADDWD's pair sums are exact
// (2 * 32768 * 127 < 2^31) and VPADDD wraps modulo 2^32: the result is the reference's integer
// modulo 2^32, hence that integer, which the contract keeps inside int32.
// Rows are read in place when the window needs no padding and the segment is even (every 1x1
// layer with an even channel count, every VALID layer with an even kernel_width * input_channels).
#if defined(__x86_64__)
#include <string.h>

#include "conv_pairs_avx2.h"
#include "../internal/s16_zero_point.h"

enum { MAX_ROWS = 16384 };  // int16 entries of the padded rows of one output row

EDGE_AVX2 static inline void store_s16(int16_t *dst, __m128i v, int32_t count) {
    if (count >= 8) {
        _mm_storeu_si128((__m128i *)dst, v);
    } else {
        int16_t tmp[8];
        _mm_storeu_si128((__m128i *)tmp, v);
        memcpy(dst, tmp, sizeof(int16_t) * (size_t)count);
    }
}

// Accumulates 4 pixels (tap rows at x[i] + ky * row_stride) against `blocks` (1 or 2) channel
// blocks, requantizes and stores `pixels` outputs of `channels` channels (0 < channels <= 8 * blocks).
EDGE_AVX2 __attribute__((always_inline)) static inline void tile(
    const int16_t *const x[4], int32_t kernel_height, size_t row_stride, int32_t segment, const int16_t *weights,
    size_t block_stride, const edge_conv_pairs_block *cb, int blocks, int32_t pixels, int32_t channels, int16_t *out,
    int32_t out_stride, const edge_output_avx2 *o, int left_shifts) {
    const __m256i b0 = cb[0].bias, b1 = blocks > 1 ? cb[1].bias : b0;
    __m256i acc[4][2] = {{b0, b1}, {b0, b1}, {b0, b1}, {b0, b1}};
    edge_conv_pairs_accumulate_4x8_avx2(x, kernel_height, row_stride, segment, weights, block_stride, blocks, acc);
    if (blocks > 1) {  // one pixel's 16 channels per narrowing
        for (int32_t i = 0; i < pixels; ++i) {
            const __m256i y = edge_narrow16_s16_avx2(
                edge_output_lanes_avx2(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts), o),
                edge_output_lanes_avx2(edge_requantize_avx2_shifting(acc[i][1], &cb[1].requant, left_shifts), o));
            int16_t *dst = out + (size_t)i * out_stride;
            if (channels >= 16) {
                _mm256_storeu_si256((__m256i *)dst, y);
            } else {
                _mm_storeu_si128((__m128i *)dst, _mm256_castsi256_si128(y));  // channels > 8 here
                store_s16(dst + 8, _mm256_extracti128_si256(y, 1), channels - 8);
            }
        }
        return;
    }
    for (int32_t i = 0; i < pixels; i += 2) {  // two pixels' 8 channels per narrowing
        const __m256i second = i + 1 < 4 ? acc[i + 1][0] : acc[i][0];
        const __m256i y = edge_narrow16_s16_avx2(edge_output_lanes_avx2(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts), o),
                                   edge_output_lanes_avx2(edge_requantize_avx2_shifting(second, &cb[0].requant, left_shifts), o));
        int16_t *dst = out + (size_t)i * out_stride;
        store_s16(dst, _mm256_castsi256_si128(y), channels);
        if (i + 1 < pixels) store_s16(dst + out_stride, _mm256_extracti128_si256(y, 1), channels);
    }
}

EDGE_AVX2 __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                  const edge_requant_params *rq, const int16_t *input,
                                                                  const edge_conv_pairs_header *h, int32_t row_begin,
                                                                  int32_t row_end, int16_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, blocks = h->blocks, ic = w->input_channels;
    const int32_t segment = h->segment, columns = h->columns;
    const size_t copied_stride = (size_t)columns * ic + 2;  // +2: a pair may read one entry past a row
    const size_t block_stride = (size_t)w->kernel_height * segment * 8;
    const edge_conv_pairs_block *cb = edge_conv_pairs_blocks(h);
    const int16_t *packed = (const int16_t *)((const char *)h + edge_conv_pairs_weights_offset(blocks));
    // In place: no padding columns and whole pairs inside each kernel row.
    const int in_place_columns = w->pad_left == 0 && columns == w->input_width && segment == w->kernel_width * ic;
    _Alignas(32) int16_t rows[MAX_ROWS];
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const size_t pixel_step = (size_t)w->stride_width * ic;
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        const int16_t *base;
        size_t row_stride;
        if (in_place_columns && iy0 >= 0 && iy0 + w->kernel_height <= w->input_height) {
            row_stride = (size_t)w->input_width * ic;
            base = input + (size_t)iy0 * row_stride;
        } else {
            row_stride = copied_stride;
            edge_s16_zero_point_rows(w, input, iy0, (size_t)ic, (int16_t)rq->input_zero_point, row_stride, rows);
            base = rows;
        }
        int16_t *out_row = output + (size_t)oy * w->output_width * channels;
        for (int32_t ox = 0; ox < w->output_width; ox += 4) {
            const int16_t *x[4];
            const int32_t n = edge_conv_tile_pixels(base, ox, w->output_width, pixel_step, x);
            int16_t *out = out_row + (size_t)ox * channels;
            int32_t b = 0;
            for (; b + 2 <= blocks; b += 2)
                tile(x, w->kernel_height, row_stride, segment, packed + b * block_stride, block_stride, cb + b, 2, n,
                     channels - b * 8, out + b * 8, channels, &o, left_shifts);
            if (b < blocks)
                tile(x, w->kernel_height, row_stride, segment, packed + b * block_stride, block_stride, cb + b, 1, n,
                     channels - b * 8, out + b * 8, channels, &o, left_shifts);
        }
    }
}

EDGE_AVX2 size_t edge_s16_conv2d_pack_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                           const int8_t *filter, const int32_t *bias, void *packed) {
    return edge_conv_pairs_pack_avx2(w, rq, filter, bias, edge_s16_zero_point_fits(rq->input_zero_point), MAX_ROWS,
                                     rq->input_zero_point, packed);
}

EDGE_AVX2 void edge_s16_conv2d_4x8_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                        const int16_t *input, const int8_t *filter, const int32_t *bias,
                                        const void *packed, int32_t row_begin, int32_t row_end, int16_t *output) {
    const edge_conv_pairs_header *h = packed;
    if (!h->simd) {
        edge_s16_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (h->left_shifts) {
        conv(w, rq, input, h, row_begin, row_end, output, 1);
    } else {
        conv(w, rq, input, h, row_begin, row_end, output, 0);
    }
}
#endif
