// Int8 depthwise conv (depth multiplier 1, up to 25 taps, any stride and padding) on AVX-512 VNNI:
// 64 channels per step, taps taken four at a time by VPDPBUSD.
//
// The 64 channels of four taps are loaded as bytes, made unsigned (u = x + 128, XOR 0x80) and
// interleaved into one int32 lane per channel holding its four taps' bytes (VPUNPCKL/HBW, then
// VPUNPCKL/HWD): accumulator q of 128-bit lane L gets channels 16L + 4q ... 16L + 4q + 3. The
// weights are packed in that order; after requantization VPACKSSDW (A0, A1), (A2, A3) and VPACKSSWB
// restore the channel order. VPDPBUSD adds the four exact products u * w (|u * w| <= 255 * 128) to
// the int32 lane without saturation or int16 intermediates.
// Every pixel, border or not, uses one formula: acc = bias - (input_zero_point + 128) * sum(w) +
// sum(u * w), with the taps in the padding (and the dummy taps filling the last quad, weight 0)
// pointing at a row of input_zero_point bytes, so a padding tap adds (zero_point + 128) * w,
// cancelling its share of the correction; the result is the reference's sum over valid taps of
// (x - zp) * w. Overflow contract: additions are int32 modulo 2^32 (VPDPBUSD, not VPDPBUSDS) and
// the final value is the reference's accumulator, inside int32 by the contract of edge_kernels.h,
// so it is exact. Channel tails use masked loads and stores (no scalar loop, no reads past the
// tensor; masked-off lanes compute garbage that is never stored).
// Narrow layers (channels dividing 64, fewer than 64, stride 1) would leave most lanes idle:
// there, the output pixels of a row whose windows lie horizontally inside the input are run as
// one flat (pixel, channel) dimension, 64 / channels pixels per step, since adjacent pixels' taps
// are adjacent in memory; each lane's weights, bias and requantization are those of its channel
// (flat index mod channels). Other pixels run one at a time, 64 channels per step.
// Packed once at model load (edge_s8_depthwise_conv2d_pack_avx512vnni): the requantization
// constants, corrected biases and interleaved weights per group of 64 lanes (the channel groups,
// then the flat group when the layer has one), and the zero-point row.
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include <string.h>

#include "requantize_avx512.h"

enum { MAX_TAPS = 25, GROUP = 64, ZERO_POINT_ROW_MIN = 64 };

// Index (within a group of 64) of lane `lane` (0..15) of accumulator q (0..3).
static inline int32_t permuted_index(int q, int32_t lane) { return 16 * (lane / 4) + 4 * q + lane % 4; }

// Whether the layer runs its horizontally interior pixels as a flat (pixel, channel) dimension.
static inline int has_flat_group(const edge_window_params *w) {
    const int32_t c = w->output_channels;
    return w->stride_width == 1 && c < GROUP && GROUP % c == 0;
}

// Packed bytes, each part 64-byte aligned: requant[groups][4], start[groups][4][16] int32,
// weights[groups][quads][4 accumulators][16 lanes][4 taps] int8, then the zero-point row.
typedef struct {
    int32_t taps, quads, groups;  // groups: channel groups of 64, plus the flat group if any
    size_t requant, start, weights, zero_point_row, bytes;  // offsets and total size
} depthwise_layout;

static inline depthwise_layout layout_of(const edge_window_params *w) {
    depthwise_layout l;
    l.taps = w->kernel_height * w->kernel_width, l.quads = (l.taps + 3) / 4;
    l.groups = (w->output_channels + GROUP - 1) / GROUP + has_flat_group(w);
    l.requant = 0;
    l.start = l.requant + sizeof(edge_requant_avx512) * 4 * (size_t)l.groups;
    l.weights = l.start + (size_t)l.groups * GROUP * sizeof(int32_t);
    l.zero_point_row = l.weights + (size_t)l.groups * l.quads * GROUP * 4;
    const size_t row = (size_t)w->output_channels > ZERO_POINT_ROW_MIN ? (size_t)w->output_channels : ZERO_POINT_ROW_MIN;
    l.bytes = l.zero_point_row + (row + 63) / 64 * 64;
    return l;
}

static inline int supported(const edge_window_params *w, int32_t depth_multiplier) {
    return depth_multiplier == 1 && w->kernel_height * w->kernel_width <= MAX_TAPS;
}

// Packs group g: lane index i (permuted_index order) holds channel channel_of[i], or nothing (-1).
EDGE_AVX512VNNI static void pack_group(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                       const int32_t *bias, const depthwise_layout *l,
                                       const int32_t channel_of[GROUP], int32_t g, unsigned char *base) {
    const int32_t channels = w->output_channels;
    edge_requant_avx512 *requant = (edge_requant_avx512 *)(base + l->requant);
    int32_t *start = (int32_t *)(base + l->start);
    int8_t *weights = (int8_t *)(base + l->weights);
    const uint32_t offset_zero_point = (uint32_t)(rq->input_zero_point + 128);  // [0, 255]
    for (int q = 0; q < 4; ++q) {
        int32_t m[16], sh[16];
        for (int32_t lane = 0; lane < 16; ++lane) {
            const int32_t c = channel_of[permuted_index(q, lane)];
            int32_t sum = 0;
            for (int32_t quad = 0; quad < l->quads; ++quad)
                for (int32_t j = 0; j < 4; ++j) {
                    const int32_t t = 4 * quad + j;
                    const int8_t weight = c >= 0 && t < l->taps ? filter[(size_t)t * channels + c] : 0;
                    weights[(((size_t)g * l->quads + quad) * 4 + q) * 64 + lane * 4 + j] = weight;
                    sum += weight;
                }
            m[lane] = c >= 0 ? rq->multiplier[c] : 0;
            sh[lane] = c >= 0 ? rq->shift[c] : 0;
            // Modulo 2^32 like the accumulation; exact for models within the contract.
            start[(g * 4 + q) * 16 + lane] = c >= 0 ? (int32_t)((uint32_t)bias[c] - offset_zero_point * (uint32_t)sum) : 0;
        }
        requant[g * 4 + q] = edge_requant_avx512_make(m, sh);
    }
}

EDGE_AVX512VNNI size_t edge_s8_depthwise_conv2d_pack_avx512vnni(const edge_window_params *w, int32_t depth_multiplier,
                                                                const edge_requant_params *rq, const int8_t *filter,
                                                                const int32_t *bias, void *packed) {
    if (!supported(w, depth_multiplier)) return 0;
    const depthwise_layout l = layout_of(w);
    if (packed == NULL) return l.bytes;
    const int32_t channels = w->output_channels, channel_groups = (channels + GROUP - 1) / GROUP;
    unsigned char *base = packed;
    memset(base + l.zero_point_row, (int8_t)rq->input_zero_point, l.bytes - l.zero_point_row);
    int32_t channel_of[GROUP];
    for (int32_t g = 0; g < channel_groups; ++g) {
        for (int32_t i = 0; i < GROUP; ++i) channel_of[i] = g * GROUP + i < channels ? g * GROUP + i : -1;
        pack_group(w, rq, filter, bias, &l, channel_of, g, base);
    }
    if (has_flat_group(w)) {
        for (int32_t i = 0; i < GROUP; ++i) channel_of[i] = i % channels;
        pack_group(w, rq, filter, bias, &l, channel_of, channel_groups, base);
    }
    return l.bytes;
}

// One step: 64 lanes from the taps at tap[t] + offset (only the `mask` bytes are read) against
// packed group g; returns the 64 output bytes (lanes past the mask are garbage, never stored).
EDGE_AVX512VNNI __attribute__((always_inline)) static inline __m512i step64(
    const int8_t *const *tap, size_t offset, uint64_t mask, const depthwise_layout *l, const unsigned char *base,
    int32_t g, const edge_output_avx512 *o, int left_shifts) {
    const edge_requant_avx512 *requant = (const edge_requant_avx512 *)(base + l->requant) + g * 4;
    const int32_t *start = (const int32_t *)(base + l->start) + g * GROUP;
    const int8_t *k = (const int8_t *)(base + l->weights) + (size_t)g * l->quads * 256;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    __m512i a0 = _mm512_load_si512(start), a1 = _mm512_load_si512(start + 16);
    __m512i a2 = _mm512_load_si512(start + 32), a3 = _mm512_load_si512(start + 48);
    for (int32_t quad = 0; quad < l->quads; ++quad, k += 256) {
        const int8_t *const *t = tap + 4 * quad;
        const __m512i x0 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, t[0] + offset), flip);
        const __m512i x1 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, t[1] + offset), flip);
        const __m512i x2 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, t[2] + offset), flip);
        const __m512i x3 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, t[3] + offset), flip);
        const __m512i lo01 = _mm512_unpacklo_epi8(x0, x1), hi01 = _mm512_unpackhi_epi8(x0, x1);
        const __m512i lo23 = _mm512_unpacklo_epi8(x2, x3), hi23 = _mm512_unpackhi_epi8(x2, x3);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_unpacklo_epi16(lo01, lo23), _mm512_load_si512(k));
        a1 = _mm512_dpbusd_epi32(a1, _mm512_unpackhi_epi16(lo01, lo23), _mm512_load_si512(k + 64));
        a2 = _mm512_dpbusd_epi32(a2, _mm512_unpacklo_epi16(hi01, hi23), _mm512_load_si512(k + 128));
        a3 = _mm512_dpbusd_epi32(a3, _mm512_unpackhi_epi16(hi01, hi23), _mm512_load_si512(k + 192));
    }
    a0 = edge_clamp_output_avx512(edge_requantize_avx512(a0, &requant[0], left_shifts), o);
    a1 = edge_clamp_output_avx512(edge_requantize_avx512(a1, &requant[1], left_shifts), o);
    a2 = edge_clamp_output_avx512(edge_requantize_avx512(a2, &requant[2], left_shifts), o);
    a3 = edge_clamp_output_avx512(edge_requantize_avx512(a3, &requant[3], left_shifts), o);
    return _mm512_packs_epi16(_mm512_packs_epi32(a0, a1), _mm512_packs_epi32(a2, a3));
}

EDGE_AVX512VNNI __attribute__((always_inline)) static inline void depthwise(
    const edge_window_params *w, const edge_requant_params *rq, const int8_t *input, const void *packed,
    int32_t row_begin, int32_t row_end, int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, channel_groups = (channels + GROUP - 1) / GROUP;
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
    const int32_t flat_pixels = GROUP / channels;  // per step (only used when has_flat_group)
    const int8_t *tap[MAX_TAPS + 3];
    for (int32_t t = 0; t < MAX_TAPS + 3; ++t) tap[t] = zero_point_row;  // dummies of the last quad (weight 0)
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
            const uint64_t mask = edge_low_lanes(n * channels);
            _mm512_mask_storeu_epi8(out_row + (size_t)ox * channels, mask,
                                    step64(tap, 0, mask, &l, base, channel_groups, &o, left_shifts));
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
            int8_t *out = out_row + (size_t)ox * channels;
            for (int32_t g = 0; g < channel_groups; ++g) {
                const int32_t c = g * GROUP, n = channels - c < GROUP ? channels - c : GROUP;
                const uint64_t mask = edge_low_lanes(n);
                _mm512_mask_storeu_epi8(out + c, mask, step64(tap, (size_t)c, mask, &l, base, g, &o, left_shifts));
            }
        }
    }
}

EDGE_AVX512VNNI void edge_s8_depthwise_conv2d_c64_avx512vnni(const edge_window_params *w, int32_t depth_multiplier,
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
