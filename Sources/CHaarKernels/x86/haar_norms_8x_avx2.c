// Window norms of a row on AVX2, 8 windows per step (haar_kernels.h, "Window norms on lanes"): the sums from
// contiguous loads (step 1) or the even origins of 16 (step 2), nf on 64-bit lanes, the square root on
// double lanes with the contract's exact correction. Other steps and the row's tail: the reference.
#if defined(__x86_64__)
#include <immintrin.h>

#include "../internal/haar_window.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

// The 8 entries at origins 0..7 (step 1) or 0, 2, ..., 14 (step 2; reads 16).
EDGE_AVX2 static inline __m256i corners8(const void *at, int32_t step) {
    const __m256i low = _mm256_loadu_si256((const __m256i *)at);
    if (step == 1) return low;
    const __m256i high = _mm256_loadu_si256((const __m256i *)at + 1);
    // [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 b0 b2 b4 b6]
    return _mm256_permute4x64_epi64(
        _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(low), _mm256_castsi256_ps(high), 0x88)), 0xD8);
}

// N of 4 windows (64-bit lanes) from their sums and square sums (32-bit), 0 where the variance test rejects.
EDGE_AVX2 static inline __m256i norms4(__m128i sums, __m128i square_sums, __m256i area, __m256i min_term) {
    const __m256i sum = _mm256_cvtepu32_epi64(sums), square_sum = _mm256_cvtepu32_epi64(square_sums);
    const __m256i nf = _mm256_sub_epi64(_mm256_mul_epu32(square_sum, area), _mm256_mul_epu32(sum, sum));
    const __m256i accepted = _mm256_cmpgt_epi64(nf, min_term);
    // 0 <= nf < 2^52: its bits under the exponent of 2^52 make the double 2^52 + nf exactly.
    const __m256d magic = _mm256_set1_pd(0x1p52);
    const __m256d exact = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(nf, _mm256_castpd_si256(magic))), magic);
    const __m256d scaled = _mm256_mul_pd(_mm256_sqrt_pd(exact), _mm256_set1_pd((double)(1 << EDGE_HAAR_NORM_SHIFT)));
    __m256i r = _mm256_cvtepu32_epi64(_mm256_cvttpd_epi32(scaled));
    const __m256i n = _mm256_slli_epi64(nf, 2 * EDGE_HAAR_NORM_SHIFT);
    const __m256i square = _mm256_mul_epu32(r, r);
    const __m256i next = _mm256_add_epi64(square, _mm256_add_epi64(_mm256_add_epi64(r, r), _mm256_set1_epi64x(1)));
    const __m256i too_big = _mm256_cmpgt_epi64(square, n);  // r^2 > n: -1
    const __m256i too_small = _mm256_andnot_si256(_mm256_cmpgt_epi64(next, n), _mm256_set1_epi64x(-1));  // (r+1)^2 <= n
    r = _mm256_sub_epi64(_mm256_add_epi64(r, too_big), too_small);
    return _mm256_and_si256(r, accepted);
}

EDGE_AVX2 void edge_haar_norms_8x_avx2(const edge_haar_cascade *cascade, const int32_t *row, const uint32_t *row_sq,
                                       int32_t step, int32_t count, uint32_t *norms) {
    int32_t i = 0;
    if (step <= 2 && cascade->norm_area > 0 && cascade->norm_area < INT32_MAX) {
        const int32_t *c = cascade->norm_offsets;
        const __m256i area = _mm256_set1_epi64x(cascade->norm_area);
        const __m256i min_term = _mm256_set1_epi64x(cascade->min_variance_term);
        const __m256i pack = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        // Step 2 reads origin 2 * (i + 7) + 1 too: only while that is below the last window's origin.
        const int32_t blocks_end = step == 1 ? count - 7 : count - 8;
        for (; i < blocks_end; i += 8) {
            const int32_t *at = row + (size_t)i * (size_t)step;
            const uint32_t *at_sq = row_sq + (size_t)i * (size_t)step;
            const __m256i sums = _mm256_add_epi32(_mm256_sub_epi32(corners8(at + c[0], step), corners8(at + c[1], step)),
                                                  _mm256_sub_epi32(corners8(at + c[3], step), corners8(at + c[2], step)));
            const __m256i squares =
                _mm256_add_epi32(_mm256_sub_epi32(corners8(at_sq + c[0], step), corners8(at_sq + c[1], step)),
                                 _mm256_sub_epi32(corners8(at_sq + c[3], step), corners8(at_sq + c[2], step)));
            const __m256i low = norms4(_mm256_castsi256_si128(sums), _mm256_castsi256_si128(squares), area, min_term);
            const __m256i high = norms4(_mm256_extracti128_si256(sums, 1), _mm256_extracti128_si256(squares, 1), area, min_term);
            _mm256_storeu_si256((__m256i *)(norms + i),
                                _mm256_blend_epi32(_mm256_permutevar8x32_epi32(low, pack),
                                                   _mm256_permutevar8x32_epi32(high, pack), 0xF0));
        }
    }
    edge_haar_norms_ref(cascade, row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step, step, count - i,
                        norms + i);
}
#endif
