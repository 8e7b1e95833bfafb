// Int16-activation elementwise multiply on AVX2, 16 then 8 elements per step along a row of
// channels (a map of b's shape is one long row): the reference's product on int32 lanes (exact,
// at most 2^30), one uniform requantization, the output step, narrowed exactly to int16.
#if defined(__x86_64__)
#include "requantize_avx2.h"

typedef struct {
    __m256i a_zero_point, b_zero_point;
    edge_requant_avx2 out;
    edge_output_avx2 output;
} multiply_avx2;

EDGE_AVX2 __attribute__((always_inline)) static inline __m256i product8(__m128i a, __m128i b, const multiply_avx2 *k,
                                                                        int left_shifts) {
    const __m256i x = _mm256_sub_epi32(_mm256_cvtepi16_epi32(a), k->a_zero_point);
    const __m256i y = _mm256_sub_epi32(_mm256_cvtepi16_epi32(b), k->b_zero_point);
    return edge_output_lanes_avx2(edge_requantize_avx2_shifting(_mm256_mullo_epi32(x, y), &k->out, left_shifts),
                                  &k->output);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void row(size_t count, const edge_multiply_params *p,
                                                                 const multiply_avx2 *k, const int16_t *a,
                                                                 const int16_t *b, int16_t *output, int left_shifts) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m256i va = _mm256_loadu_si256((const __m256i *)(a + i)), vb = _mm256_loadu_si256((const __m256i *)(b + i));
        const __m256i lo = product8(_mm256_castsi256_si128(va), _mm256_castsi256_si128(vb), k, left_shifts);
        const __m256i hi = product8(_mm256_extracti128_si256(va, 1), _mm256_extracti128_si256(vb, 1), k, left_shifts);
        _mm256_storeu_si256((__m256i *)(output + i), edge_narrow16_s16_avx2(lo, hi));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i y = product8(_mm_loadu_si128((const __m128i *)(a + i)), _mm_loadu_si128((const __m128i *)(b + i)),
                                   k, left_shifts);
        _mm_storeu_si128((__m128i *)(output + i), _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1)));
    }
    if (i < count) edge_s16_multiply_ref(1, count - i, p, a + i, b + i, 0, output + i);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void multiply(size_t pixels, size_t channels,
                                                                      const edge_multiply_params *p, const int16_t *a,
                                                                      const int16_t *b, size_t b_pixel_stride,
                                                                      int16_t *output, int left_shifts) {
    multiply_avx2 k;
    k.a_zero_point = _mm256_set1_epi32(p->a_zero_point);
    k.b_zero_point = _mm256_set1_epi32(p->b_zero_point);
    k.out = edge_requant_avx2_uniform(p->output_multiplier, p->output_shift);
    k.output = edge_output_avx2_make(p->output_zero_point, p->activation_min, p->activation_max);
    if (b_pixel_stride == channels) {  // same shape: one row
        channels *= pixels;
        pixels = 1;
    }
    for (size_t pixel = 0; pixel < pixels; ++pixel) {
        row(channels, p, &k, a + pixel * channels, b + pixel * b_pixel_stride, output + pixel * channels, left_shifts);
    }
}

EDGE_AVX2 void edge_s16_multiply_c8_avx2(size_t pixels, size_t channels, const edge_multiply_params *p,
                                         const int16_t *a, const int16_t *b, size_t b_pixel_stride, int16_t *output) {
    if (p->output_shift < 0) {
        multiply(pixels, channels, p, a, b, b_pixel_stride, output, 1);
    } else {
        multiply(pixels, channels, p, a, b, b_pixel_stride, output, 0);
    }
}
#endif
