// The pyramid level resize (include/resize_bilinear_exact.h) with AVX2. Horizontal: 8 columns per step, a 32-bit
// gather at byte offsets i brings p[i], p[i + 1] into the low bytes of each lane, a byte shuffle widens them to a
// 16-bit pair and madd with the (w0, w1) pairs gives h exactly (int32 lanes, 0 <= h <= 65280). The gather reads
// p[i .. i + 3], so only the columns with i + 4 <= source width (a prefix: taps are nondecreasing) take it; the
// rest run the scalar reference code. Vertical: 16 columns per step on int32 lanes,
// (h0 * v0 + h1 * v1 + 2^15) >> 16 computed as (256 * h0 + (h1 - h0) * v1 + 2^15) >> 16 (v0 + v1 = 256; every
// partial value within +-2^25), single rows as (h + 128) >> 8. Equal to the reference bit for bit.
#if defined(__x86_64__)
#include <immintrin.h>

#include "resize_bilinear_exact.h"
#include "../internal/resize_row_walk.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

typedef struct {
    const edge_u8_resize_bilinear_exact_plan *plan;
    int32_t gather_columns;  // columns d < gather_columns have taps[d] + 4 <= source width
} avx2_context;

EDGE_AVX2 static void horizontal_8x_avx2(const void *context, const uint8_t *line, void *row_out) {
    const avx2_context *c = context;
    const int32_t *taps = c->plan->column_taps;
    const int16_t *weights = c->plan->column_weights;
    int32_t *row = row_out;
    // Per 32-bit lane: byte 0 -> 16-bit slot 0, byte 1 -> 16-bit slot 1 (0x80 zeroes the high bytes).
    const __m256i pairs = _mm256_setr_epi8(0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128,
                                           0, -128, 1, -128, 4, -128, 5, -128, 8, -128, 9, -128, 12, -128, 13, -128);
    int32_t d = 0;
    for (; d + 8 <= c->gather_columns; d += 8) {
        const __m256i offsets = _mm256_loadu_si256((const __m256i *)(taps + d));
        const __m256i words = _mm256_i32gather_epi32((const int *)line, offsets, 1);
        const __m256i pixels = _mm256_shuffle_epi8(words, pairs);
        const __m256i w = _mm256_loadu_si256((const __m256i *)(weights + 2 * d));
        _mm256_storeu_si256((__m256i *)(row + d), _mm256_madd_epi16(pixels, w));
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
    avx2_context context = {.plan = plan, .gather_columns = plan->width};
    while (context.gather_columns > 0 && plan->column_taps[context.gather_columns - 1] + 4 > plan->source_width)
        context.gather_columns--;
    edge_resize_walk_rows(plan, source, source_stride, row_begin, row_end, destination, destination_stride, workspace,
                          sizeof(uint32_t) * (size_t)plan->width, &context, horizontal_8x_avx2, blend_16x_avx2);
}
#endif
