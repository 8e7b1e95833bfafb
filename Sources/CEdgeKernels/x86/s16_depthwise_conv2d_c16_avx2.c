// Int16-activation depthwise conv (depth multiplier 1, any kernel of up to 25 taps, any stride and
// padding) on AVX2, 16 outputs per step, two taps per VPMADDWD.
//
// Per output row the kernel_height input rows are copied into "padded rows" whose padding
// columns and rows hold the input zero point; every output then sums all its taps over raw int16
// x, and the zero point enters through bias - input_zero_point * sum(w) (modulo 2^32, like the
// sums: the result is the reference's integer, which the contract keeps inside int32; VPMADDWD's
// pair sums are exact, 2 * 32768 * 127 < 2^31). Two taps' x vectors are interleaved with
// VPUNPCKLWD/HWD (lanes permuted to elements [0-3, 8-11] and [4-7, 12-15]) against weights packed
// in the same order; VPACKSSDW of the two halves restores the element order.
// - "Flat" rows (stride_width 1, channels a multiple of 8, e.g. every depthwise layer of the
//   default model): the outputs of a row are one run of output_width * channels elements, element
//   e reading padded-row entry e + kx * channels; 16 consecutive elements (two pixels of 8
//   channels, or 16 channels) share one pattern of channels (16 q mod channels).
// - Otherwise per pixel, channels in groups of 16, lanes past the last channel with weight 0.
#if defined(__x86_64__)
#include <string.h>

#include "requantize_avx2.h"
#include "../internal/s16_zero_point.h"

enum { MAX_TAPS = 25, MAX_ROWS = 16384, SLACK = 16 };  // int16 entries of the padded rows of one output row

// Element of lane `lane` (0..7) of the low (half 0) or high (half 1) accumulator of a 16-element step.
static inline int32_t permuted_element(int half, int32_t lane) { return (lane < 4 ? lane : lane + 4) + 4 * half; }

typedef struct {
    __m256i bias[2];  // bias - input_zero_point * sum(w) modulo 2^32, permuted per half
    edge_requant_avx2 requant[2];
} pattern_constants;

// The packed bytes: this header, `patterns` pattern_constants, then the weights
// [pattern][pair][half] as 16 int16 (tap 2p at even, tap 2p + 1 at odd positions, 0 past the last tap).
typedef struct {
    int32_t simd;  // 0: outside the limits, run the reference
    int32_t flat, left_shifts, patterns, pairs, columns;
    int32_t reserved[10];  // 64 bytes
} depthwise_header;

static size_t row_stride(const edge_window_params *w, int32_t columns) {
    return (size_t)columns * w->output_channels + SLACK;
}

static size_t weights_offset(int32_t patterns) {
    return sizeof(depthwise_header) + sizeof(pattern_constants) * (size_t)patterns;
}

EDGE_AVX2 size_t edge_s16_depthwise_conv2d_pack_avx2(const edge_window_params *w, int32_t depth_multiplier,
                                                     const edge_requant_params *rq, const int8_t *filter,
                                                     const int32_t *bias, void *packed) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width, columns = edge_conv_padded_columns(w);
    const int simd = depth_multiplier == 1 && taps <= MAX_TAPS && edge_s16_zero_point_fits(rq->input_zero_point) &&
                     (size_t)w->kernel_height * row_stride(w, columns) <= MAX_ROWS;
    const int flat = w->stride_width == 1 && channels % 8 == 0;
    // Flat: step q starts at channel 16 q % channels, so patterns repeat every lcm(16, channels) / 16 steps.
    const int32_t patterns = flat ? (channels % 16 == 0 ? channels / 16 : channels / 8) : (channels + 15) / 16;
    const int32_t pairs = (taps + 1) / 2;
    const size_t bytes = simd ? weights_offset(patterns) + sizeof(__m256i) * (size_t)patterns * pairs * 2
                              : sizeof(depthwise_header);
    if (packed == NULL) return bytes;
    depthwise_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    h->flat = flat, h->patterns = patterns, h->pairs = pairs, h->columns = columns;
    h->left_shifts = edge_any_left_shift(rq->shift, channels);
    pattern_constants *constants = (pattern_constants *)((char *)packed + sizeof(depthwise_header));
    int16_t *weights = (int16_t *)((char *)packed + weights_offset(patterns));
    for (int32_t p = 0; p < patterns; ++p) {
        for (int half = 0; half < 2; ++half) {
            _Alignas(32) int32_t m[8], sh[8], b[8];
            for (int32_t lane = 0; lane < 8; ++lane) {
                const int32_t element = 16 * p + permuted_element(half, lane);
                const int32_t c = flat ? element % channels : element;
                const int valid = c < channels;
                int32_t sum = 0;
                for (int32_t pair = 0; pair < pairs; ++pair)
                    for (int32_t j = 0; j < 2; ++j) {
                        const int32_t t = 2 * pair + j;
                        const int8_t k = valid && t < taps ? filter[(size_t)t * channels + c] : 0;
                        weights[((size_t)(p * pairs + pair) * 2 + half) * 16 + 2 * lane + j] = k;
                        sum += k;
                    }
                m[lane] = valid ? rq->multiplier[c] : 0, sh[lane] = valid ? rq->shift[c] : 0;
                b[lane] = valid ? edge_s16_zero_point_fold(bias[c], rq->input_zero_point, sum) : 0;
            }
            constants[p].bias[half] = _mm256_load_si256((const __m256i *)b);
            constants[p].requant[half] = edge_requant_avx2_make(m, sh);
        }
    }
    return bytes;
}

// 16 outputs from `x` (tap t at x + offset[t], offsets of the pairs' second taps in offset[2p+1])
// as 16 int16 in element order.
EDGE_AVX2 __attribute__((always_inline)) static inline __m256i step16(const int16_t *x, const ptrdiff_t *offset,
                                                                       int32_t pairs, const __m256i *weights,
                                                                       const pattern_constants *k,
                                                                       const edge_output_avx2 *o, int left_shifts) {
    __m256i lo = k->bias[0], hi = k->bias[1];
    for (int32_t p = 0; p < pairs; ++p) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + offset[2 * p]));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(x + offset[2 * p + 1]));
        lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), _mm256_load_si256(weights + 2 * p)));
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), _mm256_load_si256(weights + 2 * p + 1)));
    }
    lo = edge_requantize_avx2_shifting(lo, &k->requant[0], left_shifts);
    hi = edge_requantize_avx2_shifting(hi, &k->requant[1], left_shifts);
    lo = edge_output_lanes_avx2(lo, o);
    hi = edge_output_lanes_avx2(hi, o);
    return _mm256_packs_epi32(lo, hi);  // exact: the values lie inside int16
}

EDGE_AVX2 static inline void store(int16_t *dst, __m256i v, int32_t count) {
    if (count >= 16) {
        _mm256_storeu_si256((__m256i *)dst, v);
    } else {
        int16_t tmp[16];
        _mm256_storeu_si256((__m256i *)tmp, v);
        memcpy(dst, tmp, sizeof(int16_t) * (size_t)count);
    }
}

EDGE_AVX2 __attribute__((always_inline)) static inline void depthwise(const edge_window_params *w,
                                                                       const edge_requant_params *rq,
                                                                       const int16_t *input, const depthwise_header *h,
                                                                       int32_t pairs, int32_t row_begin,
                                                                       int32_t row_end, int16_t *output,
                                                                       int left_shifts) {
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    const int32_t columns = h->columns, patterns = h->patterns;
    const size_t stride = row_stride(w, columns);
    const pattern_constants *constants = (const pattern_constants *)((const char *)h + sizeof(depthwise_header));
    const __m256i *weights = (const __m256i *)((const char *)h + weights_offset(patterns));
    ptrdiff_t offset[MAX_TAPS + 1];
    for (int32_t t = 0; t < 2 * pairs; ++t) {
        const int32_t tap = t < taps ? t : taps - 1;  // the missing last tap has weight 0
        offset[t] = (ptrdiff_t)(tap / w->kernel_width) * (ptrdiff_t)stride + (ptrdiff_t)(tap % w->kernel_width) * channels;
    }
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int16_t zero_point = (int16_t)rq->input_zero_point;
    _Alignas(32) int16_t rows[MAX_ROWS];
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        edge_s16_zero_point_rows(w, input, iy0, (size_t)channels, zero_point, stride, rows);
        int16_t *out = output + (size_t)oy * w->output_width * channels;
        if (h->flat) {
            const int32_t elements = w->output_width * channels;
            for (int32_t e = 0, p = 0; e < elements; e += 16, p = p + 1 == patterns ? 0 : p + 1)
                store(out + e, step16(rows + e, offset, pairs, weights + (size_t)p * pairs * 2, &constants[p], &o, left_shifts),
                      elements - e);
        } else {
            for (int32_t ox = 0; ox < w->output_width; ++ox) {
                const int16_t *x = rows + (size_t)ox * w->stride_width * channels;
                for (int32_t p = 0; p < patterns; ++p)
                    store(out + (size_t)ox * channels + 16 * p,
                          step16(x + 16 * p, offset, pairs, weights + (size_t)p * pairs * 2, &constants[p], &o, left_shifts),
                          channels - 16 * p);
            }
        }
    }
}

EDGE_AVX2 void edge_s16_depthwise_conv2d_c16_avx2(const edge_window_params *w, int32_t depth_multiplier,
                                                  const edge_requant_params *rq, const int16_t *input,
                                                  const int8_t *filter, const int32_t *bias, const void *packed,
                                                  int32_t row_begin, int32_t row_end, int16_t *output) {
    const depthwise_header *h = packed;
    if (!h->simd) {
        edge_s16_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (h->pairs == 5) {  // 3x3, the only kernel of the default model: fully unrolled
        if (h->left_shifts) depthwise(w, rq, input, h, 5, row_begin, row_end, output, 1);
        else depthwise(w, rq, input, h, 5, row_begin, row_end, output, 0);
    } else {
        depthwise(w, rq, input, h, h->pairs, row_begin, row_end, output, 1);
    }
}
#endif
