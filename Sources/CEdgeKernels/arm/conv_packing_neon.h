// The bytes both NEON convs (4x4k16 SMULL/SADALP and 4x8k4 SDOT) pack once per layer: a 64-byte
// header, one channel block per 4 output channels (bias with the input zero point folded in,
// requantization constants), then the weights, zero-padded to `padded` per channel, in the order
// the kernel's tile reads them.
#ifndef EDGE_CONV_PACKING_NEON_H
#define EDGE_CONV_PACKING_NEON_H

#include <string.h>

#include "requantize_neon.h"

typedef struct {
    int32x4_t bias;  // bias - input_zero_point * sum(w), per channel; 0 past the last channel
    edge_requant_neon requant;
} edge_conv_channel_block_neon;

typedef struct {
    int32_t simd;  // 0: the reduction is beyond the patch buffers, run the reference
    int32_t blocks, padded;
    int32_t reserved[13];  // 64 bytes
} edge_conv_header_neon;

// Where the weights start after the header and `blocks` channel blocks.
static inline size_t edge_conv_weights_offset_neon(int32_t blocks) {
    return sizeof(edge_conv_header_neon) + sizeof(edge_conv_channel_block_neon) * (size_t)blocks;
}

// Weight order within a block of 4 channels of `padded` entries each: channel-major rows
// ([channel][k], SMULL on 8 consecutive entries) or SDOT-by-element groups ([k / 4][channel][4]).
typedef enum { EDGE_CONV_NEON_ROWS, EDGE_CONV_NEON_DOT4 } edge_conv_layout_neon;

// The pack step of both kernels: returns the byte count (`prepared` NULL) or writes the bytes.
// The reduction is padded to a multiple of `multiple` (8 for SMULL, 4 for SDOT); beyond
// EDGE_MAX_REDUCTION only the header is written and the kernel runs the reference.
static inline size_t edge_conv_pack_neon(const edge_window_params *w, const edge_requant_params *rq,
                                         const int8_t *filter, const int32_t *bias, int32_t multiple,
                                         edge_conv_layout_neon layout, void *prepared) {
    const int32_t reduction = edge_conv_reduction(w);
    const int32_t padded = (reduction + multiple - 1) / multiple * multiple;
    const int32_t channels = w->output_channels, blocks = (channels + 3) / 4;
    const int simd = padded <= EDGE_MAX_REDUCTION;
    const size_t bytes = simd ? edge_conv_weights_offset_neon(blocks) + (size_t)blocks * 4 * padded
                              : sizeof(edge_conv_header_neon);
    if (prepared == NULL) return bytes;
    edge_conv_header_neon *h = prepared;
    memset(h, 0, sizeof *h);
    h->simd = simd, h->blocks = blocks, h->padded = padded;
    if (!simd) return bytes;
    edge_conv_channel_block_neon *cb = (edge_conv_channel_block_neon *)((char *)prepared + sizeof *h);
    int8_t *packed = (int8_t *)prepared + edge_conv_weights_offset_neon(blocks);
    for (int32_t b = 0; b < blocks; ++b) {
        int8_t *block = packed + (size_t)b * 4 * padded;
        int32_t m[4], s[4], bi[4];
        for (int32_t lane = 0; lane < 4; ++lane) {
            const int32_t oc = b * 4 + lane;
            int32_t sum = 0;
            for (int32_t k = 0; k < padded; ++k) {
                const int8_t v = (oc < channels && k < reduction) ? filter[(size_t)oc * reduction + k] : 0;
                block[layout == EDGE_CONV_NEON_ROWS ? (size_t)lane * padded + k
                                                    : (size_t)(k / 4) * 16 + lane * 4 + k % 4] = v;
                sum += v;
            }
            m[lane] = oc < channels ? rq->multiplier[oc] : 0;
            s[lane] = oc < channels ? rq->shift[oc] : 0;
            bi[lane] = oc < channels ? bias[oc] - rq->input_zero_point * sum : 0;
        }
        cb[b].bias = vld1q_s32(bi);
        cb[b].requant = edge_requant_neon_make(m, s);
    }
    return bytes;
}

#endif
