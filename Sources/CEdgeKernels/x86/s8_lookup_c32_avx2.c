// Int8 table lookup on AVX2, 32 codes per step: the 256-entry table as 16 rows of 16 bytes; each
// code's low nibble picks the byte within a row (PSHUFB) and its high nibble (of code + 128) the
// row, by masking the 16 row lookups with a compare. Exact: every lane takes one table entry.
#if defined(__x86_64__)
#include "requantize_avx2.h"

EDGE_AVX2 void edge_s8_lookup_c32_avx2(size_t count, const int8_t *table, const int8_t *input, int8_t *output) {
    __m256i rows[16];
    for (int r = 0; r < 16; ++r) rows[r] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + 16 * r)));
    const __m256i nibble = _mm256_set1_epi8(0x0F), sign = _mm256_set1_epi8(-128);
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        const __m256i index = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(input + i)), sign);  // code + 128
        const __m256i low = _mm256_and_si256(index, nibble);
        const __m256i high = _mm256_and_si256(_mm256_srli_epi16(index, 4), nibble);
        __m256i result = _mm256_setzero_si256();
        for (int r = 0; r < 16; ++r) {
            const __m256i hit = _mm256_cmpeq_epi8(high, _mm256_set1_epi8((char)r));
            result = _mm256_or_si256(result, _mm256_and_si256(_mm256_shuffle_epi8(rows[r], low), hit));
        }
        _mm256_storeu_si256((__m256i *)(output + i), result);
    }
    if (i < count) edge_s8_lookup_ref(count - i, table, input + i, output + i);
}
#endif
