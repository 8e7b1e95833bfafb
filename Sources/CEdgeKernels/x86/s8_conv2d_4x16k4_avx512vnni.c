// Int8 conv (any kernel size, stride, padding) on AVX-512 VNNI as a matrix product over tiles of 4
// horizontally adjacent output pixels x 32 output channels (an odd last block of 16 channels, and
// layers of at most 16 channels: 8 pixels x 16), 4 reduction steps per VPDPBUSD.
//
// VPDPBUSD multiplies unsigned bytes by signed bytes, four per int32 lane, and adds the four exact
// products (each within [-255 * 128, 255 * 127]) to the lane without saturation or any int16
// intermediate. The input goes in as the unsigned operand u = x + 128 (x XOR 0x80), padding taps as
// zero_point + 128; the weights are the signed operand. Then
//   sum(u * w) = sum((x - zero_point) * w) + (zero_point + 128) * sum(w)    (padding taps: x = zero_point)
// so each accumulator starts at bias - (zero_point + 128) * sum(w) and ends at exactly the
// reference's integer. Overflow contract: every addition is int32 modulo 2^32 (VPDPBUSD, not the
// saturating VPDPBUSDS), and the final value is the reference accumulator, which the contract
// (edge_kernels.h) keeps inside int32; so the result is exact whatever the intermediate sums (for
// the supported reductions they do not even wrap: 255 * 127 * 4608 < 2^28, bias < 2^30).
//
// Packed once at model load (edge_s8_conv2d_pack_avx512vnni): per block of 16 output channels the
// requantization constants and the corrected bias, then the weights as [block][quad][lane][4].
// Per output row, the kernel_height input rows it reads are converted to u ("offset rows", on the
// stack) with explicit padding columns; the tile reads each kernel row's kernel_width *
// input_channels consecutive bytes four at a time (broadcast to all lanes). Fully connected layers
// run here as a 1x1 conv over one pixel. Shapes whose offset rows exceed the stack buffer pack
// nothing and run the reference.
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include <string.h>

#include "requantize_avx512.h"

enum { MAX_OFFSET_ROW_BYTES = 32768 };  // bytes of the offset rows of one output row

typedef struct {
    edge_requant_avx512 requant;
    __m512i start;  // bias - (input_zero_point + 128) * sum(w)
} channel_block;

static inline int32_t load_quad(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

// Accumulates 4 pixels (tap rows at x[i] + ky * row_stride) against 2 channel blocks (8
// independent accumulators), requantizes and stores `pixels` outputs of `channels` channels
// (16 < channels <= 32; lanes past the last channel are not stored).
EDGE_AVX512VNNI __attribute__((always_inline)) static inline void tile(
    const uint8_t *const x[4], int32_t kernel_height, size_t row_stride, int32_t segment, const int8_t *weights,
    size_t block_stride, const channel_block *cb, int32_t pixels, int32_t channels, int8_t *out,
    int32_t out_stride, const edge_output_avx512 *o, int left_shifts) {
    // Named accumulators (not an array indexed later at run time) so that they stay in registers.
    __m512i a00 = cb[0].start, a10 = a00, a20 = a00, a30 = a00;
    __m512i a01 = cb[1].start, a11 = a01, a21 = a01, a31 = a01;
    const int8_t *wp = weights;
    for (int32_t ky = 0; ky < kernel_height; ++ky) {
        const uint8_t *p0 = x[0] + ky * row_stride, *p1 = x[1] + ky * row_stride;
        const uint8_t *p2 = x[2] + ky * row_stride, *p3 = x[3] + ky * row_stride;
        for (int32_t k = 0; k < segment; k += 4, wp += 64) {
            const __m512i u0 = _mm512_set1_epi32(load_quad(p0 + k)), u1 = _mm512_set1_epi32(load_quad(p1 + k));
            const __m512i u2 = _mm512_set1_epi32(load_quad(p2 + k)), u3 = _mm512_set1_epi32(load_quad(p3 + k));
            const __m512i w0 = _mm512_loadu_si512(wp);
            a00 = _mm512_dpbusd_epi32(a00, u0, w0);
            a10 = _mm512_dpbusd_epi32(a10, u1, w0);
            a20 = _mm512_dpbusd_epi32(a20, u2, w0);
            a30 = _mm512_dpbusd_epi32(a30, u3, w0);
            const __m512i w1 = _mm512_loadu_si512(wp + block_stride);
            a01 = _mm512_dpbusd_epi32(a01, u0, w1);
            a11 = _mm512_dpbusd_epi32(a11, u1, w1);
            a21 = _mm512_dpbusd_epi32(a21, u2, w1);
            a31 = _mm512_dpbusd_epi32(a31, u3, w1);
        }
    }
    const __m512i acc[4][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}};
    for (int32_t i = 0; i < pixels; ++i) {
        for (int b = 0; b < 2; ++b) {
            const __m128i y = edge_narrow_s8_avx512(edge_requantize_avx512(acc[i][b], &cb[b].requant, left_shifts), o);
            const int32_t n = channels - b * 16;
            _mm_mask_storeu_epi8(out + (size_t)i * out_stride + b * 16, edge_low_lanes(n < 16 ? n : 16), y);
        }
    }
}

// One channel block (layers of at most 16 channels, or the odd last block): 8 pixels, so that
// there are as many independent accumulators (8) as in the 4 x 2-block tile to cover VPDPBUSD's
// latency. Stores `pixels` (1..8) outputs of `channels` (1..16) channels.
EDGE_AVX512VNNI __attribute__((always_inline)) static inline void tile8(
    const uint8_t *const x[8], int32_t kernel_height, size_t row_stride, int32_t segment, const int8_t *weights,
    const channel_block *cb, int32_t pixels, int32_t channels, int8_t *out, int32_t out_stride,
    const edge_output_avx512 *o, int left_shifts) {
    __m512i a0 = cb->start, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const int8_t *wp = weights;
    for (int32_t ky = 0; ky < kernel_height; ++ky) {
        const size_t r = ky * row_stride;
        for (int32_t k = 0; k < segment; k += 4, wp += 64) {
            const __m512i w = _mm512_loadu_si512(wp);
            a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(load_quad(x[0] + r + k)), w);
            a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(load_quad(x[1] + r + k)), w);
            a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(load_quad(x[2] + r + k)), w);
            a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(load_quad(x[3] + r + k)), w);
            a4 = _mm512_dpbusd_epi32(a4, _mm512_set1_epi32(load_quad(x[4] + r + k)), w);
            a5 = _mm512_dpbusd_epi32(a5, _mm512_set1_epi32(load_quad(x[5] + r + k)), w);
            a6 = _mm512_dpbusd_epi32(a6, _mm512_set1_epi32(load_quad(x[6] + r + k)), w);
            a7 = _mm512_dpbusd_epi32(a7, _mm512_set1_epi32(load_quad(x[7] + r + k)), w);
        }
    }
    const __m512i acc[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
    const uint64_t mask = edge_low_lanes(channels);
    for (int32_t i = 0; i < pixels; ++i)
        _mm_mask_storeu_epi8(out + (size_t)i * out_stride, mask,
                             edge_narrow_s8_avx512(edge_requantize_avx512(acc[i], &cb->requant, left_shifts), o));
}

// Writes input row iy as offset bytes u = x + 128 into dst: `columns` columns of `ic` values,
// column c holding input column c - pad_left; padding columns and rows outside the input hold
// zero_point + 128.
EDGE_AVX512VNNI static inline void offset_row(const edge_window_params *w, const int8_t *input, int32_t iy,
                                              int32_t columns, uint8_t pad, uint8_t *dst) {
    const int32_t ic = w->input_channels;
    if (iy < 0 || iy >= w->input_height) {
        memset(dst, pad, (size_t)columns * ic);
        return;
    }
    const int32_t left = w->pad_left, valid = w->input_width;
    const int32_t right = columns - left - valid;  // >= 0 by construction of `columns`
    memset(dst, pad, (size_t)left * ic);
    const int8_t *src = input + (size_t)iy * valid * ic;
    uint8_t *out = dst + (size_t)left * ic;
    const int32_t n = valid * ic;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    int32_t i = 0;
    for (; i + 64 <= n; i += 64)
        _mm512_storeu_si512(out + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
    if (i < n) {
        const uint64_t tail = edge_low_lanes(n - i);
        _mm512_mask_storeu_epi8(out + i, tail, _mm512_xor_si512(_mm512_maskz_loadu_epi8(tail, src + i), flip));
    }
    if (right > 0) memset(out + n, pad, (size_t)right * ic);
}

// The geometry every call derives from the window.
typedef struct {
    int32_t segment;  // kernel_width * input_channels rounded up to a multiple of 4
    int32_t columns;  // offset columns: the padded input width, enough for the last window
    int32_t blocks;   // blocks of 16 output channels
    size_t row_stride, block_stride;
} conv_shape;

static inline conv_shape shape_of(const edge_window_params *w) {
    conv_shape g;
    g.segment = (w->kernel_width * w->input_channels + 3) & ~3;
    const int32_t last = (w->output_width - 1) * w->stride_width + w->kernel_width;
    g.columns = w->pad_left + w->input_width > last ? w->pad_left + w->input_width : last;
    g.blocks = (w->output_channels + 15) / 16;
    g.row_stride = (size_t)g.columns * w->input_channels + 4;  // +4: a quad may read up to 3 bytes past a row
    g.block_stride = (size_t)w->kernel_height * g.segment * 16;
    return g;
}

static inline int supported(const edge_window_params *w, const conv_shape *g) {
    return (size_t)w->kernel_height * g->row_stride <= MAX_OFFSET_ROW_BYTES;
}

// Packed bytes: channel_block[blocks], then the weights as [block][quad q][lane][4] (the reduction
// index running over kernel rows of `segment` entries; the extra entries and the lanes past the
// last channel have weight 0). Lane l holds channel 16 * block + l.
EDGE_AVX512VNNI size_t edge_s8_conv2d_pack_avx512vnni(const edge_window_params *w, const edge_requant_params *rq,
                                                      const int8_t *filter, const int32_t *bias, void *packed) {
    const conv_shape g = shape_of(w);
    if (!supported(w, &g)) return 0;
    const size_t bytes = sizeof(channel_block) * (size_t)g.blocks + g.block_stride * (size_t)g.blocks;
    if (packed == NULL) return bytes;
    channel_block *cb = packed;
    int8_t *quads = (int8_t *)(cb + g.blocks);
    memset(quads, 0, g.block_stride * (size_t)g.blocks);
    const int32_t channels = w->output_channels, row = w->kernel_width * w->input_channels;
    const int32_t reduction = w->kernel_height * row;
    const uint32_t offset_zero_point = (uint32_t)(rq->input_zero_point + 128);  // [0, 255]
    for (int32_t b = 0; b < g.blocks; ++b) {
        int32_t m[16], s[16], start[16];
        for (int32_t lane = 0; lane < 16; ++lane) {
            const int32_t oc = b * 16 + lane;
            m[lane] = s[lane] = start[lane] = 0;
            if (oc >= channels) continue;
            int8_t *dst = quads + (size_t)b * g.block_stride + lane * 4;
            const int8_t *src = filter + (size_t)oc * reduction;
            int32_t sum = 0;
            for (int32_t ky = 0; ky < w->kernel_height; ++ky)
                for (int32_t kx = 0; kx < row; ++kx) {
                    const int32_t k = ky * g.segment + kx;  // position in the padded reduction
                    dst[(k / 4) * 64 + (k & 3)] = src[ky * row + kx];
                    sum += src[ky * row + kx];
                }
            m[lane] = rq->multiplier[oc], s[lane] = rq->shift[oc];
            // Modulo 2^32 like the accumulation itself; exact for models within the contract.
            start[lane] = (int32_t)((uint32_t)bias[oc] - offset_zero_point * (uint32_t)sum);
        }
        cb[b].requant = edge_requant_avx512_make(m, s);
        cb[b].start = _mm512_loadu_si512(start);
    }
    return bytes;
}

EDGE_AVX512VNNI __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                        const edge_requant_params *rq,
                                                                        const int8_t *input, const conv_shape *g,
                                                                        const channel_block *cb, const int8_t *quads,
                                                                        int32_t row_begin, int32_t row_end,
                                                                        int8_t *output, int left_shifts) {
    const int32_t channels = w->output_channels, blocks = g->blocks, ic = w->input_channels;
    const size_t row_stride = g->row_stride, block_stride = g->block_stride;
    _Alignas(64) uint8_t rows[MAX_OFFSET_ROW_BYTES];
    const edge_output_avx512 o = edge_output_avx512_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const uint8_t pad = (uint8_t)(rq->input_zero_point + 128);
    const size_t pixel_step = (size_t)w->stride_width * ic;
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
            offset_row(w, input, iy0 + ky, g->columns, pad, rows + ky * row_stride);
            memset(rows + ky * row_stride + row_stride - 4, 0, 4);
        }
        int8_t *out_row = output + (size_t)oy * w->output_width * channels;
        const int32_t paired_blocks = blocks & ~1;
        if (paired_blocks > 0) {
            for (int32_t ox = 0; ox < w->output_width; ox += 4) {
                const int32_t n = w->output_width - ox < 4 ? w->output_width - ox : 4;
                const uint8_t *x[4];
                for (int32_t i = 0; i < 4; ++i) x[i] = rows + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
                int8_t *out = out_row + (size_t)ox * channels;
                for (int32_t b = 0; b < paired_blocks; b += 2)
                    tile(x, w->kernel_height, row_stride, g->segment, quads + b * block_stride, block_stride, cb + b,
                         n, channels - b * 16, out + b * 16, channels, &o, left_shifts);
            }
        }
        if (blocks > paired_blocks) {
            const int32_t b = paired_blocks;
            for (int32_t ox = 0; ox < w->output_width; ox += 8) {
                const int32_t n = w->output_width - ox < 8 ? w->output_width - ox : 8;
                const uint8_t *x[8];
                for (int32_t i = 0; i < 8; ++i) x[i] = rows + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
                tile8(x, w->kernel_height, row_stride, g->segment, quads + b * block_stride, cb + b, n,
                      channels - b * 16, out_row + (size_t)ox * channels + b * 16, channels, &o, left_shifts);
            }
        }
    }
}

EDGE_AVX512VNNI void edge_s8_conv2d_4x16k4_avx512vnni(const edge_window_params *w, const edge_requant_params *rq,
                                                      const int8_t *input, const int8_t *filter, const int32_t *bias,
                                                      const void *packed, int32_t row_begin, int32_t row_end,
                                                      int8_t *output) {
    const conv_shape g = shape_of(w);
    if (!supported(w, &g)) {
        edge_s8_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    const channel_block *cb = packed;
    const int8_t *quads = (const int8_t *)(cb + g.blocks);
    if (edge_requant_avx512_left_shifts(rq->shift, w->output_channels)) {
        conv(w, rq, input, &g, cb, quads, row_begin, row_end, output, 1);
    } else {
        conv(w, rq, input, &g, cb, quads, row_begin, row_end, output, 0);
    }
}

EDGE_AVX512VNNI size_t edge_s8_fully_connected_pack_avx512vnni(int32_t input_count, int32_t output_count,
                                                               const edge_requant_params *requant,
                                                               const int8_t *filter, const int32_t *bias,
                                                               void *packed) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    return edge_s8_conv2d_pack_avx512vnni(&w, requant, filter, bias, packed);
}

EDGE_AVX512VNNI void edge_s8_fully_connected_avx512vnni(int32_t input_count, int32_t output_count,
                                                        const edge_requant_params *requant, const int8_t *input,
                                                        const int8_t *filter, const int32_t *bias,
                                                        const void *packed, int8_t *output) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    edge_s8_conv2d_4x16k4_avx512vnni(&w, requant, input, filter, bias, packed, 0, 1, output);
}
#endif
