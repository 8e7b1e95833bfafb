// LBP cascade scan on AVX2: eight window origins of a row per step (lbp_lanes.h). Block sums and the
// eight comparisons on int32 lanes, the subset bit by a lane permute of the eight subset words and a
// variable shift, the stage sums on two int64x4 halves (the contract's exact fixed-point sums).
#if defined(__x86_64__)
#include <immintrin.h>

#include "internal/lbp_lanes.h"

#define EDGE_LBP_AVX2 __attribute__((target("avx2")))

EDGE_LBP_AVX2 static uint32_t stage_x8(const edge_lbp_cascade *cascade, int32_t stage, int32_t first,
                                       const int32_t *offsets, const int32_t *p) {
    __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();
    const __m256i thirty_one = _mm256_set1_epi32(31), one = _mm256_set1_epi32(1);
    const int32_t count = cascade->stages[stage].stump_count;
    for (int32_t i = first; i < first + count; i++) {
        const int32_t *o = offsets + 16 * i;
        const edge_lbp_stump *s = &cascade->stumps[i];
        __m256i corner[16];
        for (int k = 0; k < 16; k++) corner[k] = _mm256_loadu_si256((const __m256i *)(p + o[k]));
#define BLOCK(a, b)                                                                                        \
    _mm256_add_epi32(_mm256_sub_epi32(corner[4 * (a) + (b)], corner[4 * (a) + (b) + 1]),                   \
                     _mm256_sub_epi32(corner[4 * (a) + (b) + 5], corner[4 * (a) + (b) + 4]))
        const __m256i centre = BLOCK(1, 1);
        // bit set when block >= centre, i.e. not (centre > block)
#define BIT(a, b, value) _mm256_andnot_si256(_mm256_cmpgt_epi32(centre, BLOCK(a, b)), _mm256_set1_epi32(value))
        const __m256i code = _mm256_or_si256(
            _mm256_or_si256(_mm256_or_si256(BIT(0, 0, 128), BIT(0, 1, 64)), _mm256_or_si256(BIT(0, 2, 32), BIT(1, 2, 16))),
            _mm256_or_si256(_mm256_or_si256(BIT(2, 2, 8), BIT(2, 1, 4)), _mm256_or_si256(BIT(2, 0, 2), BIT(1, 0, 1))));
#undef BIT
#undef BLOCK
        const __m256i words = _mm256_loadu_si256((const __m256i *)s->subset);
        const __m256i word = _mm256_permutevar8x32_epi32(words, _mm256_srli_epi32(code, 5));
        const __m256i bit = _mm256_and_si256(_mm256_srlv_epi32(word, _mm256_and_si256(code, thirty_one)), one);
        const __m256i left = _mm256_sub_epi32(_mm256_setzero_si256(), bit);  // all ones: the left leaf
        const __m256i difference = _mm256_set1_epi64x(s->difference);
        low = _mm256_add_epi64(low, _mm256_and_si256(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(left)), difference));
        high = _mm256_add_epi64(high, _mm256_and_si256(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(left, 1)), difference));
    }
    const __m256i threshold = _mm256_set1_epi64x(cascade->stages[stage].threshold);
    // rejected where threshold > sum
    const uint32_t rejected = (uint32_t)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(threshold, low))) |
                              (uint32_t)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(threshold, high))) << 4;
    return ~rejected & 0xFFu;
}

size_t edge_u8_lbp_scan_x8_avx2(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                                int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace) {
    return edge_lbp_scan_lanes(cascade, sum, stride, columns, rows, step, hits, capacity, workspace, 8, stage_x8);
}
#endif
