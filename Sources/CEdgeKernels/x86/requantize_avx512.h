// edge_requantize() and the output step on 16 int32 lanes (one ZMM), bit-identical to the scalar
// definition; the same steps as requantize_avx2.h, with opmask registers for the saturation.
#ifndef EDGE_REQUANTIZE_AVX512_H
#define EDGE_REQUANTIZE_AVX512_H
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)

#include "../internal/edge_kernel_variants.h"
#include "intrinsics_avx512.h"

// Per-lane constants derived once from (multiplier, shift).
typedef struct {
    __m512i multiplier;      // lanes 0..15
    __m512i multiplier_odd;  // multiplier >> 32 per 64-bit pair: odd lanes moved to even positions
    __m512i left_shift;      // max(-shift, 0)
    __m512i left_max, left_min;  // INT32_MAX >> left_shift, INT32_MIN >> left_shift: saturation bounds
    __m512i right_shift;     // max(shift, 0)
    __m512i round_shift;     // max(shift - 1, 0)
    __m512i round_mask;      // 1 when shift > 0 (bit shift-1 of x is the half-up carry), else 0
} edge_requant_avx512;

EDGE_AVX512BW static inline edge_requant_avx512 edge_requant_avx512_make(const int32_t multiplier[16],
                                                                           const int32_t shift[16]) {
    edge_requant_avx512 q;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i s = _mm512_loadu_si512(shift);
    q.multiplier = _mm512_loadu_si512(multiplier);
    q.multiplier_odd = _mm512_srli_epi64(q.multiplier, 32);
    q.left_shift = _mm512_max_epi32(_mm512_sub_epi32(zero, s), zero);
    q.left_max = _mm512_srav_epi32(_mm512_set1_epi32(INT32_MAX), q.left_shift);
    q.left_min = _mm512_srav_epi32(_mm512_set1_epi32(INT32_MIN), q.left_shift);
    q.right_shift = _mm512_max_epi32(s, zero);
    q.round_shift = _mm512_max_epi32(_mm512_sub_epi32(s, _mm512_set1_epi32(1)), zero);
    q.round_mask = _mm512_mask_blend_epi32(_mm512_cmpgt_epi32_mask(s, zero), zero, _mm512_set1_epi32(1));
    return q;
}

// Saturating left shift, then (acc * multiplier + 2^30) >> 31 from exact 64-bit products (the
// multiplier is never INT32_MIN, so SQRDMULH's single saturating case cannot occur; |product| <
// 2^62, so adding 2^30 cannot overflow int64), then the rounding right shift as
// floor(x / 2^s) + bit (s-1) of x, which is (x + 2^(s-1)) >> s without the overflow of the addition.
// `left_shifts` is 0 when no lane has a negative shift (the saturating left shift is then the
// identity and is skipped); callers pass a constant and the compiler specializes on it.
EDGE_AVX512BW static inline __m512i edge_requantize_avx512(__m512i acc, const edge_requant_avx512 *q, int left_shifts) {
    __m512i x = acc;
    if (left_shifts) {
        x = _mm512_sllv_epi32(acc, q->left_shift);
        x = _mm512_mask_mov_epi32(x, _mm512_cmpgt_epi32_mask(acc, q->left_max), _mm512_set1_epi32(INT32_MAX));
        x = _mm512_mask_mov_epi32(x, _mm512_cmpgt_epi32_mask(q->left_min, acc), _mm512_set1_epi32(INT32_MIN));
    }
    const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, q->multiplier), nudge);
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), q->multiplier_odd), nudge);
    // Bits 31..62 of each product: the low dword of even >> 31 and the high dword of odd << 1.
    const __m512i high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
    const __m512i carry = _mm512_and_si512(_mm512_srav_epi32(high, q->round_shift), q->round_mask);
    return _mm512_add_epi32(_mm512_srav_epi32(high, q->right_shift), carry);
}

// Whether any of `count` shifts is negative (a saturating left shift is needed).
static inline int edge_requant_avx512_left_shifts(const int32_t *shift, int32_t count) {
    for (int32_t i = 0; i < count; ++i)
        if (shift[i] < 0) return 1;
    return 0;
}

// The output step (edge_output_s8) on 16 lanes: clamp to [lo - zero_point, hi - zero_point], add the
// zero point (no overflow: the clamped value is within int8 minus the zero point) and narrow to int8
// (VPMOVSDB; exact, the values are inside int8).
typedef struct {
    __m512i zero_point, lo, hi;  // lo and hi already minus the zero point
} edge_output_avx512;

EDGE_AVX512BW static inline edge_output_avx512 edge_output_avx512_make(int32_t zero_point, int32_t lo, int32_t hi) {
    edge_output_avx512 o = {_mm512_set1_epi32(zero_point), _mm512_set1_epi32(lo - zero_point),
                            _mm512_set1_epi32(hi - zero_point)};
    return o;
}

EDGE_AVX512BW static inline __m512i edge_clamp_output_avx512(__m512i y, const edge_output_avx512 *o) {
    return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(y, o->lo), o->hi), o->zero_point);
}

EDGE_AVX512BW static inline __m128i edge_narrow_s8_avx512(__m512i y, const edge_output_avx512 *o) {
    return _mm512_cvtsepi32_epi8(edge_clamp_output_avx512(y, o));
}

#endif
#endif  // EDGE_REQUANTIZE_AVX512_H
