// Int8 elementwise add on AVX2, 8 elements per step: the reference's three requantizations on int32
// lanes. (x - zero_point) << left_shift cannot overflow for left_shift <= 22 (|x - zp| <= 255).
#if defined(__x86_64__)
#include "requantize_avx2.h"

EDGE_AVX2 __attribute__((always_inline)) static inline void add(size_t count, const edge_add_params *p, const int8_t *a,
                                                                 const int8_t *b, int8_t *output, int left_shifts) {
    const edge_add_avx2 k = edge_add_avx2_make(p);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {  // two groups of 8, narrowed together
        __m256i y[2];
        for (int h = 0; h < 2; ++h) {
            const __m256i x = _mm256_sll_epi32(
                _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(a + i + 8 * h))), k.a_zero_point), k.left_shift);
            const __m256i z = _mm256_sll_epi32(
                _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i + 8 * h))), k.b_zero_point), k.left_shift);
            const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, &k.a, left_shifts),
                                                 edge_requantize_avx2_shifting(z, &k.b, left_shifts));
            y[h] = edge_requantize_avx2_shifting(sum, &k.out, left_shifts);
        }
        _mm_storeu_si128((__m128i *)(output + i), edge_narrow16_s8_avx2(y[0], y[1], &k.output));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i x = _mm256_sll_epi32(
            _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(a + i))), k.a_zero_point), k.left_shift);
        const __m256i y = _mm256_sll_epi32(
            _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i))), k.b_zero_point), k.left_shift);
        const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, &k.a, left_shifts), edge_requantize_avx2_shifting(y, &k.b, left_shifts));
        _mm_storel_epi64((__m128i *)(output + i), edge_narrow_s8_avx2(edge_requantize_avx2_shifting(sum, &k.out, left_shifts), &k.output));
    }
    if (i < count) edge_s8_add_ref(count - i, p, a + i, b + i, output + i);
}

EDGE_AVX2 void edge_s8_add_c8_avx2(size_t count, const edge_add_params *p, const int8_t *a, const int8_t *b,
                                   int8_t *output) {
    if (p->a_shift < 0 || p->b_shift < 0 || p->output_shift < 0) {
        add(count, p, a, b, output, 1);
    } else {
        add(count, p, a, b, output, 0);
    }
}
#endif
