// The pyramid level resize (include/resize_bilinear_exact.h) with AVX2. Horizontal: 8 columns per step as 16-bit
// pairs (p[i], p[i + 1]) and one madd with the (w0, w1) pairs, which gives h exactly (int32 lanes, 0 <= h <= 65280).
// The pairs come from a byte shuffle of the 16 bytes at the first tap of each 4 columns (when their taps lie within
// 15 bytes of it: every level up to about 3.5x downscale; the shuffles are made once per call) or else from a 32-bit
// gather at each tap. Both read only inside the row: the shuffle blocks end where taps[d + 7] + 16 would pass the
// source width, the gather columns where i + 4 would (prefixes: taps are nondecreasing); the rest run the scalar
// reference code. Vertical: 16 columns per step on int32 lanes, (h0 * v0 + h1 * v1 + 2^15) >> 16 computed as
// (256 * h0 + (h1 - h0) * v1 + 2^15) >> 16 (v0 + v1 = 256; every partial value within +-2^25), single rows as
// (h + 128) >> 8. Equal to the reference bit for bit.
#if defined(__x86_64__)
#include <immintrin.h>

#include "resize_bilinear_exact.h"
#include "../internal/resize_row_walk.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

typedef struct {
    const edge_u8_resize_bilinear_exact_plan *plan;
    const __m256i *shuffles;  // per block of 8 columns below shuffle_columns: the byte shuffle of pixel_pairs_shuffled
    int32_t shuffle_columns;
    int32_t gather_columns;   // columns d < gather_columns have taps[d] + 4 <= source width
} avx2_context;

// Columns d ..< d + 8 whose taps lie within 15 bytes of the first of their half (i0 = taps[d], i4 = taps[d + 4]) and
// i4 + 16 <= source width: each 128-bit lane loads the 16 bytes at its first tap and shuffles p[i], p[i + 1] of its
// 4 columns into 16-bit pairs with `shuffle` (bytes i - first, 0x80, i + 1 - first, 0x80 per column; 0x80 makes 0).
EDGE_AVX2 static inline __m256i pixel_pairs_shuffled(const uint8_t *line, const int32_t *taps, __m256i shuffle) {
    const __m256i bytes = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(line + taps[0]))),
        _mm_loadu_si128((const __m128i *)(line + taps[4])), 1);
    return _mm256_shuffle_epi8(bytes, shuffle);
}

// The shuffles of the leading blocks of 8 columns that pixel_pairs_shuffled can take (stored in `shuffles`); returns
// how many columns they cover.
EDGE_AVX2 static int32_t make_shuffles(const edge_u8_resize_bilinear_exact_plan *plan, __m256i *shuffles) {
    const int32_t *taps = plan->column_taps;
    int32_t d = 0;
    for (; d + 8 <= plan->width && taps[d + 7] + 16 <= plan->source_width && taps[d + 3] - taps[d] <= 14
           && taps[d + 7] - taps[d + 4] <= 14;
         d += 8) {
        const __m256i offsets = _mm256_loadu_si256((const __m256i *)(taps + d));
        const __m256i first = _mm256_permutevar8x32_epi32(offsets, _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4));
        const __m256i relative = _mm256_sub_epi32(offsets, first);  // 0 ... 14
        _mm256_storeu_si256(shuffles + d / 8, _mm256_add_epi32(_mm256_or_si256(relative, _mm256_slli_epi32(relative, 16)),
                                                                _mm256_set1_epi32((int32_t)0x80018000u)));
    }
    return d;
}

// Columns d ..< d + 8 by a 32-bit gather at each tap: p[i], p[i + 1] are the lane's low bytes.
EDGE_AVX2 static inline __m256i pixel_pairs_gathered(const uint8_t *line, const int32_t *taps) {
    // Per 32-bit lane: byte 0 -> 16-bit slot 0, byte 1 -> 16-bit slot 1 (0x80 zeroes the high bytes).
    const __m256i pairs = _mm256_setr_epi8(0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128,
                                           0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128);
    const __m256i offsets = _mm256_loadu_si256((const __m256i *)taps);
    return _mm256_shuffle_epi8(_mm256_i32gather_epi32((const int *)line, offsets, 1), pairs);
}

EDGE_AVX2 static void horizontal_8x_avx2(const void *context, const uint8_t *line, void *row_out) {
    const avx2_context *c = context;
    const int32_t *taps = c->plan->column_taps;
    const int16_t *weights = c->plan->column_weights;
    int32_t *row = row_out;
    int32_t d = 0;
    for (; d < c->shuffle_columns; d += 8) {
        const __m256i pixels = pixel_pairs_shuffled(line, taps + d, _mm256_loadu_si256(c->shuffles + d / 8));
        const __m256i w = _mm256_loadu_si256((const __m256i *)(weights + 2 * d));
        _mm256_storeu_si256((__m256i *)(row + d), _mm256_madd_epi16(pixels, w));
    }
    for (; d + 8 <= c->gather_columns; d += 8) {
        const __m256i w = _mm256_loadu_si256((const __m256i *)(weights + 2 * d));
        _mm256_storeu_si256((__m256i *)(row + d), _mm256_madd_epi16(pixel_pairs_gathered(line, taps + d), w));
    }
    edge_resize_horizontal_u32(c->plan, line, d, c->plan->width, (uint32_t *)row);
}

// 16 int32 lanes of values 0...255 to 16 bytes in order.
EDGE_AVX2 static inline void store_16(__m256i a, __m256i b, uint8_t *out) {
    const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
    _mm_storeu_si128((__m128i *)out,
                     _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1)));
}

EDGE_AVX2 static void blend_16x_avx2(const void *context, const void *upper_row, const void *lower_row, int32_t v0,
                                     int32_t v1, uint8_t *out) {
    const avx2_context *c = context;
    const int32_t width = c->plan->width;
    const __m256i *upper = upper_row;
    int32_t d = 0;
    if (lower_row == NULL) {
        const __m256i half = _mm256_set1_epi32(128);
        for (; d + 16 <= width; d += 16) {
            const __m256i a = _mm256_srli_epi32(_mm256_add_epi32(_mm256_loadu_si256(upper + d / 8), half), 8);
            const __m256i b = _mm256_srli_epi32(_mm256_add_epi32(_mm256_loadu_si256(upper + d / 8 + 1), half), 8);
            store_16(a, b, out + d);
        }
        edge_resize_blend_u32(upper_row, NULL, (uint32_t)v0, (uint32_t)v1, d, width, out);
        return;
    }
    const __m256i *lower = lower_row;
    const __m256i weight = _mm256_set1_epi32(v1), half = _mm256_set1_epi32(32768);
    for (; d + 16 <= width; d += 16) {
        __m256i out8[2];
        for (int k = 0; k < 2; k++) {
            const __m256i h0 = _mm256_loadu_si256(upper + d / 8 + k), h1 = _mm256_loadu_si256(lower + d / 8 + k);
            const __m256i sum = _mm256_add_epi32(_mm256_slli_epi32(h0, 8),
                                                 _mm256_mullo_epi32(_mm256_sub_epi32(h1, h0), weight));
            out8[k] = _mm256_srli_epi32(_mm256_add_epi32(sum, half), 16);
        }
        store_16(out8[0], out8[1], out + d);
    }
    edge_resize_blend_u32(upper_row, lower_row, (uint32_t)v0, (uint32_t)v1, d, width, out);
}

EDGE_AVX2 void edge_u8_resize_bilinear_exact_rows_8x_avx2(const edge_u8_resize_bilinear_exact_plan *plan,
                                                          const uint8_t *source, int32_t source_stride,
                                                          int32_t row_begin, int32_t row_end, uint8_t *destination,
                                                          int32_t destination_stride, uint32_t *workspace) {
    // The shuffles go after the two rows (one 32-byte shuffle per 8 columns: the workspace's third row).
    __m256i *shuffles = (__m256i *)(workspace + 2 * (size_t)plan->width);
    avx2_context context = {.plan = plan, .shuffles = shuffles, .shuffle_columns = make_shuffles(plan, shuffles),
                            .gather_columns = plan->width};
    while (context.gather_columns > 0 && plan->column_taps[context.gather_columns - 1] + 4 > plan->source_width)
        context.gather_columns--;
    edge_resize_walk_rows(plan, source, source_stride, row_begin, row_end, destination, destination_stride, workspace,
                          sizeof(uint32_t) * (size_t)plan->width, &context, horizontal_8x_avx2, blend_16x_avx2);
}
#endif
