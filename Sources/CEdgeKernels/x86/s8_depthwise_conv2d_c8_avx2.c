// Int8 depthwise conv (depth multiplier 1, any kernel size, stride and padding) on AVX2: 8
// channels per vector, one int32 lane per channel. A lane holds x sign-extended (a valid int16 in
// its low half, sign bits above) and the weight table holds w in the low half and 0 above, so
// VPMADDWD yields exactly x * w per lane. Pixels whose window lies inside the input use
// bias - input_zero_point * sum(w) (the reference's integer) and no per-tap subtraction; border
// pixels subtract the zero point per tap and skip the padding taps, as the reference does.
// Interior pixels of a 3x3 kernel take 16 channels and two taps per VPMADDWD: the two taps' int16
// x are interleaved (VPUNPCKLWD/HWD, which permutes channels to [0-3, 8-11] and [4-7, 12-15]) against
// weights interleaved the same way; VPACKSSDW of the two halves restores the channel order.
#if defined(__x86_64__)
#include <string.h>

#include "requantize_avx2.h"

enum { MAX_TAPS = 25, MAX_TAPS_TIMES_CHANNELS = 9 * EDGE_MAX_CHANNELS, PAIRS = 5 };

// Channel of lane `lane` (0..7) of the low (half 0) or high (half 1) accumulator of a 16-channel group.
static inline int32_t permuted_channel(int half, int32_t lane) { return (lane < 4 ? lane : lane + 4) + 4 * half; }

// One interior 3x3 pixel, 16 channels from `x` (tap t at x + offset[t]); returns 16 int8 outputs.
EDGE_AVX2 static inline __m128i interior16(const int8_t *x, const ptrdiff_t *offset, const int16_t *pairs,
                                           const int32_t *bias, const edge_requant_avx2 *requant,
                                           const edge_output_avx2 *o, int left_shifts) {
    __m256i lo = _mm256_load_si256((const __m256i *)bias), hi = _mm256_load_si256((const __m256i *)(bias + 8));
    for (int p = 0; p < PAIRS; ++p) {
        const __m256i a = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + offset[2 * p])));
        const __m256i b = p < 4 ? _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + offset[2 * p + 1])))
                                : _mm256_setzero_si256();
        lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b),
                                                    _mm256_load_si256((const __m256i *)(pairs + p * 32))));
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b),
                                                    _mm256_load_si256((const __m256i *)(pairs + p * 32 + 16))));
    }
    lo = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(edge_requantize_avx2_shifting(lo, &requant[0], left_shifts), o->lo), o->hi), o->zero_point);
    hi = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(edge_requantize_avx2_shifting(hi, &requant[1], left_shifts), o->lo), o->hi), o->zero_point);
    const __m256i s16 = _mm256_packs_epi32(lo, hi);  // channels 0..15 in order
    const __m256i s8 = _mm256_packs_epi16(s16, s16);
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(s8, 0x08));
}

EDGE_AVX2 static inline __m256i load8(const int8_t *p) { return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)); }

EDGE_AVX2 static inline void depthwise(const edge_window_params *w, const edge_requant_params *rq, const int8_t *input,
                                       const int8_t *filter, const int32_t *bias, int32_t row_begin, int32_t row_end,
                                       int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t vector_channels = channels & ~7;
    _Alignas(32) int32_t weights[MAX_TAPS_TIMES_CHANNELS];
    _Alignas(32) int32_t interior_bias[EDGE_MAX_CHANNELS];
    edge_requant_avx2 requant[EDGE_MAX_CHANNELS / 8];
    _Alignas(32) int16_t pairs[EDGE_MAX_CHANNELS / 16 * PAIRS * 32];   // interleaved 3x3 weights per 16 channels
    _Alignas(32) int32_t pair_bias[EDGE_MAX_CHANNELS];                 // interior bias, permuted
    edge_requant_avx2 pair_requant[EDGE_MAX_CHANNELS / 8];             // permuted per 16-channel group
    const int32_t wide_channels = taps == 9 ? channels & ~15 : 0;
    ptrdiff_t tap_offset[MAX_TAPS];
    for (int32_t t = 0; t < taps; ++t)
        tap_offset[t] = ((ptrdiff_t)(t / w->kernel_width) * w->input_width + t % w->kernel_width) * channels;
    for (int32_t c = 0; c < vector_channels; ++c) {
        int32_t sum = 0;
        for (int32_t t = 0; t < taps; ++t) {
            weights[t * vector_channels + c] = (int32_t)(uint16_t)(int16_t)filter[(size_t)t * channels + c];
            sum += filter[(size_t)t * channels + c];
        }
        interior_bias[c] = bias[c] - rq->input_zero_point * sum;
    }
    for (int32_t c = 0; c < vector_channels; c += 8) requant[c / 8] = edge_requant_avx2_make(rq->multiplier + c, rq->shift + c);
    for (int32_t g = 0; g < wide_channels / 16; ++g) {
        for (int half = 0; half < 2; ++half) {
            int32_t m[8], sh[8];
            for (int32_t lane = 0; lane < 8; ++lane) {
                const int32_t c = g * 16 + permuted_channel(half, lane);
                m[lane] = rq->multiplier[c], sh[lane] = rq->shift[c];
                pair_bias[g * 16 + half * 8 + lane] = interior_bias[c];
                for (int p = 0; p < PAIRS; ++p)
                    for (int j = 0; j < 2; ++j) {
                        const int32_t t = 2 * p + j;
                        pairs[(g * PAIRS + p) * 32 + half * 16 + (lane % 4) * 2 + (lane / 4) * 8 + j] =
                            t < 9 ? filter[(size_t)t * channels + c] : 0;
                    }
            }
            pair_requant[g * 2 + half] = edge_requant_avx2_make(m, sh);
        }
    }
    const __m256i input_zero_point = _mm256_set1_epi32(rq->input_zero_point);
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);

    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        const int32_t ky_begin = iy0 < 0 ? -iy0 : 0;
        const int32_t ky_end = iy0 + w->kernel_height > w->input_height ? w->input_height - iy0 : w->kernel_height;
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            const int32_t kx_begin = ix0 < 0 ? -ix0 : 0;
            const int32_t kx_end = ix0 + w->kernel_width > w->input_width ? w->input_width - ix0 : w->kernel_width;
            const int interior = ky_begin == 0 && kx_begin == 0 && ky_end == w->kernel_height && kx_end == w->kernel_width;
            int8_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            if (interior) {
                const int8_t *origin = input + ((size_t)iy0 * w->input_width + ix0) * channels;
                for (int32_t c = 0; c < wide_channels; c += 16)
                    _mm_storeu_si128((__m128i *)(out + c),
                                     interior16(origin + c, tap_offset, pairs + (size_t)(c / 16) * PAIRS * 32,
                                                pair_bias + c, &pair_requant[c / 8], &o, left_shifts));
                for (int32_t c = wide_channels; c < vector_channels; c += 8) {
                    __m256i acc = _mm256_load_si256((const __m256i *)(interior_bias + c));
                    const int32_t *k = weights + c;
                    if (taps == 9) {
                        for (int32_t t = 0; t < 9; ++t)
                            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(load8(origin + tap_offset[t] + c),
                                                                          _mm256_load_si256((const __m256i *)(k + t * vector_channels))));
                    } else {
                        for (int32_t t = 0; t < taps; ++t)
                            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(load8(origin + tap_offset[t] + c),
                                                                          _mm256_load_si256((const __m256i *)(k + t * vector_channels))));
                    }
                    _mm_storel_epi64((__m128i *)(out + c),
                                     edge_narrow_s8_avx2(edge_requantize_avx2_shifting(acc, &requant[c / 8], left_shifts), &o));
                }
            } else {
                for (int32_t c = 0; c < vector_channels; c += 8) {
                    __m256i acc = _mm256_loadu_si256((const __m256i *)(bias + c));
                    for (int32_t ky = ky_begin; ky < ky_end; ++ky) {
                        const int8_t *row = input + ((size_t)(iy0 + ky) * w->input_width) * channels + c;
                        for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                            const __m256i x = _mm256_sub_epi32(load8(row + (size_t)(ix0 + kx) * channels), input_zero_point);
                            const __m256i k = _mm256_load_si256(
                                (const __m256i *)(weights + (ky * w->kernel_width + kx) * vector_channels + c));
                            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, k));
                        }
                    }
                    _mm_storel_epi64((__m128i *)(out + c),
                                     edge_narrow_s8_avx2(edge_requantize_avx2_shifting(acc, &requant[c / 8], left_shifts), &o));
                }
            }
            for (int32_t c = vector_channels; c < channels; ++c) {
                int32_t acc = bias[c];
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx)
                        acc += ((int32_t)input[((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c] -
                                rq->input_zero_point) *
                               filter[(size_t)(ky * w->kernel_width + kx) * channels + c];
                out[c] = edge_output_s8(edge_requantize(acc, rq->multiplier[c], rq->shift[c]), rq->output_zero_point,
                                        rq->activation_min, rq->activation_max);
            }
        }
    }
}

EDGE_AVX2 void edge_s8_depthwise_conv2d_c8_avx2(const edge_window_params *w, int32_t depth_multiplier,
                                                const edge_requant_params *rq, const int8_t *input,
                                                const int8_t *filter, const int32_t *bias, const void *packed,
                                                int32_t row_begin, int32_t row_end, int8_t *output) {
    (void)packed;
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    if (depth_multiplier != 1 || channels > EDGE_MAX_CHANNELS || taps > MAX_TAPS ||
        taps * (channels & ~7) > MAX_TAPS_TIMES_CHANNELS) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    if (edge_any_left_shift(rq->shift, channels)) {
        depthwise(w, rq, input, filter, bias, row_begin, row_end, output, 1);
    } else {
        depthwise(w, rq, input, filter, bias, row_begin, row_end, output, 0);
    }
}
#endif
