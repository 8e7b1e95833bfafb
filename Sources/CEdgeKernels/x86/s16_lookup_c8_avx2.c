// Int16 interpolated table lookup on AVX2, 8 codes per step: one 32-bit gather at entry k reads
// table[k] (low half) and table[k + 1] (high half) together; k <= 511, so the gather stays inside
// the 513 entries. Then the reference's interpolation on int32 lanes (the product is below 2^24).
#if defined(__x86_64__)
#include "requantize_avx2.h"

EDGE_AVX2 void edge_s16_lookup_c8_avx2(size_t count, const int16_t *table, const int16_t *input, int16_t *output) {
    const __m256i offset = _mm256_set1_epi32(32768), fraction = _mm256_set1_epi32(127), half = _mm256_set1_epi32(64);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256i u = _mm256_add_epi32(_mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(input + i))), offset);
        const __m256i pair = _mm256_i32gather_epi32((const int *)table, _mm256_srli_epi32(u, 7), 2);
        const __m256i base = _mm256_srai_epi32(_mm256_slli_epi32(pair, 16), 16);
        const __m256i next = _mm256_srai_epi32(pair, 16);
        const __m256i step = _mm256_mullo_epi32(_mm256_sub_epi32(next, base), _mm256_and_si256(u, fraction));
        const __m256i y = _mm256_add_epi32(base, _mm256_srai_epi32(_mm256_add_epi32(step, half), 7));
        _mm_storeu_si128((__m128i *)(output + i), _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1)));
    }
    if (i < count) edge_s16_lookup_ref(count - i, table, input + i, output + i);
}
#endif
