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

typedef struct {
    edge_requant_avx2 requant;
    __m256i bias;
} channel_block;

// Accumulates 4 pixels (tap rows at x[i] + ky * row_stride) against `blocks` (1 or 2) channel
// blocks, requantizes and stores `pixels` outputs of `channels` channels (0 < channels <= 8 * blocks).
EDGE_AVX2 __attribute__((always_inline)) static inline void tile(
    const int16_t *const x[4], int32_t kernel_height, size_t row_stride, int32_t segment, const int16_t *weights,
    size_t block_stride, const channel_block *cb, int blocks, int32_t pixels, int32_t channels, int8_t *out,
    int32_t out_stride, const edge_output_avx2 *o, int left_shifts) {
    // Named accumulators (not an array indexed later at run time) so that they stay in registers.
    __m256i a00 = cb[0].bias, a10 = a00, a20 = a00, a30 = a00;
    __m256i a01 = blocks > 1 ? cb[1].bias : a00, a11 = a01, a21 = a01, a31 = a01;
    const int16_t *wp = weights;
    for (int32_t ky = 0; ky < kernel_height; ++ky) {
        const int16_t *p0 = x[0] + ky * row_stride, *p1 = x[1] + ky * row_stride;
        const int16_t *p2 = x[2] + ky * row_stride, *p3 = x[3] + ky * row_stride;
        for (int32_t k = 0; k < segment; k += 2, wp += 16) {
            int32_t v0, v1, v2, v3;
            memcpy(&v0, p0 + k, 4), memcpy(&v1, p1 + k, 4), memcpy(&v2, p2 + k, 4), memcpy(&v3, p3 + k, 4);
            const __m256i b0 = _mm256_set1_epi32(v0), b1 = _mm256_set1_epi32(v1);
            const __m256i b2 = _mm256_set1_epi32(v2), b3 = _mm256_set1_epi32(v3);
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)wp);
            a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(b0, w0));
            a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(b1, w0));
            a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(b2, w0));
            a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(b3, w0));
            if (blocks > 1) {
                const __m256i w1 = _mm256_loadu_si256((const __m256i *)(wp + block_stride));
                a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(b0, w1));
                a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(b1, w1));
                a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(b2, w1));
                a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(b3, w1));
            }
        }
    }
    const __m256i acc[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
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

// The packed bytes: this header, then `blocks` channel_block, then the int16 weight pairs.
typedef struct {
    int32_t simd;         // 0: the shape is beyond the stack buffers, run the reference
    int32_t segment, columns, left_shifts, blocks;
    int32_t reserved[11];  // 64 bytes
} conv_header;

static size_t blocks_offset(void) { return sizeof(conv_header); }
static size_t weights_offset(int32_t blocks) { return sizeof(conv_header) + sizeof(channel_block) * (size_t)blocks; }

EDGE_AVX2 __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                  const edge_requant_params *rq, const int8_t *input,
                                                                  const conv_header *h, int32_t row_begin,
                                                                  int32_t row_end, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, blocks = h->blocks, ic = w->input_channels;
    const int32_t segment = h->segment, columns = h->columns;
    const size_t row_stride = (size_t)columns * ic + 2;  // +2: a pair may read one entry past a row
    const size_t block_stride = (size_t)w->kernel_height * segment * 8;
    const channel_block *cb = (const channel_block *)((const char *)h + blocks_offset());
    const int16_t *packed = (const int16_t *)((const char *)h + weights_offset(blocks));
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
            const int32_t n = w->output_width - ox < 4 ? w->output_width - ox : 4;
            const int16_t *x[4];
            for (int32_t i = 0; i < 4; ++i) x[i] = rows + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
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
    const int32_t ic = w->input_channels, channels = w->output_channels, blocks = (channels + 7) / 8;
    const int32_t segment = (w->kernel_width * ic + 1) & ~1, columns = edge_conv_padded_columns(w);
    const int simd = (size_t)w->kernel_height * ((size_t)columns * ic + 2) <= MAX_WIDENED;
    const size_t bytes = simd ? weights_offset(blocks) + sizeof(int16_t) * (size_t)blocks * w->kernel_height * segment * 8
                              : sizeof(conv_header);
    if (packed == NULL) return bytes;
    conv_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    h->segment = segment, h->columns = columns, h->blocks = blocks;
    h->left_shifts = edge_any_left_shift(rq->shift, channels);
    channel_block *cb = (channel_block *)((char *)packed + blocks_offset());
    for (int32_t b = 0; b < blocks; ++b) {
        int32_t m[8], s[8], bi[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t oc = b * 8 + lane;
            m[lane] = oc < channels ? rq->multiplier[oc] : 0;
            s[lane] = oc < channels ? rq->shift[oc] : 0;
            bi[lane] = oc < channels ? bias[oc] : 0;
        }
        cb[b].requant = edge_requant_avx2_make(m, s);
        cb[b].bias = _mm256_loadu_si256((const __m256i *)bi);
    }
    edge_conv_pack_pairs_avx2(w, filter, segment, (int16_t *)((char *)packed + weights_offset(blocks)));
    return bytes;
}

EDGE_AVX2 void edge_s8_conv2d_4x8_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                       const int8_t *input, const int8_t *filter, const int32_t *bias,
                                       const void *packed, int32_t row_begin, int32_t row_end, int8_t *output) {
    const conv_header *h = packed;
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
