// Int8 conv (any kernel size, stride, padding) on AVX2 as a matrix product over tiles of 4
// horizontally adjacent output pixels x 8 (or 16) output channels.
//
// Per output row, the kernel_height input rows it reads are widened once to int16 x - zero_point
// ([-255, 255]) with explicit zero columns for the padding ("widened rows"); the tile then reads
// its taps straight from those rows: for each kernel row, kernel_width * input_channels
// consecutive values, taken in pairs. Weights are int16 too, so VPMADDWD forms exact int32 pair
// sums (2 * 255 * 127 < 2^31) without VPMADDUBSW's int16 saturation. The sum is the reference's
// integer in another order. Fully connected layers run here as a 1x1 conv over one pixel.
#if defined(__x86_64__)
#include <string.h>

#include "conv_pairs_avx2.h"

enum { MAX_WIDENED = 16384 };  // int16 entries of the widened rows of one output row

// Accumulates 4 pixels (tap rows at x[i] + ky * row_stride) against `blocks` (1 or 2) channel
// blocks, requantizes and stores `pixels` outputs of `channels` channels (0 < channels <= 8 * blocks).
EDGE_AVX2 __attribute__((always_inline)) static inline void tile(
    const int16_t *const x[4], int32_t kernel_height, size_t row_stride, int32_t segment, const int16_t *weights,
    size_t block_stride, const edge_conv_pairs_block *cb, int blocks, int32_t pixels, int32_t channels, int8_t *out,
    int32_t out_stride, const edge_output_avx2 *o, int left_shifts) {
    const __m256i b0 = cb[0].bias, b1 = blocks > 1 ? cb[1].bias : b0;
    __m256i acc[4][2] = {{b0, b1}, {b0, b1}, {b0, b1}, {b0, b1}};
    edge_conv_pairs_accumulate_4x8_avx2(x, kernel_height, row_stride, segment, weights, block_stride, blocks, acc);
    if (blocks > 1) {  // one pixel's 16 channels per narrowing
        for (int32_t i = 0; i < pixels; ++i) {
            const __m128i y = edge_narrow16_s8_avx2(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts),
                                                    edge_requantize_avx2_shifting(acc[i][1], &cb[1].requant, left_shifts), o);
            int8_t *dst = out + (size_t)i * out_stride;
            if (channels >= 16) {
                _mm_storeu_si128((__m128i *)dst, y);
            } else {
                int8_t tmp[16];
                _mm_storeu_si128((__m128i *)tmp, y);
                memcpy(dst, tmp, (size_t)channels);
            }
        }
        return;
    }
    for (int32_t i = 0; i < pixels; i += 2) {  // two pixels' 8 channels per narrowing
        const __m256i second = i + 1 < 4 ? acc[i + 1][0] : acc[i][0];
        const __m128i y = edge_narrow16_s8_avx2(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts),
                                                edge_requantize_avx2_shifting(second, &cb[0].requant, left_shifts), o);
        int8_t *dst = out + (size_t)i * out_stride;
        if (channels >= 8) {
            _mm_storel_epi64((__m128i *)dst, y);
            if (i + 1 < pixels) _mm_storeh_pd((double *)(dst + out_stride), _mm_castsi128_pd(y));
        } else {
            int8_t tmp[16];
            _mm_storeu_si128((__m128i *)tmp, y);
            memcpy(dst, tmp, (size_t)channels);
            if (i + 1 < pixels) memcpy(dst + out_stride, tmp + 8, (size_t)channels);
        }
    }
}

// Widens input row iy (or zeros outside the input) into dst: `columns` columns of `ic` values,
// column c holding input column c - pad_left.
EDGE_AVX2 static inline void widen_row(const edge_window_params *w, const int8_t *input, int32_t iy, int32_t columns,
                                       __m256i zero_point, int16_t *dst) {
    const int32_t ic = w->input_channels;
    if (iy < 0 || iy >= w->input_height) {
        memset(dst, 0, sizeof(int16_t) * (size_t)columns * ic);
        return;
    }
    const int32_t left = w->pad_left, valid = w->input_width;
    const int32_t right = columns - left - valid;  // >= 0 by construction of `columns`
    memset(dst, 0, sizeof(int16_t) * (size_t)left * ic);
    const int8_t *src = input + (size_t)iy * valid * ic;
    int16_t *out = dst + (size_t)left * ic;
    const int32_t n = valid * ic;
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i)));
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_sub_epi16(v, zero_point));
    }
    const int16_t zp = (int16_t)_mm256_extract_epi16(zero_point, 0);
    for (; i < n; ++i) out[i] = (int16_t)(src[i] - zp);
    if (right > 0) memset(out + n, 0, sizeof(int16_t) * (size_t)right * ic);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                  const edge_requant_params *rq, const int8_t *input,
                                                                  const edge_conv_pairs_header *h, int32_t row_begin,
                                                                  int32_t row_end, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, blocks = h->blocks, ic = w->input_channels;
    const int32_t segment = h->segment, columns = h->columns;
    const size_t row_stride = (size_t)columns * ic + 2;  // +2: a pair may read one entry past a row
    const size_t block_stride = (size_t)w->kernel_height * segment * 8;
    const edge_conv_pairs_block *cb = edge_conv_pairs_blocks(h);
    const int16_t *packed = (const int16_t *)((const char *)h + edge_conv_pairs_weights_offset(blocks));
    _Alignas(32) int16_t rows[MAX_WIDENED];
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const __m256i input_zero_point = _mm256_set1_epi16((int16_t)rq->input_zero_point);
    const size_t pixel_step = (size_t)w->stride_width * ic;
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
            widen_row(w, input, iy0 + ky, columns, input_zero_point, rows + ky * row_stride);
            rows[ky * row_stride + row_stride - 2] = rows[ky * row_stride + row_stride - 1] = 0;
        }
        int8_t *out_row = output + (size_t)oy * w->output_width * channels;
        for (int32_t ox = 0; ox < w->output_width; ox += 4) {
            const int16_t *x[4];
            const int32_t n = edge_conv_tile_pixels(rows, ox, w->output_width, pixel_step, x);
            int8_t *out = out_row + (size_t)ox * channels;
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

EDGE_AVX2 size_t edge_s8_conv2d_pack_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                          const int8_t *filter, const int32_t *bias, void *packed) {
    return edge_conv_pairs_pack_avx2(w, rq, filter, bias, 1, MAX_WIDENED, 0, packed);
}

EDGE_AVX2 void edge_s8_conv2d_4x8_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                       const int8_t *input, const int8_t *filter, const int32_t *bias,
                                       const void *packed, int32_t row_begin, int32_t row_end, int8_t *output) {
    const edge_conv_pairs_header *h = packed;
    if (!h->simd) {
        edge_s8_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (h->left_shifts) {
        conv(w, rq, input, h, row_begin, row_end, output, 1);
    } else {
        conv(w, rq, input, h, row_begin, row_end, output, 0);
    }
}

EDGE_AVX2 size_t edge_s8_fully_connected_pack_avx2(int32_t input_count, int32_t output_count,
                                                   const edge_requant_params *requant, const int8_t *filter,
                                                   const int32_t *bias, void *packed) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    return edge_s8_conv2d_pack_avx2(&w, requant, filter, bias, packed);
}

EDGE_AVX2 void edge_s8_fully_connected_avx2(int32_t input_count, int32_t output_count,
                                            const edge_requant_params *requant, const int8_t *input,
                                            const int8_t *filter, const int32_t *bias, const void *packed,
                                            int8_t *output) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    edge_s8_conv2d_4x8_avx2(&w, requant, input, filter, bias, packed, 0, 1, output);
}
#endif
