// Int8 elementwise add on AVX2, 8 elements per step: the reference's three requantizations on int32
// lanes. (x - zero_point) << left_shift cannot overflow for left_shift <= 22 (|x - zp| <= 255).
#if defined(__x86_64__)
#include "requantize_avx2.h"

EDGE_AVX2 __attribute__((always_inline)) static inline void add(size_t count, const edge_add_params *p, const int8_t *a,
                                                                 const int8_t *b, int8_t *output, int left_shifts) {
    const edge_requant_avx2 qa = edge_requant_avx2_uniform(p->a_multiplier, p->a_shift);
    const edge_requant_avx2 qb = edge_requant_avx2_uniform(p->b_multiplier, p->b_shift);
    const edge_requant_avx2 qo = edge_requant_avx2_uniform(p->output_multiplier, p->output_shift);
    const __m256i za = _mm256_set1_epi32(p->a_zero_point), zb = _mm256_set1_epi32(p->b_zero_point);
    const __m128i left = _mm_cvtsi32_si128(p->left_shift);
    const edge_output_avx2 o = edge_output_avx2_make(p->output_zero_point, p->activation_min, p->activation_max);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {  // two groups of 8, narrowed together
        __m256i y[2];
        for (int h = 0; h < 2; ++h) {
            const __m256i x = _mm256_sll_epi32(
                _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(a + i + 8 * h))), za), left);
            const __m256i z = _mm256_sll_epi32(
                _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i + 8 * h))), zb), left);
            const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, &qa, left_shifts),
                                                 edge_requantize_avx2_shifting(z, &qb, left_shifts));
            y[h] = edge_requantize_avx2_shifting(sum, &qo, left_shifts);
        }
        _mm_storeu_si128((__m128i *)(output + i), edge_narrow16_s8_avx2(y[0], y[1], &o));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i x = _mm256_sll_epi32(
            _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(a + i))), za), left);
        const __m256i y = _mm256_sll_epi32(
            _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + i))), zb), left);
        const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, &qa, left_shifts), edge_requantize_avx2_shifting(y, &qb, left_shifts));
        _mm_storel_epi64((__m128i *)(output + i), edge_narrow_s8_avx2(edge_requantize_avx2_shifting(sum, &qo, left_shifts), &o));
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
