// Int16-activation elementwise add on AVX2, 16 elements per step (then 8, then the reference):
// the reference's three requantizations on int32 lanes. (x - zero_point) << left_shift cannot
// overflow: |x - zero_point| <= 2^15 and left_shift <= 15 (the contract), so it is at most 2^30.
#if defined(__x86_64__)
#include "requantize_avx2.h"

// Output values inside int16 (edge_output_lanes_avx2 clamps to [activation_min, activation_max]).
EDGE_AVX2 __attribute__((always_inline)) static inline __m256i add8(__m128i a, __m128i b, const edge_add_avx2 *k,
                                                                    int left_shifts) {
    const __m256i x = _mm256_sll_epi32(_mm256_sub_epi32(_mm256_cvtepi16_epi32(a), k->a_zero_point), k->left_shift);
    const __m256i z = _mm256_sll_epi32(_mm256_sub_epi32(_mm256_cvtepi16_epi32(b), k->b_zero_point), k->left_shift);
    // Input shifts are >= 0 (contract): no saturating left shift there.
    const __m256i sum = _mm256_add_epi32(edge_requantize_avx2_shifting(x, &k->a, 0), edge_requantize_avx2_shifting(z, &k->b, 0));
    return edge_output_lanes_avx2(edge_requantize_avx2_shifting(sum, &k->out, left_shifts), &k->output);
}

EDGE_AVX2 __attribute__((always_inline)) static inline void add(size_t count, const edge_add_params *p, const int16_t *a,
                                                                 const int16_t *b, int16_t *output, int left_shifts) {
    const edge_add_avx2 k = edge_add_avx2_make(p);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m256i va = _mm256_loadu_si256((const __m256i *)(a + i)), vb = _mm256_loadu_si256((const __m256i *)(b + i));
        const __m256i lo = add8(_mm256_castsi256_si128(va), _mm256_castsi256_si128(vb), &k, left_shifts);
        const __m256i hi = add8(_mm256_extracti128_si256(va, 1), _mm256_extracti128_si256(vb, 1), &k, left_shifts);
        _mm256_storeu_si256((__m256i *)(output + i), edge_narrow16_s16_avx2(lo, hi));
    }
    for (; i + 8 <= count; i += 8) {
        const __m256i y = add8(_mm_loadu_si128((const __m128i *)(a + i)), _mm_loadu_si128((const __m128i *)(b + i)), &k,
                               left_shifts);
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
