// Reference fully connected layer: one dot product per output.
#include "edge_kernels.h"

size_t edge_s8_fully_connected_pack_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                        const int8_t *filter, const int32_t *bias, void *packed) {
    (void)input_count, (void)output_count, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s8_fully_connected_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                 const int8_t *input, const int8_t *filter, const int32_t *bias,
                                 const void *packed, int8_t *output) {
    (void)packed;
    for (int32_t n = 0; n < output_count; ++n) {
        int32_t acc = bias[n];
        const int8_t *row = filter + (size_t)n * input_count;
        for (int32_t i = 0; i < input_count; ++i) {
            acc += ((int32_t)input[i] - rq->input_zero_point) * (int32_t)row[i];
        }
        const int32_t y = edge_requantize(acc, rq->multiplier[n], rq->shift[n]);
        output[n] =
            edge_output_s8(y, rq->output_zero_point, rq->activation_min, rq->activation_max);
    }
}
