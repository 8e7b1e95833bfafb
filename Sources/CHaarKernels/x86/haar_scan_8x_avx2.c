// The Haar scan on AVX2: 8 windows per lane group (int32 feature values, int64 stage sums), the
// contract's lane stumps (haar_kernels.h). A block of 8 consecutive windows loads the integral images
// directly (step 1) or evaluates 16 origins and keeps the even ones (step 2): no gathers.
#if defined(__x86_64__)
#include <immintrin.h>

#include "../internal/haar_lane_scan.h"
#include "../internal/haar_window.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

// q = (|T| * N + rounding) >> s on 8 lanes (N even lanes in `norms`, odd ones in `norms_odd`).
EDGE_AVX2 static inline __m256i lane_thresholds(const edge_haar_lane_stump *stump, __m256i norms, __m256i norms_odd,
                                                __m128i shift) {
    const __m256i magnitude = _mm256_set1_epi64x(stump->threshold);
    const __m256i rounding = _mm256_set1_epi64x((int64_t)stump->rounding);
    const __m256i even = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(norms, magnitude), rounding), shift);
    const __m256i odd = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(norms_odd, magnitude), rounding), shift);
    return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// Adds the stump's left - right to the lanes going left (v < q). The stage sums are int64 lanes in-lane of the
// 32-bit masks: `even` holds windows 0, 2, 4, 6 and `odd` 1, 3, 5, 7 (no cross-lane shuffles).
EDGE_AVX2 static inline void accumulate(const edge_haar_lane_stump *stump, __m256i values, __m256i thresholds,
                                        __m256i *even, __m256i *odd) {
    const __m256i left = _mm256_cmpgt_epi32(thresholds, values);
    const __m256i delta = _mm256_set1_epi64x(stump->left - stump->right);
    *even = _mm256_add_epi64(*even, _mm256_and_si256(delta, _mm256_shuffle_epi32(left, 0xA0)));  // m0 m0 m2 m2
    *odd = _mm256_add_epi64(*odd, _mm256_and_si256(delta, _mm256_shuffle_epi32(left, 0xF5)));    // m1 m1 m3 m3
}

// passes[i] = total_i >= stage threshold.
// `threshold`: the stage threshold minus the stage's base (edge_haar_lane_stage_base).
EDGE_AVX2 static inline void decide(__m256i threshold, __m256i even, __m256i odd, uint8_t *passes) {
    const int even_fails = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(threshold, even)));  // 0 2 4 6
    const int odd_fails = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(threshold, odd)));    // 1 3 5 7
    for (int k = 0; k < 4; k++) {
        passes[2 * k] = (uint8_t)!((even_fails >> k) & 1);
        passes[2 * k + 1] = (uint8_t)!((odd_fails >> k) & 1);
    }
}

// v' of 8 windows whose corners are 8 consecutive entries from origin + offsets (step 1, or the planar layout).
EDGE_AVX2 static inline __m256i contiguous_feature8(const int32_t *origin, const int32_t offsets[3][4],
                                                    const int32_t weights[3]) {
    __m256i value = _mm256_setzero_si256();
    for (int r = 0; r < 3; r++) {
        if (weights[r] == 0) continue;
        const int32_t *c = offsets[r];
        const __m256i area = _mm256_add_epi32(
            _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(origin + c[0])), _mm256_loadu_si256((const __m256i *)(origin + c[1]))),
            _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(origin + c[3])), _mm256_loadu_si256((const __m256i *)(origin + c[2]))));
        value = _mm256_add_epi32(value, _mm256_mullo_epi32(area, _mm256_set1_epi32(weights[r])));
    }
    return value;
}

// v' of 8 consecutive origins, by rectangles (one multiply per rectangle), step 1 (or 16 for step 2).
EDGE_AVX2 static inline __m256i feature8(const int32_t *origin, const edge_haar_lane_stump *stump) {
    return contiguous_feature8(origin, stump->offsets, stump->weights);
}

// v' of the 8 windows at sum + origins (gathers).
EDGE_AVX2 static inline __m256i gathered_feature8(const int32_t *sum, __m256i origins, const edge_haar_lane_stump *stump) {
    __m256i value = _mm256_setzero_si256();
    for (int32_t k = 0; k < stump->corner_count; k++)
        value = _mm256_add_epi32(value, _mm256_mullo_epi32(_mm256_i32gather_epi32(sum + stump->corners[k], origins, 4),
                                                           _mm256_set1_epi32(stump->coefficients[k])));
    return value;
}

// v' of the 8 windows at first + runs (0 <= runs < 16: nearby windows of one row, as survivors around a
// face are): two contiguous loads per corner and a permutation instead of a gather.
EDGE_AVX2 static inline __m256i run_feature8(const int32_t *first, __m256i runs, __m256i upper,
                                             const edge_haar_lane_stump *stump) {
    __m256i value = _mm256_setzero_si256();
    for (int32_t k = 0; k < stump->corner_count; k++) {
        const int32_t *at = first + stump->corners[k];
        const __m256i low = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)at), runs);
        const __m256i high = _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)(at + 8)), runs);
        value = _mm256_add_epi32(value, _mm256_mullo_epi32(_mm256_blendv_epi8(low, high, upper),
                                                           _mm256_set1_epi32(stump->coefficients[k])));
    }
    return value;
}

EDGE_AVX2 static void list_stage_avx2(const edge_haar_cascade *cascade, int32_t index, const int32_t *sum,
                                      const int32_t *origins, const uint32_t *norms, int32_t count, int32_t last_origin,
                                      uint8_t *passes) {
    const edge_haar_stage *stage = &cascade->stages[index];
    const edge_haar_lane_stump *stumps = cascade->lane_stumps + stage->first_tree;
    const __m128i shift = _mm_cvtsi32_si128(edge_haar_decision_shift(cascade));
    const __m256i threshold = _mm256_set1_epi64x(stage->threshold - edge_haar_lane_stage_base(cascade, stage));
    for (int32_t i = 0; i < count; i += 8) {
        const __m256i at = _mm256_loadu_si256((const __m256i *)(origins + i));
        const __m256i n = _mm256_loadu_si256((const __m256i *)(norms + i)), n_odd = _mm256_srli_epi64(n, 32);
        __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
        const int32_t first = origins[i];
        if (origins[i + 7] - first < 16 && first + 15 <= last_origin) {
            const __m256i runs = _mm256_sub_epi32(at, _mm256_set1_epi32(first));
            const __m256i upper = _mm256_cmpgt_epi32(runs, _mm256_set1_epi32(7));
            for (int32_t j = 0; j < stage->tree_count; j++)
                accumulate(&stumps[j], run_feature8(sum + first, runs, upper, &stumps[j]),
                           lane_thresholds(&stumps[j], n, n_odd, shift), &even, &odd);
        } else {
            for (int32_t j = 0; j < stage->tree_count; j++)
                accumulate(&stumps[j], gathered_feature8(sum, at, &stumps[j]), lane_thresholds(&stumps[j], n, n_odd, shift),
                           &even, &odd);
        }
        decide(threshold, even, odd, passes + i);
    }
}

EDGE_AVX2 static void block_stage_avx2(const edge_haar_cascade *cascade, int32_t index, const int32_t *origin,
                                       int32_t step, const uint32_t *norms, uint8_t *passes) {
    const edge_haar_stage *stage = &cascade->stages[index];
    const edge_haar_lane_stump *stumps = cascade->lane_stumps + stage->first_tree;
    const __m128i shift = _mm_cvtsi32_si128(edge_haar_decision_shift(cascade));
    const __m256i n = _mm256_loadu_si256((const __m256i *)norms), n_odd = _mm256_srli_epi64(n, 32);
    __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
    for (int32_t j = 0; j < stage->tree_count; j++) {
        const edge_haar_lane_stump *stump = &stumps[j];
        __m256i values = feature8(origin, stump);
        if (step == 2) {  // even origins of 16: [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 b0 b2 b4 b6]
            const __m256i next = feature8(origin + 8, stump);
            values = _mm256_permute4x64_epi64(
                _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(values), _mm256_castsi256_ps(next), 0x88)), 0xD8);
        }
        accumulate(stump, values, lane_thresholds(stump, n, n_odd, shift), &even, &odd);
    }
    decide(_mm256_set1_epi64x(stage->threshold - edge_haar_lane_stage_base(cascade, stage)), even, odd, passes);
}

// Step 2 on the planar layout (haar_lane_scan.h): 8 windows in one pass, contiguous loads, nothing discarded.
EDGE_AVX2 static void planar_block_stage_avx2(const edge_haar_cascade *cascade, int32_t index, const int32_t *origin,
                                              const uint32_t *norms, uint8_t *passes) {
    const edge_haar_stage *stage = &cascade->stages[index];
    const edge_haar_lane_stump *stumps = cascade->lane_stumps + stage->first_tree;
    const __m128i shift = _mm_cvtsi32_si128(edge_haar_decision_shift(cascade));
    const __m256i n = _mm256_loadu_si256((const __m256i *)norms), n_odd = _mm256_srli_epi64(n, 32);
    __m256i even = _mm256_setzero_si256(), odd = _mm256_setzero_si256();
    for (int32_t j = 0; j < stage->tree_count; j++) {
        const edge_haar_lane_stump *stump = &stumps[j];
        accumulate(stump, contiguous_feature8(origin, stump->planar_offsets, stump->weights),
                   lane_thresholds(stump, n, n_odd, shift), &even, &odd);
    }
    decide(_mm256_set1_epi64x(stage->threshold - edge_haar_lane_stage_base(cascade, stage)), even, odd, passes);
}

// The planar layout of the first `width` entries of `row_count` integral rows: 16 entries de-interleaved per step,
// the tail scalar.
EDGE_AVX2 static void planar_rows_avx2(const int32_t *sum, int32_t stride, int32_t row_count, int32_t width,
                                       int32_t *planar) {
    const int32_t half = edge_haar_planar_half(stride), pitch = 2 * half;
    for (int32_t y = 0; y < row_count; y++) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        int32_t *even = planar + (size_t)y * (size_t)pitch, *odd = even + half;
        int32_t k = 0;
        for (; 2 * k + 16 <= width; k += 8) {
            const __m256 a = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)(row + 2 * k)));
            const __m256 b = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)(row + 2 * k + 8)));
            // [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 b0 b2 b4 b6], likewise the odd entries
            _mm256_storeu_si256((__m256i *)(even + k), _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
            _mm256_storeu_si256((__m256i *)(odd + k), _mm256_permute4x64_epi64(_mm256_castps_si256(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
        }
        for (; 2 * k < width; k++) {
            even[k] = row[2 * k];
            if (2 * k + 1 < width) odd[k] = row[2 * k + 1];
        }
    }
}

// Row blocks stay cheaper than survivor lists while live windows are dense: the first two stages (measured on 60
// 640x480 frames, scale 1.1: 2 row stages beat 1, 3 and 4 with the bit-word bookkeeping of haar_lane_scan.c).
void edge_haar_norms_8x_avx2(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, uint32_t *);
static const edge_haar_lane_ops avx2_ops = {.lanes = 8, .block_stage = block_stage_avx2, .list_stage = list_stage_avx2,
                                            .row_stages = 2, .norms = edge_haar_norms_8x_avx2,
                                            .planar_rows = planar_rows_avx2, .planar_block_stage = planar_block_stage_avx2};

size_t edge_haar_scan_8x_avx2(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                              int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                              size_t capacity) {
    return edge_haar_lane_scan(&avx2_ops, cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
}
#endif
