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

enum { MAX_ROWS = 16384 };  // int16 entries of the padded rows of one output row

typedef struct {
    edge_requant_avx2 requant;
    __m256i bias;  // bias - input_zero_point * sum(w) modulo 2^32
} channel_block;

// Clamp to [lo - zero_point, hi - zero_point] and add the zero point (edge_output on 8 lanes);
// every result lies inside int16.
EDGE_AVX2 static inline __m256i output_lanes(__m256i y, const edge_output_avx2 *o) {
    return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(y, o->lo), o->hi), o->zero_point);
}

// Two vectors of 8 int32 outputs as 16 int16 in order (a's, then b's); exact (values inside int16).
EDGE_AVX2 static inline __m256i narrow16(__m256i a, __m256i b) {
    return _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
}

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
    size_t block_stride, const channel_block *cb, int blocks, int32_t pixels, int32_t channels, int16_t *out,
    int32_t out_stride, const edge_output_avx2 *o, int left_shifts) {
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
            const __m256i y = narrow16(
                output_lanes(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts), o),
                output_lanes(edge_requantize_avx2_shifting(acc[i][1], &cb[1].requant, left_shifts), o));
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
        const __m256i y = narrow16(output_lanes(edge_requantize_avx2_shifting(acc[i][0], &cb[0].requant, left_shifts), o),
                                   output_lanes(edge_requantize_avx2_shifting(second, &cb[0].requant, left_shifts), o));
        int16_t *dst = out + (size_t)i * out_stride;
        store_s16(dst, _mm256_castsi256_si128(y), channels);
        if (i + 1 < pixels) store_s16(dst + out_stride, _mm256_extracti128_si256(y, 1), channels);
    }
}

// Copies input row iy into dst as `columns` columns of `ic` values, column c holding input column
// c - pad_left; columns and rows outside the input hold the zero point.
static inline void padded_row(const edge_window_params *w, const int16_t *input, int32_t iy, int32_t columns,
                              int16_t zero_point, int16_t *dst) {
    const size_t ic = (size_t)w->input_channels, total = (size_t)columns * ic;
    if (iy < 0 || iy >= w->input_height) {
        for (size_t i = 0; i < total; ++i) dst[i] = zero_point;
        return;
    }
    const size_t left = (size_t)w->pad_left * ic, n = (size_t)w->input_width * ic;
    for (size_t i = 0; i < left; ++i) dst[i] = zero_point;
    memcpy(dst + left, input + (size_t)iy * n, sizeof(int16_t) * n);
    for (size_t i = left + n; i < total; ++i) dst[i] = zero_point;
}

// The packed bytes: this header, then `blocks` channel_block, then the int16 weight pairs.
typedef struct {
    int32_t simd;  // 0: outside the limits (stack rows, zero point beyond int16), run the reference
    int32_t segment, columns, left_shifts, blocks;
    int32_t reserved[11];  // 64 bytes
} conv_header;

static size_t blocks_offset(void) { return sizeof(conv_header); }
static size_t weights_offset(int32_t blocks) { return sizeof(conv_header) + sizeof(channel_block) * (size_t)blocks; }

EDGE_AVX2 __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                  const edge_requant_params *rq, const int16_t *input,
                                                                  const conv_header *h, int32_t row_begin,
                                                                  int32_t row_end, int16_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, blocks = h->blocks, ic = w->input_channels;
    const int32_t segment = h->segment, columns = h->columns;
    const size_t copied_stride = (size_t)columns * ic + 2;  // +2: a pair may read one entry past a row
    const size_t block_stride = (size_t)w->kernel_height * segment * 8;
    const channel_block *cb = (const channel_block *)((const char *)h + blocks_offset());
    const int16_t *packed = (const int16_t *)((const char *)h + weights_offset(blocks));
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
            for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                padded_row(w, input, iy0 + ky, columns, (int16_t)rq->input_zero_point, rows + ky * row_stride);
                rows[ky * row_stride + row_stride - 2] = rows[ky * row_stride + row_stride - 1] = 0;
            }
            base = rows;
        }
        int16_t *out_row = output + (size_t)oy * w->output_width * channels;
        for (int32_t ox = 0; ox < w->output_width; ox += 4) {
            const int32_t n = w->output_width - ox < 4 ? w->output_width - ox : 4;
            const int16_t *x[4];
            for (int32_t i = 0; i < 4; ++i) x[i] = base + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
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
    const int32_t ic = w->input_channels, channels = w->output_channels, blocks = (channels + 7) / 8;
    const int32_t segment = (w->kernel_width * ic + 1) & ~1, columns = edge_conv_padded_columns(w);
    const int simd = (size_t)w->kernel_height * ((size_t)columns * ic + 2) <= MAX_ROWS &&
                     rq->input_zero_point >= INT16_MIN && rq->input_zero_point <= INT16_MAX;
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
    const size_t reduction = (size_t)edge_conv_reduction(w);
    for (int32_t b = 0; b < blocks; ++b) {
        int32_t m[8], s[8], bi[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t oc = b * 8 + lane;
            uint32_t folded = 0;  // modulo 2^32: only the final sum is bounded
            if (oc < channels) {
                int64_t sum = 0;
                for (size_t k = 0; k < reduction; ++k) sum += filter[(size_t)oc * reduction + k];
                folded = (uint32_t)bias[oc] - (uint32_t)((int64_t)rq->input_zero_point * sum);
            }
            m[lane] = oc < channels ? rq->multiplier[oc] : 0;
            s[lane] = oc < channels ? rq->shift[oc] : 0;
            bi[lane] = (int32_t)folded;
        }
        cb[b].requant = edge_requant_avx2_make(m, s);
        cb[b].bias = _mm256_loadu_si256((const __m256i *)bi);
    }
    edge_conv_pack_pairs_avx2(w, filter, segment, (int16_t *)((char *)packed + weights_offset(blocks)));
    return bytes;
}

EDGE_AVX2 void edge_s16_conv2d_4x8_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                        const int16_t *input, const int8_t *filter, const int32_t *bias,
                                        const void *packed, int32_t row_begin, int32_t row_end, int16_t *output) {
    const conv_header *h = packed;
    if (!h->simd) {
        edge_s16_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (h->left_shifts) {
        conv(w, rq, input, h, row_begin, row_end, output, 1);
    } else {
        conv(w, rq, input, h, row_begin, row_end, output, 0);
    }
}
#endif
