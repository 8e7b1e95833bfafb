// Int8 depthwise conv (depth multiplier 1, up to 25 taps, any stride and padding) on AVX-512 VNNI:
// 32 channels per step, taps taken in pairs by VPDPWSSD.
//
// The 32 channels of two taps are sign-extended to int16 (VPMOVSXBW) and interleaved
// (VPUNPCKLWD/HWD), which puts channels [8L, 8L+4) of 128-bit lane L in the low accumulator and
// [8L+4, 8L+8) in the high one; the weights are packed in that order, and VPACKSSDW of the two
// halves restores the channel order before VPMOVSWB narrows to bytes. VPDPWSSD adds the two exact
// int16 products (|x * w| <= 128 * 127) to the int32 lane without saturation.
// Every pixel, border or not, takes the raw input x (no per-tap zero-point subtraction) from one
// formula: acc = bias - input_zero_point * sum(w) + sum(x * w), with the taps in the padding
// pointing at a row of input_zero_point bytes (so they add input_zero_point * w, cancelling their
// share of the correction); the result is the reference's sum over valid taps of (x - zp) * w.
// Overflow contract: additions are int32 modulo 2^32 (VPDPWSSD, not VPDPWSSDS) and the final value
// is the reference's accumulator, inside int32 by the contract of edge_kernels.h, so it is exact.
// Channel tails use masked loads and stores (no scalar loop, no reads past the tensor).
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include <string.h>

#include "requantize_avx512.h"

enum { MAX_TAPS = 25, MAX_PAIRS = (MAX_TAPS + 1) / 2, MAX_GROUPS = EDGE_MAX_CHANNELS / 32 };

// Channel (within a group of 32) of lane `lane` (0..15) of the low (half 0) or high (half 1) accumulator.
static inline int32_t permuted_channel(int half, int32_t lane) { return 8 * (lane / 4) + 4 * half + lane % 4; }

EDGE_AVX512VNNI __attribute__((always_inline)) static inline void depthwise(
    const edge_window_params *w, const edge_requant_params *rq, const int8_t *input, const int8_t *filter,
    const int32_t *bias, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t pairs = (taps + 1) / 2, groups = (channels + 31) / 32;
    _Alignas(64) int16_t weights[MAX_GROUPS * MAX_PAIRS * 2 * 32];  // [group][pair][half][lane][2 taps]
    _Alignas(64) int32_t start[MAX_GROUPS * 2 * 16];                // [group][half][lane]
    edge_requant_avx512 requant[MAX_GROUPS * 2];
    _Alignas(64) int8_t zero_point_row[EDGE_MAX_CHANNELS];
    memset(zero_point_row, (int8_t)rq->input_zero_point, (size_t)channels);
    for (int32_t g = 0; g < groups; ++g) {
        for (int half = 0; half < 2; ++half) {
            int32_t m[16], sh[16];
            for (int32_t lane = 0; lane < 16; ++lane) {
                const int32_t c = g * 32 + permuted_channel(half, lane);
                const int valid = c < channels;
                int32_t sum = 0;
                for (int32_t p = 0; p < pairs; ++p)
                    for (int32_t j = 0; j < 2; ++j) {
                        const int32_t t = 2 * p + j;
                        const int16_t weight = valid && t < taps ? filter[(size_t)t * channels + c] : 0;
                        weights[((g * MAX_PAIRS + p) * 2 + half) * 32 + lane * 2 + j] = weight;
                        sum += weight;
                    }
                m[lane] = valid ? rq->multiplier[c] : 0;
                sh[lane] = valid ? rq->shift[c] : 0;
                // Modulo 2^32 like the accumulation; exact for models within the contract.
                start[(g * 2 + half) * 16 + lane] =
                    valid ? (int32_t)((uint32_t)bias[c] - (uint32_t)rq->input_zero_point * (uint32_t)sum) : 0;
            }
            requant[g * 2 + half] = edge_requant_avx512_make(m, sh);
        }
    }
    const edge_output_avx512 o = edge_output_avx512_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int8_t *tap[MAX_TAPS + 1];
    for (int32_t oy = 0; oy < w->output_height; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            for (int32_t t = 0; t < taps; ++t) {
                const int32_t iy = iy0 + t / w->kernel_width, ix = ix0 + t % w->kernel_width;
                tap[t] = iy >= 0 && iy < w->input_height && ix >= 0 && ix < w->input_width
                             ? input + ((size_t)iy * w->input_width + ix) * channels
                             : zero_point_row;
            }
            tap[taps] = zero_point_row;  // the partner of an odd last tap (weight 0)
            int8_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            for (int32_t g = 0; g < groups; ++g) {
                const int32_t c = g * 32, n = channels - c < 32 ? channels - c : 32;
                const uint32_t mask = (uint32_t)edge_low_lanes(n);
                __m512i lo = _mm512_load_si512(start + g * 32), hi = _mm512_load_si512(start + g * 32 + 16);
                const int16_t *k = weights + (size_t)g * MAX_PAIRS * 64;
                for (int32_t p = 0; p < pairs; ++p, k += 64) {
                    const __m512i a = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, tap[2 * p] + c));
                    const __m512i b = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, tap[2 * p + 1] + c));
                    lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(a, b), _mm512_load_si512(k));
                    hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(a, b), _mm512_load_si512(k + 32));
                }
                lo = edge_clamp_output_avx512(edge_requantize_avx512(lo, &requant[g * 2], left_shifts), &o);
                hi = edge_clamp_output_avx512(edge_requantize_avx512(hi, &requant[g * 2 + 1], left_shifts), &o);
                _mm256_mask_storeu_epi8(out + c, mask, _mm512_cvtsepi16_epi8(_mm512_packs_epi32(lo, hi)));
            }
        }
    }
}

EDGE_AVX512VNNI void edge_s8_depthwise_conv2d_c32_avx512vnni(const edge_window_params *w, int32_t depth_multiplier,
                                                             const edge_requant_params *rq, const int8_t *input,
                                                             const int8_t *filter, const int32_t *bias,
                                                             int8_t *output) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    if (depth_multiplier != 1 || channels > EDGE_MAX_CHANNELS || taps > MAX_TAPS) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, output);
    } else if (edge_requant_avx512_left_shifts(rq->shift, channels)) {
        depthwise(w, rq, input, filter, bias, output, 1);
    } else {
        depthwise(w, rq, input, filter, bias, output, 0);
    }
}
#endif
