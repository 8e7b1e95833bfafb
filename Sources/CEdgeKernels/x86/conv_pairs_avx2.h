// The weight layout both AVX2 convs (int8 and int16 activations) read: int16 weight pairs for
// VPMADDWD against pairs of consecutive activations, and the padded width of their input rows.
#ifndef EDGE_CONV_PAIRS_AVX2_H
#define EDGE_CONV_PAIRS_AVX2_H
#if defined(__x86_64__)

#include <string.h>

#include "requantize_avx2.h"

// Weights re-laid out once per layer: [channel block of 8][pair p][lane][2], where the reduction
// index runs over kernel rows of `segment` entries (kernel_width * input_channels rounded up to
// even; the extra entry has weight 0). Channels past the last one of a block have weight 0.
static inline void edge_conv_pack_pairs_avx2(const edge_window_params *w, const int8_t *filter, int32_t segment,
                                             int16_t *packed) {
    const int32_t channels = w->output_channels, blocks = (channels + 7) / 8, row = w->kernel_width * w->input_channels;
    const int32_t pairs = w->kernel_height * segment / 2, reduction = w->kernel_height * row;
    memset(packed, 0, sizeof(int16_t) * (size_t)blocks * pairs * 16);
    for (int32_t oc = 0; oc < channels; ++oc) {
        int16_t *dst = packed + (size_t)(oc / 8) * pairs * 16 + (oc % 8) * 2;
        const int8_t *src = filter + (size_t)oc * reduction;
        for (int32_t ky = 0; ky < w->kernel_height; ++ky)
            for (int32_t kx = 0; kx < row; ++kx) {
                const int32_t k = ky * segment + kx;  // position in the padded reduction
                dst[(k / 2) * 16 + (k & 1)] = src[ky * row + kx];
            }
    }
}

// Columns of a padded input row: the padded input width, enough for the last window, at least 1.
static inline int32_t edge_conv_padded_columns(const edge_window_params *w) {
    const int32_t last = (w->output_width - 1) * w->stride_width + w->kernel_width;
    return w->pad_left + w->input_width > last ? w->pad_left + w->input_width : last;
}

#endif
#endif  // EDGE_CONV_PAIRS_AVX2_H
