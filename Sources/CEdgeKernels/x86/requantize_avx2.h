// edge_requantize() on 8 int32 lanes with AVX2, bit-identical to the scalar definition.
// Each lane carries its own multiplier and shift (per output channel) or all the same (add).
#ifndef EDGE_REQUANTIZE_AVX2_H
#define EDGE_REQUANTIZE_AVX2_H
#if defined(__x86_64__)

#include <immintrin.h>

#include "../internal/edge_kernel_variants.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

// Per-lane constants derived once from (multiplier, shift).
typedef struct {
    __m256i multiplier;      // lanes 0..7
    __m256i multiplier_odd;  // multiplier >> 32 per 64-bit pair: odd lanes moved to even positions
    __m256i left_shift;      // max(-shift, 0)
    __m256i left_max, left_min;  // INT32_MAX >> left_shift, INT32_MIN >> left_shift: saturation bounds
    __m256i right_shift;     // max(shift, 0)
    __m256i round_shift;     // max(shift - 1, 0)
    __m256i round_mask;      // 1 when shift > 0 (bit shift-1 of x is the half-up carry), else 0
} edge_requant_avx2;

EDGE_AVX2 static inline edge_requant_avx2 edge_requant_avx2_make(const int32_t multiplier[8],
                                                                 const int32_t shift[8]) {
    edge_requant_avx2 q;
    const __m256i zero = _mm256_setzero_si256();
    const __m256i s = _mm256_loadu_si256((const __m256i *)shift);
    q.multiplier = _mm256_loadu_si256((const __m256i *)multiplier);
    q.multiplier_odd = _mm256_srli_epi64(q.multiplier, 32);
    q.left_shift = _mm256_max_epi32(_mm256_sub_epi32(zero, s), zero);
    q.left_max = _mm256_srav_epi32(_mm256_set1_epi32(INT32_MAX), q.left_shift);
    q.left_min = _mm256_srav_epi32(_mm256_set1_epi32(INT32_MIN), q.left_shift);
    q.right_shift = _mm256_max_epi32(s, zero);
    q.round_shift = _mm256_max_epi32(_mm256_sub_epi32(s, _mm256_set1_epi32(1)), zero);
    q.round_mask = _mm256_and_si256(_mm256_cmpgt_epi32(s, zero), _mm256_set1_epi32(1));
    return q;
}

EDGE_AVX2 static inline edge_requant_avx2 edge_requant_avx2_uniform(int32_t multiplier, int32_t shift) {
    int32_t m[8], s[8];
    for (int i = 0; i < 8; ++i) m[i] = multiplier, s[i] = shift;
    return edge_requant_avx2_make(m, s);
}

// Saturating left shift, then (acc * multiplier + 2^30) >> 31 from exact 64-bit products (the
// multiplier is never INT32_MIN, so SQRDMULH's single saturating case cannot occur), then the
// rounding right shift as floor(x / 2^s) + bit (s-1) of x, which is (x + 2^(s-1)) >> s without
// the overflow of the addition.
// `left_shifts` is 0 when the caller knows that no lane has a negative shift (the saturating left
// shift is then the identity and is skipped); the compiler specializes on the constant.
EDGE_AVX2 static inline __m256i edge_requantize_avx2_shifting(__m256i acc, const edge_requant_avx2 *q, int left_shifts) {
    __m256i x = acc;
    if (left_shifts) {
        x = _mm256_sllv_epi32(acc, q->left_shift);
        x = _mm256_blendv_epi8(x, _mm256_set1_epi32(INT32_MAX), _mm256_cmpgt_epi32(acc, q->left_max));
        x = _mm256_blendv_epi8(x, _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(q->left_min, acc));
    }
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, q->multiplier), nudge);
    const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->multiplier_odd), nudge);
    const __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
    const __m256i carry = _mm256_and_si256(_mm256_srav_epi32(high, q->round_shift), q->round_mask);
    return _mm256_add_epi32(_mm256_srav_epi32(high, q->right_shift), carry);
}

EDGE_AVX2 static inline __m256i edge_requantize_avx2(__m256i acc, const edge_requant_avx2 *q) {
    return edge_requantize_avx2_shifting(acc, q, 1);
}

// Whether any of `count` shifts is negative (a saturating left shift is needed).
static inline int edge_any_left_shift(const int32_t *shift, int32_t count) {
    for (int32_t i = 0; i < count; ++i)
        if (shift[i] < 0) return 1;
    return 0;
}

// The output step (edge_output_s8) on 8 lanes: clamp to [lo - zero_point, hi - zero_point], add the
// zero point (no overflow) and narrow to int8 (exact: the values are inside int8).
typedef struct {
    __m256i zero_point, lo, hi;  // lo and hi already minus the zero point
} edge_output_avx2;

EDGE_AVX2 static inline edge_output_avx2 edge_output_avx2_make(int32_t zero_point, int32_t lo, int32_t hi) {
    edge_output_avx2 o = {_mm256_set1_epi32(zero_point), _mm256_set1_epi32(lo - zero_point),
                          _mm256_set1_epi32(hi - zero_point)};
    return o;
}

EDGE_AVX2 static inline __m128i edge_narrow_s8_avx2(__m256i y, const edge_output_avx2 *o) {
    y = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(y, o->lo), o->hi), o->zero_point);
    const __m128i s16 = _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
    return _mm_packs_epi16(s16, s16);
}

#endif
#endif  // EDGE_REQUANTIZE_AVX2_H
