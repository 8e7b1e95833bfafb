// Int8 elementwise add on AVX-512, 16 elements per step (the tail through masked loads and stores):
// the reference's three requantizations on int32 lanes. (x - zero_point) << left_shift cannot
// overflow for left_shift <= 22 (|x - zp| <= 255), as the contract states.
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include "requantize_avx512.h"

EDGE_AVX512BW static inline __m512i load16(const int8_t *p, uint64_t mask, __m512i zero_point, __m128i left) {
    return _mm512_sll_epi32(_mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, p)), zero_point), left);
}

EDGE_AVX512BW __attribute__((always_inline)) static inline void add(size_t count, const edge_add_params *p,
                                                                       const int8_t *a, const int8_t *b,
                                                                       int8_t *output, int left_shifts) {
    int32_t m[3][16], s[3][16];
    for (int i = 0; i < 16; ++i) {
        m[0][i] = p->a_multiplier, s[0][i] = p->a_shift;
        m[1][i] = p->b_multiplier, s[1][i] = p->b_shift;
        m[2][i] = p->output_multiplier, s[2][i] = p->output_shift;
    }
    const edge_requant_avx512 qa = edge_requant_avx512_make(m[0], s[0]);
    const edge_requant_avx512 qb = edge_requant_avx512_make(m[1], s[1]);
    const edge_requant_avx512 qo = edge_requant_avx512_make(m[2], s[2]);
    const __m512i za = _mm512_set1_epi32(p->a_zero_point), zb = _mm512_set1_epi32(p->b_zero_point);
    const __m128i left = _mm_cvtsi32_si128(p->left_shift);
    const edge_output_avx512 o = edge_output_avx512_make(p->output_zero_point, p->activation_min, p->activation_max);
    for (size_t i = 0; i < count; i += 16) {
        const uint64_t mask = edge_low_lanes(count - i < 16 ? (int32_t)(count - i) : 16);
        const __m512i x = load16(a + i, mask, za, left), y = load16(b + i, mask, zb, left);
        const __m512i sum = _mm512_add_epi32(edge_requantize_avx512(x, &qa, left_shifts), edge_requantize_avx512(y, &qb, left_shifts));
        _mm_mask_storeu_epi8(output + i, mask, edge_narrow_s8_avx512(edge_requantize_avx512(sum, &qo, left_shifts), &o));
    }
}

EDGE_AVX512BW void edge_s8_add_c16_avx512bw(size_t count, const edge_add_params *p, const int8_t *a, const int8_t *b,
                                            int8_t *output) {
    if (p->a_shift < 0 || p->b_shift < 0 || p->output_shift < 0) {
        add(count, p, a, b, output, 1);
    } else {
        add(count, p, a, b, output, 0);
    }
}
#endif
