// Int16-activation conv (any kernel size, stride, padding) on baseline NEON: tiles of 4
// horizontally adjacent output pixels x 8 (or 16) output channels. Per 8 reduction entries a
// pixel's int16 x are one vector, and SMLAL/SMLAL2 by element multiply each entry by the int16
// weights of 8 channels into int32 (exact: |x * w| <= 32768 * 127).
//
// x - input_zero_point can be 32768, which int16 cannot hold, so the tiles multiply the raw x
// and the zero point enters through bias - input_zero_point * sum(w) over the whole window; taps
// in the padding read the zero point itself (rows copied with zero-point columns/rows), cancelled
// by that same sum. SMLAL wraps modulo 2^32: the result is the reference's integer modulo 2^32,
// hence that integer, which the contract keeps inside int32. Rows are read in place when the
// window needs no padding and kernel_width * input_channels is a multiple of 8 (every 1x1 layer
// of the default model and its VALID 3x3 layer on 8 channels).
#if defined(__aarch64__)
#include <string.h>

#include "requantize_neon.h"
#include "../internal/s16_zero_point.h"

enum { MAX_ROWS = 16384, SLACK = 8 };  // int16 entries of the padded rows of one output row

typedef struct {
    int32x4_t bias[2];  // bias - input_zero_point * sum(w) modulo 2^32; 0 past the last channel
    edge_requant_neon requant[2];
} channel_block;

// The packed bytes: this header, `blocks` channel_block, then the weights
// [block][kernel row][segment][8 channels] as int16, 0 past the row's kernel_width * input_channels.
typedef struct {
    int32_t simd;  // 0: outside the limits (stack rows, zero point beyond int16), run the reference
    int32_t segment, columns, blocks;
    int32_t reserved[12];  // 64 bytes
} conv_header;

static size_t weights_offset(int32_t blocks) { return sizeof(conv_header) + sizeof(channel_block) * (size_t)blocks; }

size_t edge_s16_conv2d_pack_neon(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                 const int32_t *bias, void *packed) {
    const int32_t ic = w->input_channels, channels = w->output_channels, blocks = (channels + 7) / 8;
    const int32_t row = w->kernel_width * ic, segment = (row + 7) & ~7, columns = edge_conv_padded_columns(w);
    const int simd = (size_t)w->kernel_height * ((size_t)columns * ic + SLACK) <= MAX_ROWS &&
                     edge_s16_zero_point_fits(rq->input_zero_point);
    const size_t weight_count = (size_t)blocks * w->kernel_height * segment * 8;
    const size_t bytes = simd ? weights_offset(blocks) + sizeof(int16_t) * weight_count : sizeof(conv_header);
    if (packed == NULL) return bytes;
    conv_header *h = packed;
    memset(h, 0, sizeof *h);
    h->simd = simd;
    if (!simd) return bytes;
    h->segment = segment, h->columns = columns, h->blocks = blocks;
    channel_block *cb = (channel_block *)((char *)packed + sizeof(conv_header));
    int16_t *weights = (int16_t *)((char *)packed + weights_offset(blocks));
    memset(weights, 0, sizeof(int16_t) * weight_count);
    const size_t reduction = (size_t)edge_conv_reduction(w);
    for (int32_t b = 0; b < blocks; ++b) {
        int32_t m[8], s[8], folded[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t oc = b * 8 + lane;
            m[lane] = s[lane] = folded[lane] = 0;
            if (oc >= channels) continue;
            int64_t sum = 0;
            for (int32_t ky = 0; ky < w->kernel_height; ++ky)
                for (int32_t k = 0; k < row; ++k) {
                    const int8_t v = filter[(size_t)oc * reduction + (size_t)ky * row + k];
                    weights[(((size_t)b * w->kernel_height + ky) * segment + k) * 8 + lane] = v;
                    sum += v;
                }
            m[lane] = rq->multiplier[oc], s[lane] = rq->shift[oc];
            folded[lane] = edge_s16_zero_point_fold(bias[oc], rq->input_zero_point, sum);
        }
        cb[b].bias[0] = vld1q_s32(folded), cb[b].bias[1] = vld1q_s32(folded + 4);
        cb[b].requant[0] = edge_requant_neon_make(m, s), cb[b].requant[1] = edge_requant_neon_make(m + 4, s + 4);
    }
    return bytes;
}

// One reduction entry j (0..7) of the current 8: every pixel's x lane j times the weights of the
// tile's channels.
#define MAC_ENTRY(j)                                                                          \
    do {                                                                                      \
        const int16x8_t k0 = vld1q_s16(wp + 8 * (j));                                         \
        a0l = vmlal_laneq_s16(a0l, vget_low_s16(k0), x0, j), a0h = vmlal_high_laneq_s16(a0h, k0, x0, j); \
        a1l = vmlal_laneq_s16(a1l, vget_low_s16(k0), x1, j), a1h = vmlal_high_laneq_s16(a1h, k0, x1, j); \
        a2l = vmlal_laneq_s16(a2l, vget_low_s16(k0), x2, j), a2h = vmlal_high_laneq_s16(a2h, k0, x2, j); \
        a3l = vmlal_laneq_s16(a3l, vget_low_s16(k0), x3, j), a3h = vmlal_high_laneq_s16(a3h, k0, x3, j); \
        if (blocks > 1) {                                                                     \
            const int16x8_t k1 = vld1q_s16(wp + block_stride + 8 * (j));                      \
            b0l = vmlal_laneq_s16(b0l, vget_low_s16(k1), x0, j), b0h = vmlal_high_laneq_s16(b0h, k1, x0, j); \
            b1l = vmlal_laneq_s16(b1l, vget_low_s16(k1), x1, j), b1h = vmlal_high_laneq_s16(b1h, k1, x1, j); \
            b2l = vmlal_laneq_s16(b2l, vget_low_s16(k1), x2, j), b2h = vmlal_high_laneq_s16(b2h, k1, x2, j); \
            b3l = vmlal_laneq_s16(b3l, vget_low_s16(k1), x3, j), b3h = vmlal_high_laneq_s16(b3h, k1, x3, j); \
        }                                                                                     \
    } while (0)

// Accumulates 4 pixels (tap rows at x[i] + ky * row_stride) against `blocks` (1 or 2) channel
// blocks, requantizes and stores `pixels` outputs of `channels` channels (0 < channels <= 8 * blocks).
__attribute__((always_inline)) static inline void tile(const int16_t *const x[4], int32_t kernel_height,
                                                       size_t row_stride, int32_t segment, const int16_t *weights,
                                                       size_t block_stride, const channel_block *cb, int blocks,
                                                       int32_t pixels, int32_t channels, int16_t *out,
                                                       int32_t out_stride, const edge_output_neon *o) {
    int32x4_t a0l = cb[0].bias[0], a0h = cb[0].bias[1], a1l = a0l, a1h = a0h, a2l = a0l, a2h = a0h, a3l = a0l, a3h = a0h;
    int32x4_t b0l = blocks > 1 ? cb[1].bias[0] : a0l, b0h = blocks > 1 ? cb[1].bias[1] : a0h;
    int32x4_t b1l = b0l, b1h = b0h, b2l = b0l, b2h = b0h, b3l = b0l, b3h = b0h;
    const int16_t *wp = weights;
    for (int32_t ky = 0; ky < kernel_height; ++ky) {
        const int16_t *p0 = x[0] + ky * row_stride, *p1 = x[1] + ky * row_stride;
        const int16_t *p2 = x[2] + ky * row_stride, *p3 = x[3] + ky * row_stride;
        for (int32_t k = 0; k < segment; k += 8, wp += 64) {
            const int16x8_t x0 = vld1q_s16(p0 + k), x1 = vld1q_s16(p1 + k), x2 = vld1q_s16(p2 + k), x3 = vld1q_s16(p3 + k);
            MAC_ENTRY(0); MAC_ENTRY(1); MAC_ENTRY(2); MAC_ENTRY(3);
            MAC_ENTRY(4); MAC_ENTRY(5); MAC_ENTRY(6); MAC_ENTRY(7);
        }
    }
    const int32x4_t acc[4][4] = {{a0l, a0h, b0l, b0h}, {a1l, a1h, b1l, b1h}, {a2l, a2h, b2l, b2h}, {a3l, a3h, b3l, b3h}};
    for (int32_t i = 0; i < pixels; ++i) {
        int16_t *dst = out + (size_t)i * out_stride;
        edge_store_s16x8_neon(dst, edge_output8_s16_neon(acc[i][0], acc[i][1], cb[0].requant, o), channels);
        if (blocks > 1) edge_store_s16x8_neon(dst + 8, edge_output8_s16_neon(acc[i][2], acc[i][3], cb[1].requant, o), channels - 8);
    }
}
#undef MAC_ENTRY

void edge_s16_conv2d_4x8_neon(const edge_window_params *w, const edge_requant_params *rq, const int16_t *input,
                              const int8_t *filter, const int32_t *bias, const void *packed, int32_t row_begin,
                              int32_t row_end, int16_t *output) {
    const conv_header *h = packed;
    if (!h->simd) {
        edge_s16_conv2d_ref(w, rq, input, filter, bias, NULL, row_begin, row_end, output);
        return;
    }
    const int32_t channels = w->output_channels, blocks = h->blocks, ic = w->input_channels;
    const int32_t segment = h->segment, columns = h->columns;
    const size_t copied_stride = (size_t)columns * ic + SLACK;  // SLACK: a segment may read past a row
    const size_t block_stride = (size_t)w->kernel_height * segment * 8;
    const channel_block *cb = (const channel_block *)((const char *)h + sizeof(conv_header));
    const int16_t *weights = (const int16_t *)((const char *)h + weights_offset(blocks));
    const int in_place_columns = w->pad_left == 0 && columns == w->input_width && segment == w->kernel_width * ic;
    const edge_output_neon o = edge_output_neon_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int16_t zero_point = (int16_t)rq->input_zero_point;
    const size_t pixel_step = (size_t)w->stride_width * ic;
    int16_t rows[MAX_ROWS];
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        const int16_t *base = rows;
        size_t row_stride = copied_stride;
        if (in_place_columns && iy0 >= 0 && iy0 + w->kernel_height <= w->input_height) {
            row_stride = (size_t)w->input_width * ic;
            base = input + (size_t)iy0 * row_stride;
        } else {
            edge_s16_zero_point_rows(w, input, iy0, (size_t)ic, zero_point, row_stride, rows);
        }
        int16_t *out_row = output + (size_t)oy * w->output_width * channels;
        for (int32_t ox = 0; ox < w->output_width; ox += 4) {
            const int32_t n = w->output_width - ox < 4 ? w->output_width - ox : 4;
            const int16_t *x[4];
            for (int32_t i = 0; i < 4; ++i) x[i] = base + (size_t)(ox + (i < n ? i : n - 1)) * pixel_step;
            int16_t *out = out_row + (size_t)ox * channels;
            int32_t b = 0;
            for (; b + 2 <= blocks; b += 2)
                tile(x, w->kernel_height, row_stride, segment, weights + b * block_stride, block_stride, cb + b, 2, n,
                     channels - b * 8, out + b * 8, channels, &o);
            if (b < blocks)
                tile(x, w->kernel_height, row_stride, segment, weights + b * block_stride, block_stride, cb + b, 1, n,
                     channels - b * 8, out + b * 8, channels, &o);
        }
    }
}
#endif
