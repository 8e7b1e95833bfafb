// Int8 elementwise multiply on AVX2, 16 then 8 elements per step along a row of channels (a map
// of b's shape is one long row): the reference's product on int32 lanes (exact, at most 255^2),
// one uniform requantization, the shared output step.
#if defined(__x86_64__)
#include "requantize_avx2.h"

typedef struct {
    __m256i a_zero_point, b_zero_point;
    edge_requant_avx2 out;
    edge_output_avx2 output;
} multiply_avx2;

EDGE_AVX2 __attribute__((always_inline)) static inline __m256i product8(__m128i a, __m128i b, const multiply_avx2 *k,
                                                                        int left_shifts) {
    const __m256i x = _mm256_sub_epi32(_mm256_cvtepi8_epi32(a), k->a_zero_point);
    const __m256i y = _mm256_sub_epi32(_mm256_cvtepi8_epi32(b), k->b_zero_point);
    return edge_requantize_avx2_shifting(_mm256_mullo_epi32(x, y), &k->out, left_shifts);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void row(size_t count, const edge_multiply_params *p,
                                                                 const multiply_avx2 *k, const int8_t *a,
                                                                 const int8_t *b, int8_t *output, int left_shifts) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m256i lo = product8(_mm_loadl_epi64((const __m128i *)(a + i)), _mm_loadl_epi64((const __m128i *)(b + i)),
                                    k, left_shifts);
        const __m256i hi = product8(_mm_loadl_epi64((const __m128i *)(a + i + 8)),
                                    _mm_loadl_epi64((const __m128i *)(b + i + 8)), k, left_shifts);
        _mm_storeu_si128((__m128i *)(output + i), edge_narrow16_s8_avx2(lo, hi, &k->output));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i y = product8(_mm_loadl_epi64((const __m128i *)(a + i)), _mm_loadl_epi64((const __m128i *)(b + i)),
                                   k, left_shifts);
        _mm_storel_epi64((__m128i *)(output + i), edge_narrow_s8_avx2(y, &k->output));
    }
    if (i < count) edge_s8_multiply_ref(1, count - i, p, a + i, b + i, 0, output + i);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void multiply(size_t pixels, size_t channels,
                                                                      const edge_multiply_params *p, const int8_t *a,
                                                                      const int8_t *b, size_t b_pixel_stride,
                                                                      int8_t *output, int left_shifts) {
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

EDGE_AVX2 void edge_s8_multiply_c8_avx2(size_t pixels, size_t channels, const edge_multiply_params *p, const int8_t *a,
                                        const int8_t *b, size_t b_pixel_stride, int8_t *output) {
    if (p->output_shift < 0) {
        multiply(pixels, channels, p, a, b, b_pixel_stride, output, 1);
    } else {
        multiply(pixels, channels, p, a, b, b_pixel_stride, output, 0);
    }
}
#endif
