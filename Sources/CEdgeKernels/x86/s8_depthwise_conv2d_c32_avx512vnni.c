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
// Narrow layers (channels 1, 2, 4, 8 or 16, stride 1) would leave most lanes idle: there, the
// output pixels of a row whose windows lie horizontally inside the input are run as one flat
// (pixel, channel) dimension, 32 / channels pixels per step, since adjacent pixels' taps are
// adjacent in memory; each lane's weights, bias and requantization are those of its channel
// (flat index mod channels). Other pixels run one at a time, 32 channels per step.
// Packed once at model load (edge_s8_depthwise_conv2d_pack_avx512vnni): the requantization
// constants, corrected biases and interleaved weights per group of 32 lanes (the channel groups,
// then the flat group when the layer has one), and the zero-point row.
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include <string.h>

#include "requantize_avx512.h"

enum { MAX_TAPS = 25, ZERO_POINT_ROW_MIN = 64 };

// Index (within a group of 32) of lane `lane` (0..15) of the low (half 0) or high (half 1) accumulator.
static inline int32_t permuted_index(int half, int32_t lane) { return 8 * (lane / 4) + 4 * half + lane % 4; }

// Whether the layer runs its horizontally interior pixels as a flat (pixel, channel) dimension.
static inline int has_flat_group(const edge_window_params *w) {
    const int32_t c = w->output_channels;
    return w->stride_width == 1 && c < 32 && 32 % c == 0;
}

// Packed bytes, each part 64-byte aligned: requant[groups][2], start[groups][2][16] int32,
// weights[groups][pairs][2][16 lanes][2 taps] int16, then the zero-point row (at least 64 bytes).
typedef struct {
    int32_t taps, pairs, groups;  // groups: channel groups of 32, plus the flat group if any
    size_t requant, start, weights, zero_point_row, bytes;  // offsets and total size
} depthwise_layout;

static inline depthwise_layout layout_of(const edge_window_params *w) {
    depthwise_layout l;
    l.taps = w->kernel_height * w->kernel_width, l.pairs = (l.taps + 1) / 2;
    l.groups = (w->output_channels + 31) / 32 + has_flat_group(w);
    l.requant = 0;
    l.start = l.requant + sizeof(edge_requant_avx512) * 2 * (size_t)l.groups;
    l.weights = l.start + (size_t)l.groups * 2 * 16 * sizeof(int32_t);
    l.zero_point_row = l.weights + (size_t)l.groups * l.pairs * 2 * 32 * sizeof(int16_t);
    const size_t row = (size_t)w->output_channels > ZERO_POINT_ROW_MIN ? (size_t)w->output_channels : ZERO_POINT_ROW_MIN;
    l.bytes = l.zero_point_row + (row + 63) / 64 * 64;
    return l;
}

static inline int supported(const edge_window_params *w, int32_t depth_multiplier) {
    return depth_multiplier == 1 && w->kernel_height * w->kernel_width <= MAX_TAPS;
}

// Packs group g: lane index i (permuted_index order) holds channel channel_of[i], or nothing (-1).
EDGE_AVX512VNNI static void pack_group(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                       const int32_t *bias, const depthwise_layout *l, const int32_t channel_of[32],
                                       int32_t g, unsigned char *base) {
    const int32_t channels = w->output_channels;
    edge_requant_avx512 *requant = (edge_requant_avx512 *)(base + l->requant);
    int32_t *start = (int32_t *)(base + l->start);
    int16_t *weights = (int16_t *)(base + l->weights);
    for (int half = 0; half < 2; ++half) {
        int32_t m[16], sh[16];
        for (int32_t lane = 0; lane < 16; ++lane) {
            const int32_t c = channel_of[permuted_index(half, lane)];
            int32_t sum = 0;
            for (int32_t p = 0; p < l->pairs; ++p)
                for (int32_t j = 0; j < 2; ++j) {
                    const int32_t t = 2 * p + j;
                    const int16_t weight = c >= 0 && t < l->taps ? filter[(size_t)t * channels + c] : 0;
                    weights[((g * l->pairs + p) * 2 + half) * 32 + lane * 2 + j] = weight;
                    sum += weight;
                }
            m[lane] = c >= 0 ? rq->multiplier[c] : 0;
            sh[lane] = c >= 0 ? rq->shift[c] : 0;
            // Modulo 2^32 like the accumulation; exact for models within the contract.
            start[(g * 2 + half) * 16 + lane] =
                c >= 0 ? (int32_t)((uint32_t)bias[c] - (uint32_t)rq->input_zero_point * (uint32_t)sum) : 0;
        }
        requant[g * 2 + half] = edge_requant_avx512_make(m, sh);
    }
}

EDGE_AVX512VNNI size_t edge_s8_depthwise_conv2d_pack_avx512vnni(const edge_window_params *w, int32_t depth_multiplier,
                                                                const edge_requant_params *rq, const int8_t *filter,
                                                                const int32_t *bias, void *packed) {
    if (!supported(w, depth_multiplier)) return 0;
    const depthwise_layout l = layout_of(w);
    if (packed == NULL) return l.bytes;
    const int32_t channels = w->output_channels, channel_groups = (channels + 31) / 32;
    unsigned char *base = packed;
    memset(base + l.zero_point_row, (int8_t)rq->input_zero_point, l.bytes - l.zero_point_row);
    int32_t channel_of[32];
    for (int32_t g = 0; g < channel_groups; ++g) {
        for (int32_t i = 0; i < 32; ++i) channel_of[i] = g * 32 + i < channels ? g * 32 + i : -1;
        pack_group(w, rq, filter, bias, &l, channel_of, g, base);
    }
    if (has_flat_group(w)) {
        for (int32_t i = 0; i < 32; ++i) channel_of[i] = i % channels;
        pack_group(w, rq, filter, bias, &l, channel_of, channel_groups, base);
    }
    return l.bytes;
}

// One step: 32 lanes from the taps at tap[t] + offset (only the `mask` bytes are read) against
// packed group g; returns the 32 output bytes (lanes past the mask are garbage, never stored).
EDGE_AVX512VNNI __attribute__((always_inline)) static inline __m256i step32(
    const int8_t *const *tap, size_t offset, uint32_t mask, const depthwise_layout *l, const unsigned char *base,
    int32_t g, const edge_output_avx512 *o, int left_shifts) {
    const edge_requant_avx512 *requant = (const edge_requant_avx512 *)(base + l->requant) + g * 2;
    const int32_t *start = (const int32_t *)(base + l->start) + g * 32;
    const int16_t *k = (const int16_t *)(base + l->weights) + (size_t)g * l->pairs * 64;
    __m512i lo = _mm512_load_si512(start), hi = _mm512_load_si512(start + 16);
    for (int32_t p = 0; p < l->pairs; ++p, k += 64) {
        const __m512i a = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, tap[2 * p] + offset));
        const __m512i b = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, tap[2 * p + 1] + offset));
        lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(a, b), _mm512_load_si512(k));
        hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(a, b), _mm512_load_si512(k + 32));
    }
    lo = edge_clamp_output_avx512(edge_requantize_avx512(lo, &requant[0], left_shifts), o);
    hi = edge_clamp_output_avx512(edge_requantize_avx512(hi, &requant[1], left_shifts), o);
    return _mm512_cvtsepi16_epi8(_mm512_packs_epi32(lo, hi));
}

EDGE_AVX512VNNI __attribute__((always_inline)) static inline void depthwise(
    const edge_window_params *w, const edge_requant_params *rq, const int8_t *input, const void *packed,
    int32_t row_begin, int32_t row_end, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, channel_groups = (channels + 31) / 32;
    const depthwise_layout l = layout_of(w);
    const unsigned char *base = packed;
    const int8_t *zero_point_row = (const int8_t *)(base + l.zero_point_row);
    const edge_output_avx512 o = edge_output_avx512_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    // Flat pixels: [flat_begin, flat_end), whose windows lie horizontally inside the input.
    int32_t flat_begin = 0, flat_end = 0;
    if (has_flat_group(w)) {
        flat_begin = w->pad_left < w->output_width ? w->pad_left : w->output_width;
        flat_end = w->input_width - w->kernel_width + w->pad_left + 1;
        flat_end = flat_end > w->output_width ? w->output_width : flat_end < flat_begin ? flat_begin : flat_end;
    }
    const int32_t flat_pixels = 32 / channels;  // per step (only used when has_flat_group)
    const int8_t *tap[MAX_TAPS + 1];
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        int8_t *out_row = output + (size_t)oy * w->output_width * channels;
        for (int32_t ox = flat_begin; ox < flat_end; ox += flat_pixels) {
            const int32_t n = flat_end - ox < flat_pixels ? flat_end - ox : flat_pixels;
            const int32_t ix0 = ox - w->pad_left;  // stride 1
            for (int32_t t = 0; t < l.taps; ++t) {
                const int32_t iy = iy0 + t / w->kernel_width;
                tap[t] = iy >= 0 && iy < w->input_height
                             ? input + ((size_t)iy * w->input_width + ix0 + t % w->kernel_width) * channels
                             : zero_point_row;
            }
            tap[l.taps] = zero_point_row;
            const uint32_t mask = (uint32_t)edge_low_lanes(n * channels);
            _mm256_mask_storeu_epi8(out_row + (size_t)ox * channels, mask,
                                    step32(tap, 0, mask, &l, base, channel_groups, &o, left_shifts));
        }
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            if (ox == flat_begin && flat_end > flat_begin) {
                ox = flat_end - 1;
                continue;
            }
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            for (int32_t t = 0; t < l.taps; ++t) {
                const int32_t iy = iy0 + t / w->kernel_width, ix = ix0 + t % w->kernel_width;
                tap[t] = iy >= 0 && iy < w->input_height && ix >= 0 && ix < w->input_width
                             ? input + ((size_t)iy * w->input_width + ix) * channels
                             : zero_point_row;
            }
            tap[l.taps] = zero_point_row;  // the partner of an odd last tap (weight 0)
            int8_t *out = out_row + (size_t)ox * channels;
            for (int32_t g = 0; g < channel_groups; ++g) {
                const int32_t c = g * 32, n = channels - c < 32 ? channels - c : 32;
                const uint32_t mask = (uint32_t)edge_low_lanes(n);
                _mm256_mask_storeu_epi8(out + c, mask, step32(tap, (size_t)c, mask, &l, base, g, &o, left_shifts));
            }
        }
    }
}

EDGE_AVX512VNNI void edge_s8_depthwise_conv2d_c32_avx512vnni(const edge_window_params *w, int32_t depth_multiplier,
                                                             const edge_requant_params *rq, const int8_t *input,
                                                             const int8_t *filter, const int32_t *bias,
                                                             const void *packed, int32_t row_begin, int32_t row_end,
                                                             int8_t *output) {
    if (!supported(w, depth_multiplier)) {
        edge_s8_depthwise_conv2d_ref(w, depth_multiplier, rq, input, filter, bias, NULL, row_begin, row_end, output);
    } else if (edge_requant_avx512_left_shifts(rq->shift, w->output_channels)) {
        depthwise(w, rq, input, packed, row_begin, row_end, output, 1);
    } else {
        depthwise(w, rq, input, packed, row_begin, row_end, output, 0);
    }
}
#endif
