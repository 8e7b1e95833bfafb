// Int8 depthwise conv (depth multiplier 1, any kernel size, stride and padding) on AVX2: 8
// channels per vector, one int32 lane per channel. A lane holds x sign-extended (a valid int16 in
// its low half, sign bits above) and the weight table holds w in the low half and 0 above, so
// VPMADDWD yields exactly x * w per lane. Pixels whose window lies inside the input use
// bias - input_zero_point * sum(w) (the reference's integer) and no per-tap subtraction; border
// pixels subtract the zero point per tap and skip the padding taps, as the reference does.
// Interior pixels of a 3x3 kernel take 16 channels and two taps per VPMADDWD: the two taps' int16
// x are interleaved (VPUNPCKLWD/HWD, which permutes channels to [0-3, 8-11] and [4-7, 12-15]) against
// weights interleaved the same way; VPACKSSDW of the two halves restores the channel order.
//
// 3x3 stride-1 layers with a multiple of 8 channels (every depthwise layer of the default model)
// take the row path instead, set up once by edge_s8_depthwise_conv2d_pack_avx2: per output row, the
// three input rows are widened to int16 x - zero_point with zero columns/rows for the padding (so
// every pixel is "interior"), then interleaved once into "pair rows" H[e] = (X[e], X[e + C]) per
// element e = column * C + channel, in VPUNPCKLWD/HWD order per 16 elements. An output group of
// 16 consecutive elements (2 pixels of 8 channels, or 16 channels of one pixel) then costs per
// kernel row two VPMADDWD on H at the group (taps kx = 0, 1) and two on H two columns further
// (tap kx = 2, paired with a zero weight): no shuffles in the multiply loop. A ring of three pair
// rows means each input row is widened once per call. The int32 sums are the reference's.
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

EDGE_AVX2 __attribute__((always_inline)) static inline void depthwise(const edge_window_params *w, const edge_requant_params *rq, const int8_t *input,
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
        int32_t ky_begin, ky_end;
        edge_valid_taps(iy0, w->kernel_height, w->input_height, &ky_begin, &ky_end);
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            int32_t kx_begin, kx_end;
            edge_valid_taps(ix0, w->kernel_width, w->input_width, &kx_begin, &kx_end);
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

// ---- Row path (3x3, stride 1, channels % 8 == 0) ----

enum { MAX_ROW_ELEMENTS = 4096 };  // widened columns * channels of one input row

// Constants of one 16-element channel pattern (element j of a group with pattern p is channel
// (16 p + j) % channels); weights and per-channel constants in the VPUNPCK order (half h, lane s:
// element permuted_channel(h, s)).
typedef struct {
    __m256i weights[3][2][2];  // [ky][0: (w[ky][0], w[ky][1]) | 1: (w[ky][2], 0)][half]
    __m256i bias[2];
    edge_requant_avx2 requant[2];
} row_pattern;

typedef struct {
    int32_t rows;  // 1: row path; 0: the general path (set up per call)
    int32_t left_shifts, patterns;
    int32_t reserved[13];  // 64 bytes
} depthwise_header;

static int32_t row_columns(const edge_window_params *w) {
    const int32_t needed = w->output_width + 2;
    return w->pad_left + w->input_width > needed ? w->pad_left + w->input_width : needed;
}

static int row_path(const edge_window_params *w, int32_t depth_multiplier) {
    const int32_t c = w->output_channels;
    return depth_multiplier == 1 && w->kernel_height == 3 && w->kernel_width == 3 && w->stride_height == 1 &&
           w->stride_width == 1 && c % 8 == 0 && c <= EDGE_MAX_CHANNELS &&
           (int64_t)row_columns(w) * c + c + 32 <= MAX_ROW_ELEMENTS;
}

EDGE_AVX2 size_t edge_s8_depthwise_conv2d_pack_avx2(const edge_window_params *w, int32_t depth_multiplier,
                                                    const edge_requant_params *rq, const int8_t *filter,
                                                    const int32_t *bias, void *packed) {
    const int rows = row_path(w, depth_multiplier);
    // Group q starts at channel 16 q % channels: the patterns repeat every lcm(16, channels) / 16 groups.
    const int32_t channels = w->output_channels, patterns = channels % 16 == 0 ? channels / 16 : channels / 8;
    const size_t bytes = sizeof(depthwise_header) + (rows ? sizeof(row_pattern) * (size_t)patterns : 0);
    if (packed == NULL) return bytes;
    depthwise_header *h = packed;
    memset(h, 0, sizeof *h);
    h->rows = rows;
    if (!rows) return bytes;
    h->left_shifts = edge_any_left_shift(rq->shift, channels);
    h->patterns = patterns;
    row_pattern *pattern = (row_pattern *)((char *)packed + sizeof(depthwise_header));
    for (int32_t p = 0; p < patterns; ++p) {
        for (int half = 0; half < 2; ++half) {
            _Alignas(32) int16_t k[3][2][16];
            _Alignas(32) int32_t m[8], sh[8], b[8];
            for (int32_t lane = 0; lane < 8; ++lane) {
                const int32_t c = (16 * p + permuted_channel(half, lane)) % channels;
                m[lane] = rq->multiplier[c], sh[lane] = rq->shift[c], b[lane] = bias[c];
                for (int32_t ky = 0; ky < 3; ++ky) {
                    k[ky][0][2 * lane] = filter[(size_t)(ky * 3 + 0) * channels + c];
                    k[ky][0][2 * lane + 1] = filter[(size_t)(ky * 3 + 1) * channels + c];
                    k[ky][1][2 * lane] = filter[(size_t)(ky * 3 + 2) * channels + c];
                    k[ky][1][2 * lane + 1] = 0;
                }
            }
            for (int32_t ky = 0; ky < 3; ++ky)
                for (int j = 0; j < 2; ++j) pattern[p].weights[ky][j][half] = _mm256_load_si256((const __m256i *)k[ky][j]);
            pattern[p].bias[half] = _mm256_load_si256((const __m256i *)b);
            pattern[p].requant[half] = edge_requant_avx2_make(m, sh);
        }
    }
    return bytes;
}

// Pair row of input row iy (zeros outside the input): H[16 q .. 16 q + 15] as two vectors
// (VPUNPCKLWD, VPUNPCKHWD of X[16 q ..] and X[16 q + C ..]) for q < groups.
EDGE_AVX2 static void pair_row(const edge_window_params *w, const int8_t *input, int32_t iy, int32_t groups,
                               __m256i zero_point, int16_t *x, __m256i *pairs) {
    const int32_t channels = w->output_channels;
    if (iy < 0 || iy >= w->input_height) {
        memset(pairs, 0, sizeof(__m256i) * 2 * (size_t)groups);
        return;
    }
    const int32_t left = w->pad_left * channels, n = w->input_width * channels;
    const int32_t total = 16 * groups + channels + 16;  // every element the groups read
    memset(x, 0, sizeof(int16_t) * (size_t)left);
    const int8_t *src = input + (size_t)iy * n;
    int16_t *out = x + left;
    int32_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(out + i),
                            _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i))), zero_point));
    for (; i < n; i += 8)  // n is a multiple of 8
        _mm_storeu_si128((__m128i *)(out + i),
                         _mm_sub_epi16(_mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(src + i))),
                                       _mm256_castsi256_si128(zero_point)));
    if (total > left + n) memset(x + left + n, 0, sizeof(int16_t) * (size_t)(total - left - n));
    for (int32_t q = 0; q < groups; ++q) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(x + 16 * q));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(x + 16 * q + channels));
        _mm256_store_si256(pairs + 2 * q, _mm256_unpacklo_epi16(a, b));
        _mm256_store_si256(pairs + 2 * q + 1, _mm256_unpackhi_epi16(a, b));
    }
}

EDGE_AVX2 __attribute__((always_inline)) static inline void depthwise_rows(
    const edge_window_params *w, const edge_requant_params *rq, const int8_t *input, const depthwise_header *h,
    int32_t row_begin, int32_t row_end, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, patterns = h->patterns;
    const row_pattern *pattern = (const row_pattern *)((const char *)h + sizeof(depthwise_header));
    const int32_t out_elements = w->output_width * channels, out_groups = (out_elements + 15) / 16;
    const int32_t shift2 = 2 * channels / 16;  // groups between kx = 0 and kx = 2 (channels % 8 == 0)
    const int32_t groups = out_groups + shift2 + 1;  // pair groups each row needs
    _Alignas(32) int16_t x[MAX_ROW_ELEMENTS + 64];
    _Alignas(32) __m256i ring[3][MAX_ROW_ELEMENTS / 8 + 8];
    int32_t held[3] = {INT32_MIN, INT32_MIN, INT32_MIN};
    const __m256i zero_point = _mm256_set1_epi16((int16_t)rq->input_zero_point);
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const __m256i *pr[3];
        for (int32_t ky = 0; ky < 3; ++ky) {
            const int32_t iy = oy - w->pad_top + ky;
            const int32_t slot = ((iy % 3) + 3) % 3;
            if (held[slot] != iy) {
                pair_row(w, input, iy, groups, zero_point, x, ring[slot]);
                held[slot] = iy;
            }
            pr[ky] = ring[slot];
        }
        int8_t *out = output + (size_t)oy * out_elements;
        for (int32_t q = 0; q < out_groups; ++q) {
            const row_pattern *pt = &pattern[q % patterns];
            __m256i lo = pt->bias[0], hi = pt->bias[1];
            for (int32_t ky = 0; ky < 3; ++ky) {
                const __m256i *g = pr[ky] + 2 * q, *g2 = pr[ky] + 2 * (q + shift2);
                lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_load_si256(g), pt->weights[ky][0][0]));
                hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_load_si256(g + 1), pt->weights[ky][0][1]));
                lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_load_si256(g2), pt->weights[ky][1][0]));
                hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_load_si256(g2 + 1), pt->weights[ky][1][1]));
            }
            // lo holds elements 0-3 and 8-11, hi 4-7 and 12-15: VPACKSSDW per 128-bit lane restores the
            // order, so the int16 step is done here rather than in edge_narrow16_s8_avx2.
            const __m256i s16 = _mm256_adds_epi16(
                _mm256_packs_epi32(edge_requantize_avx2_shifting(lo, &pt->requant[0], left_shifts),
                                   edge_requantize_avx2_shifting(hi, &pt->requant[1], left_shifts)), o.zero_point16);
            const __m128i y = _mm_min_epi8(
                _mm_max_epi8(_mm_packs_epi16(_mm256_castsi256_si128(s16), _mm256_extracti128_si256(s16, 1)), o.lo8), o.hi8);
            if (16 * q + 16 <= out_elements) {
                _mm_storeu_si128((__m128i *)(out + 16 * q), y);
            } else {
                _mm_storel_epi64((__m128i *)(out + 16 * q), y);  // 8 elements left (channels % 8 == 0)
            }
        }
    }
}

EDGE_AVX2 __attribute__((noinline)) static void general_path_run(const edge_window_params *w,
                                                                 const edge_requant_params *rq, const int8_t *input,
                                                                 const int8_t *filter, const int32_t *bias,
                                                                 int32_t row_begin, int32_t row_end, int8_t *output) {
    if (edge_any_left_shift(rq->shift, w->output_channels)) {
        depthwise(w, rq, input, filter, bias, row_begin, row_end, output, 1);
    } else {
        depthwise(w, rq, input, filter, bias, row_begin, row_end, output, 0);
    }
}

// Kept out of line (both paths) so that the entry point's frame does not add the two paths' stack buffers.
EDGE_AVX2 __attribute__((noinline)) static void row_path_run(const edge_window_params *w, const edge_requant_params *rq,
                                                             const int8_t *input, const depthwise_header *h,
                                                             int32_t row_begin, int32_t row_end, int8_t *output) {
    if (h->left_shifts) {
        depthwise_rows(w, rq, input, h, row_begin, row_end, output, 1);
    } else {
        depthwise_rows(w, rq, input, h, row_begin, row_end, output, 0);
    }
}

EDGE_AVX2 void edge_s8_depthwise_conv2d_c8_avx2(const edge_window_params *w, int32_t depth_multiplier,
                                                const edge_requant_params *rq, const int8_t *input,
                                                const int8_t *filter, const int32_t *bias, const void *packed,
                                                int32_t row_begin, int32_t row_end, int8_t *output) {
    const depthwise_header *h = packed;
    if (h->rows) {
        row_path_run(w, rq, input, h, row_begin, row_end, output);
        return;
    }
    const int32_t channels = w->output_channels, taps = w->kernel_height * w->kernel_width;
    if (depth_multiplier != 1 || channels > EDGE_MAX_CHANNELS || taps > MAX_TAPS ||
        taps * (channels & ~7) > MAX_TAPS_TIMES_CHANNELS) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    general_path_run(w, rq, input, filter, bias, row_begin, row_end, output);
}
#endif
