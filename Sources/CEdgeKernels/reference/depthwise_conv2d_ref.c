// Reference depthwise convolution: output channel c * depth_multiplier + m reads input channel c.
#include "activation_access.h"

static inline void depthwise_conv2d(const edge_window_params *w, int32_t depth_multiplier,
                                    const edge_requant_params *rq, const void *input, const int8_t *filter,
                                    const int32_t *bias, int32_t row_begin, int32_t row_end, void *output,
                                    edge_element element) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t in_y0 = oy * w->stride_height - w->pad_top;
            const int32_t in_x0 = ox * w->stride_width - w->pad_left;
            for (int32_t oc = 0; oc < w->output_channels; ++oc) {
                const int32_t ic = oc / depth_multiplier;
                int32_t acc = bias[oc];
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = in_y0 + ky;
                    if (iy < 0 || iy >= w->input_height) continue;
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = in_x0 + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        const int32_t x = edge_load(input, ((size_t)iy * w->input_width + ix) * w->input_channels + ic, element);
                        const int32_t k = filter[((size_t)ky * w->kernel_width + kx) * w->output_channels + oc];
                        acc += (x - rq->input_zero_point) * k;
                    }
                }
                const int32_t y = edge_requantize(acc, rq->multiplier[oc], rq->shift[oc]);
                edge_store(output, ((size_t)oy * w->output_width + ox) * w->output_channels + oc, element,
                           (int64_t)y + rq->output_zero_point, rq->activation_min, rq->activation_max);
            }
        }
    }
}

size_t edge_s8_depthwise_conv2d_pack_ref(const edge_window_params *w, int32_t depth_multiplier,
                                         const edge_requant_params *rq, const int8_t *filter, const int32_t *bias,
                                         void *packed) {
    (void)w, (void)depth_multiplier, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s8_depthwise_conv2d_ref(const edge_window_params *w, int32_t depth_multiplier,
                                  const edge_requant_params *rq, const int8_t *input, const int8_t *filter,
                                  const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                  int8_t *output) {
    (void)packed;
    depthwise_conv2d(w, depth_multiplier, rq, input, filter, bias, row_begin, row_end, output, EDGE_S8);
}

size_t edge_s16_depthwise_conv2d_pack_ref(const edge_window_params *w, int32_t depth_multiplier,
                                          const edge_requant_params *rq, const int8_t *filter, const int32_t *bias,
                                          void *packed) {
    (void)w, (void)depth_multiplier, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s16_depthwise_conv2d_ref(const edge_window_params *w, int32_t depth_multiplier,
                                   const edge_requant_params *rq, const int16_t *input, const int8_t *filter,
                                   const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                   int16_t *output) {
    (void)packed;
    depthwise_conv2d(w, depth_multiplier, rq, input, filter, bias, row_begin, row_end, output, EDGE_S16);
}
