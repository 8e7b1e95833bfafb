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
    // The single-rounding form (see edge_requantize_avx2_shifting), per 64-bit lane pair:
    __m256i round_even, round_odd;  // 2^30 + (s > 0 ? 2^(30+s) : 0) + 2^63 (mod 2^64), s = max(shift, 0)
    __m256i shift_even, shift_odd;  // 31 + s
    __m256i correction;             // 2^(63 - (31 + s)) mod 2^32, per 32-bit lane
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
    int64_t round[8], total[8];
    int32_t correction[8];
    for (int i = 0; i < 8; ++i) {
        const int32_t r = shift[i] > 0 ? shift[i] : 0;
        round[i] = (int64_t)((((uint64_t)1 << 30) + (r > 0 ? (uint64_t)1 << (30 + r) : 0)) + ((uint64_t)1 << 63));
        total[i] = 31 + r;
        correction[i] = 31 + r >= 32 ? (int32_t)((uint64_t)1 << (63 - (31 + r))) : 0;  // 2^31 wraps to INT32_MIN
    }
    q.round_even = _mm256_setr_epi64x(round[0], round[2], round[4], round[6]);
    q.round_odd = _mm256_setr_epi64x(round[1], round[3], round[5], round[7]);
    q.shift_even = _mm256_setr_epi64x(total[0], total[2], total[4], total[6]);
    q.shift_odd = _mm256_setr_epi64x(total[1], total[3], total[5], total[7]);
    q.correction = _mm256_loadu_si256((const __m256i *)correction);
    return q;
}

EDGE_AVX2 static inline edge_requant_avx2 edge_requant_avx2_uniform(int32_t multiplier, int32_t shift) {
    int32_t m[8], s[8];
    for (int i = 0; i < 8; ++i) m[i] = multiplier, s[i] = shift;
    return edge_requant_avx2_make(m, s);
}

// Saturating left shift (only where shift < 0), then sqrdmulh and the rounding right shift by
// s = max(shift, 0) as ONE rounding of the exact 64-bit product P = x * multiplier:
//   rshift_half_up(floor((P + 2^30) / 2^31), s) = floor((P + 2^30 + [s > 0] 2^(30+s)) / 2^(31+s))
// because floor((floor(u / a) + k) / b) = floor((u + k a) / (a b)) for integers u, k and a, b > 0
// (the reference's sqrdmulh never saturates: the multiplier is never INT32_MIN). |P| < 2^62, so the
// sum v stays inside int64; AVX2 has no 64-bit arithmetic shift, so v + 2^63 (nonnegative, the
// 2^63 is folded into the rounding constant) is shifted logically: that adds 2^(63-31-s) to the
// result, removed modulo 2^32 by `correction`. The result fits int32, so its low 32 bits are it.
// `left_shifts` is 0 when the caller knows that no lane has a negative shift (the saturating left
// shift is then the identity and is skipped); the compiler specializes on the constant.
EDGE_AVX2 static inline __m256i edge_requantize_avx2_shifting(__m256i acc, const edge_requant_avx2 *q, int left_shifts) {
    __m256i x = acc;
    if (left_shifts) {
        x = _mm256_sllv_epi32(acc, q->left_shift);
        x = _mm256_blendv_epi8(x, _mm256_set1_epi32(INT32_MAX), _mm256_cmpgt_epi32(acc, q->left_max));
        x = _mm256_blendv_epi8(x, _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(q->left_min, acc));
    }
    const __m256i even = _mm256_srlv_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, q->multiplier), q->round_even),
                                           q->shift_even);
    const __m256i odd = _mm256_srlv_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->multiplier_odd), q->round_odd), q->shift_odd);
    return _mm256_sub_epi32(_mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA), q->correction);
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
    __m256i zero_point16;        // for edge_narrow16_s8_avx2
    __m128i lo8, hi8;
} edge_output_avx2;

EDGE_AVX2 static inline edge_output_avx2 edge_output_avx2_make(int32_t zero_point, int32_t lo, int32_t hi) {
    edge_output_avx2 o = {_mm256_set1_epi32(zero_point), _mm256_set1_epi32(lo - zero_point),
                          _mm256_set1_epi32(hi - zero_point), _mm256_set1_epi16((int16_t)zero_point),
                          _mm_set1_epi8((int8_t)lo), _mm_set1_epi8((int8_t)hi)};
    return o;
}

// The output step on 16 lanes (a's 8, then b's 8), cheaper: saturate to int16, add the zero point
// saturating, saturate to int8, then clamp to [lo, hi]. Exact: lo and hi are int8, so whenever a
// saturation happens the true value r + zero_point is beyond [-128, 127] on the same side and the
// clamp gives lo or hi either way (|zero_point| <= 128 < 32767 - 127).
EDGE_AVX2 static inline __m128i edge_narrow16_s8_avx2(__m256i a, __m256i b, const edge_output_avx2 *o) {
    const __m256i s16 = _mm256_adds_epi16(_mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8), o->zero_point16);
    const __m128i s8 = _mm_packs_epi16(_mm256_castsi256_si128(s16), _mm256_extracti128_si256(s16, 1));
    return _mm_min_epi8(_mm_max_epi8(s8, o->lo8), o->hi8);
}

// The output step on 8 int32 lanes before any narrowing: clamp to [lo - zero_point, hi - zero_point]
// and add the zero point (no overflow); the result lies inside [lo, hi].
EDGE_AVX2 static inline __m256i edge_output_lanes_avx2(__m256i y, const edge_output_avx2 *o) {
    return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(y, o->lo), o->hi), o->zero_point);
}

// Two vectors of 8 int32 as 16 int16 in order (a's, then b's); exact for values inside int16.
EDGE_AVX2 static inline __m256i edge_narrow16_s16_avx2(__m256i a, __m256i b) {
    return _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
}

EDGE_AVX2 static inline __m128i edge_narrow_s8_avx2(__m256i y, const edge_output_avx2 *o) {
    y = edge_output_lanes_avx2(y, o);
    const __m128i s16 = _mm_packs_epi32(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
    return _mm_packs_epi16(s16, s16);
}

// The constants of an elementwise add (edge_add_params) on 8 int32 lanes: the two input and the
// output requantizations, the input zero points, the common left shift and the output step.
typedef struct {
    edge_requant_avx2 a, b, out;
    __m256i a_zero_point, b_zero_point;
    __m128i left_shift;
    edge_output_avx2 output;
} edge_add_avx2;

EDGE_AVX2 static inline edge_add_avx2 edge_add_avx2_make(const edge_add_params *p) {
    edge_add_avx2 k;
    k.a = edge_requant_avx2_uniform(p->a_multiplier, p->a_shift);
    k.b = edge_requant_avx2_uniform(p->b_multiplier, p->b_shift);
    k.out = edge_requant_avx2_uniform(p->output_multiplier, p->output_shift);
    k.a_zero_point = _mm256_set1_epi32(p->a_zero_point), k.b_zero_point = _mm256_set1_epi32(p->b_zero_point);
    k.left_shift = _mm_cvtsi32_si128(p->left_shift);
    k.output = edge_output_avx2_make(p->output_zero_point, p->activation_min, p->activation_max);
    return k;
}

#endif
#endif  // EDGE_REQUANTIZE_AVX2_H
