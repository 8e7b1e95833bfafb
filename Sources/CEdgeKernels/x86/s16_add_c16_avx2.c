// Int16-activation elementwise add on AVX2, 16 elements per step (then 8, then the reference):
// the reference's three requantizations on int32 lanes. (x - zero_point) << left_shift cannot
// overflow: |x - zero_point| <= 2^15 and left_shift <= 15 (the contract), so it is at most 2^30.
#if defined(__x86_64__)
#include "requantize_avx2.h"

// clamp(y, lo - zero_point, hi - zero_point) + zero_point: inside int16.
EDGE_AVX2 static inline __m256i output_lanes(__m256i y, const edge_output_avx2 *o) {
    return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(y, o->lo), o->hi), o->zero_point);
}

EDGE_AVX2 __attribute__((always_inline)) static inline __m256i add8(
    __m128i a, __m128i b, __m256i za, __m256i zb, __m128i left, const edge_requant_avx2 *qa,
    const edge_requant_avx2 *qb, const edge_requant_avx2 *qo, const edge_output_avx2 *o, int left_shifts) {
    const __m256i x = _mm256_sll_epi32(_mm256_sub_epi32(_mm256_cvtepi16_epi32(a), za), left);
    const __m256i z = _mm256_sll_epi32(_mm256_sub_epi32(_mm256_cvtepi16_epi32(b), zb), left);
    // Input shifts are >= 0 (contract): no saturating left shift there.
    const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, qa, 0), edge_requantize_avx2_shifting(z, qb, 0));
    return output_lanes(edge_requantize_avx2_shifting(sum, qo, left_shifts), o);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void add(size_t count, const edge_add_params *p, const int16_t *a,
                                                                 const int16_t *b, int16_t *output, int left_shifts) {
    const edge_requant_avx2 qa = edge_requant_avx2_uniform(p->a_multiplier, p->a_shift);
    const edge_requant_avx2 qb = edge_requant_avx2_uniform(p->b_multiplier, p->b_shift);
    const edge_requant_avx2 qo = edge_requant_avx2_uniform(p->output_multiplier, p->output_shift);
    const __m256i za = _mm256_set1_epi32(p->a_zero_point), zb = _mm256_set1_epi32(p->b_zero_point);
    const __m128i left = _mm_cvtsi32_si128(p->left_shift);
    const edge_output_avx2 o = edge_output_avx2_make(p->output_zero_point, p->activation_min, p->activation_max);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m256i va = _mm256_loadu_si256((const __m256i *)(a + i)), vb = _mm256_loadu_si256((const __m256i *)(b + i));
        const __m256i lo = add8(_mm256_castsi256_si128(va), _mm256_castsi256_si128(vb), za, zb, left, &qa, &qb, &qo, &o,
                                left_shifts);
        const __m256i hi = add8(_mm256_extracti128_si256(va, 1), _mm256_extracti128_si256(vb, 1), za, zb, left, &qa,
                                &qb, &qo, &o, left_shifts);
        _mm256_storeu_si256((__m256i *)(output + i), _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xD8));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i y = add8(_mm_loadu_si128((const __m128i *)(a + i)), _mm_loadu_si128((const __m128i *)(b + i)), za,
                               zb, left, &qa, &qb, &qo, &o, left_shifts);
        _mm_storeu_si128((__m128i *)(output + i), _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1)));
    }
    if (i < count) edge_s16_add_ref(count - i, p, a + i, b + i, output + i);
}

EDGE_AVX2 void edge_s16_add_c16_avx2(size_t count, const edge_add_params *p, const int16_t *a, const int16_t *b,
                                     int16_t *output) {
    if (p->output_shift < 0) {
        add(count, p, a, b, output, 1);
    } else {
        add(count, p, a, b, output, 0);
    }
}
#endif
