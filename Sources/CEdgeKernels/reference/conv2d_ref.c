// Reference 2-D convolution: one output at a time, straight from the contract in edge_kernels.h.
#include "activation_access.h"

static inline void conv2d(const edge_window_params *w, const edge_requant_params *rq, const void *input,
                          const int8_t *filter, const int32_t *bias, int32_t row_begin, int32_t row_end,
                          void *output, edge_element element) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t in_y0 = oy * w->stride_height - w->pad_top;
            const int32_t in_x0 = ox * w->stride_width - w->pad_left;
            for (int32_t oc = 0; oc < w->output_channels; ++oc) {
                int32_t acc = bias[oc];
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = in_y0 + ky;
                    if (iy < 0 || iy >= w->input_height) continue;  // padding: x - zero_point = 0
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = in_x0 + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        const size_t x = ((size_t)iy * w->input_width + ix) * w->input_channels;
                        const int8_t *k = filter + (((size_t)oc * w->kernel_height + ky) * w->kernel_width + kx) *
                                                       w->input_channels;
                        for (int32_t ic = 0; ic < w->input_channels; ++ic) {
                            acc += (edge_load(input, x + ic, element) - rq->input_zero_point) * (int32_t)k[ic];
                        }
                    }
                }
                const int32_t y = edge_requantize(acc, rq->multiplier[oc], rq->shift[oc]);
                edge_store(output, ((size_t)oy * w->output_width + ox) * w->output_channels + oc, element,
                           (int64_t)y + rq->output_zero_point, rq->activation_min, rq->activation_max);
            }
        }
    }
}

size_t edge_s8_conv2d_pack_ref(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                               const int32_t *bias, void *packed) {
    (void)w, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s8_conv2d_ref(const edge_window_params *w, const edge_requant_params *rq, const int8_t *input,
                        const int8_t *filter, const int32_t *bias, const void *packed, int32_t row_begin,
                        int32_t row_end, int8_t *output) {
    (void)packed;
    conv2d(w, rq, input, filter, bias, row_begin, row_end, output, EDGE_S8);
}

size_t edge_s16_conv2d_pack_ref(const edge_window_params *w, const edge_requant_params *rq, const int8_t *filter,
                                const int32_t *bias, void *packed) {
    (void)w, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s16_conv2d_ref(const edge_window_params *w, const edge_requant_params *rq, const int16_t *input,
                         const int8_t *filter, const int32_t *bias, const void *packed, int32_t row_begin,
                         int32_t row_end, int16_t *output) {
    (void)packed;
    conv2d(w, rq, input, filter, bias, row_begin, row_end, output, EDGE_S16);
}
