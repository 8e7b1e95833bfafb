// The weight layout both AVX2 convs (int8 and int16 activations) read: int16 weight pairs for
// VPMADDWD against pairs of consecutive activations, their packed bytes and their 4-pixel tile sums.
#ifndef EDGE_CONV_PAIRS_AVX2_H
#define EDGE_CONV_PAIRS_AVX2_H
#if defined(__x86_64__)

#include <string.h>

#include "requantize_avx2.h"
#include "../internal/s16_zero_point.h"

// Weights re-laid out once per layer: [channel block of 8][pair p][lane][2], where the reduction
// index runs over kernel rows of `segment` entries (kernel_width * input_channels rounded up to
// even; the extra entry has weight 0). Channels past the last one of a block have weight 0.
static inline void edge_conv_pack_pairs_avx2(const edge_window_params *w, const int8_t *filter, int32_t segment,
                                             int16_t *packed) {
    const int32_t channels = w->output_channels, blocks = (channels + 7) / 8, row = w->kernel_width * w->input_channels;
    const int32_t pairs = w->kernel_height * segment / 2, reduction = w->kernel_height * row;
    memset(packed, 0, sizeof(int16_t) * (size_t)blocks * pairs * 16);
    for (int32_t oc = 0; oc < channels; ++oc) {
        int16_t *dst = packed + (size_t)(oc / 8) * pairs * 16 + (oc % 8) * 2;
        const int8_t *src = filter + (size_t)oc * reduction;
        for (int32_t ky = 0; ky < w->kernel_height; ++ky)
            for (int32_t kx = 0; kx < row; ++kx) {
                const int32_t k = ky * segment + kx;  // position in the padded reduction
                dst[(k / 2) * 16 + (k & 1)] = src[ky * row + kx];
            }
    }
}

// One block of 8 output channels: its requantization and its int32 bias (for the int16 conv,
// bias - input_zero_point * sum(w) modulo 2^32).
typedef struct {
    edge_requant_avx2 requant;
    __m256i bias;
} edge_conv_pairs_block;

// The packed bytes of both convs: this header, then `blocks` edge_conv_pairs_block, then the
// int16 weight pairs (edge_conv_pack_pairs_avx2).
typedef struct {
    int32_t simd;  // 0: outside the kernel's limits, run the reference
    int32_t segment, columns, left_shifts, blocks;
    int32_t reserved[11];  // 64 bytes
} edge_conv_pairs_header;

static inline edge_conv_pairs_block *edge_conv_pairs_blocks(const edge_conv_pairs_header *h) {
    return (edge_conv_pairs_block *)((char *)h + sizeof(edge_conv_pairs_header));
}

static inline size_t edge_conv_pairs_weights_offset(int32_t blocks) {
    return sizeof(edge_conv_pairs_header) + sizeof(edge_conv_pairs_block) * (size_t)blocks;
}

// Packs the bytes of either conv: the header, the channel blocks, then the weight pairs. The
// kernel runs its SIMD path when `eligible` (the caller's own limits) and the padded rows of one
// output row (kernel_height rows of columns * input_channels + 2 entries: a pair may read one entry
// past a row) fit `max_rows`; otherwise only the header is written, with simd = 0.
// Each block's bias is bias - folded_zero_point * sum(w) modulo 2^32: the int16 conv reads raw x
// and folds its input zero point here; the int8 conv reads x - zero_point and passes 0.
EDGE_AVX2 static inline size_t edge_conv_pairs_pack_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                                         const int8_t *filter, const int32_t *bias, int eligible,
                                                         size_t max_rows, int32_t folded_zero_point, void *packed) {
    const int32_t ic = w->input_channels, channels = w->output_channels, blocks = (channels + 7) / 8;
    const int32_t segment = (w->kernel_width * ic + 1) & ~1, columns = edge_conv_padded_columns(w);
    const int simd = eligible && (size_t)w->kernel_height * ((size_t)columns * ic + 2) <= max_rows;
    const size_t bytes = simd ? edge_conv_pairs_weights_offset(blocks) +
                                    sizeof(int16_t) * (size_t)blocks * w->kernel_height * segment * 8
                              : sizeof(edge_conv_pairs_header);
    if (packed == NULL) return bytes;
    edge_conv_pairs_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    h->segment = segment, h->columns = columns, h->blocks = blocks;
    h->left_shifts = edge_any_left_shift(rq->shift, channels);
    edge_conv_pairs_block *cb = edge_conv_pairs_blocks(h);
    const size_t reduction = (size_t)edge_conv_reduction(w);
    for (int32_t b = 0; b < blocks; ++b) {
        int32_t m[8], s[8], bi[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t oc = b * 8 + lane;
            int64_t sum = 0;
            if (oc < channels && folded_zero_point != 0)
                for (size_t k = 0; k < reduction; ++k) sum += filter[(size_t)oc * reduction + k];
            m[lane] = oc < channels ? rq->multiplier[oc] : 0;
            s[lane] = oc < channels ? rq->shift[oc] : 0;
            bi[lane] = oc < channels ? edge_s16_zero_point_fold(bias[oc], folded_zero_point, sum) : 0;
        }
        cb[b].requant = edge_requant_avx2_make(m, s);
        cb[b].bias = _mm256_loadu_si256((const __m256i *)bi);
    }
    edge_conv_pack_pairs_avx2(w, filter, segment, (int16_t *)((char *)packed + edge_conv_pairs_weights_offset(blocks)));
    return bytes;
}

// acc[i][b] += the pair sums of pixel i (tap rows at x[i] + ky * row_stride, `segment` entries a
// row) against channel block b (weights, weights + block_stride) for b < `blocks` (1 or 2).
// VPMADDWD's pair sums are exact for |x| <= 32768 and |w| <= 127 (2 * 32768 * 127 < 2^31); VPADDD
// wraps modulo 2^32. Always inlined so that the 8 accumulators stay in registers.
EDGE_AVX2 __attribute__((always_inline)) static inline void edge_conv_pairs_accumulate_4x8_avx2(
    const int16_t *const x[4], int32_t kernel_height, size_t row_stride, int32_t segment, const int16_t *weights,
    size_t block_stride, int blocks, __m256i acc[4][2]) {
    __m256i a00 = acc[0][0], a10 = acc[1][0], a20 = acc[2][0], a30 = acc[3][0];
    __m256i a01 = acc[0][1], a11 = acc[1][1], a21 = acc[2][1], a31 = acc[3][1];
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
    acc[0][0] = a00, acc[1][0] = a10, acc[2][0] = a20, acc[3][0] = a30;
    acc[0][1] = a01, acc[1][1] = a11, acc[2][1] = a21, acc[3][1] = a31;
}

// The pointers of the 4 pixels of the tile at output column ox (the last pixel repeated past the
// row's end) in a row whose pixel i starts at base + i * pixel_step; returns how many are real.
static inline int32_t edge_conv_tile_pixels(const int16_t *base, int32_t ox, int32_t output_width, size_t pixel_step,
                                            const int16_t *x[4]) {
    const int32_t n = output_width - ox < 4 ? output_width - ox : 4;
    for (int32_t i = 0; i < 4; ++i) x[i] = base + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
    return n;
}

#endif
#endif  // EDGE_CONV_PAIRS_AVX2_H
