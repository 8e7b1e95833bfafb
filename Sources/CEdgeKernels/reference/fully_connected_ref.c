// Reference fully connected layer: one dot product per output.
#include "activation_access.h"

// bias[n] + sum_i (input[i] - input_zero_point) * filter[n][i], exact in int64 for any length.
static inline int64_t dot(int32_t input_count, int32_t n, int32_t input_zero_point, const void *input,
                          const int8_t *filter, const int32_t *bias, edge_element element) {
    int64_t acc = bias[n];
    const int8_t *row = filter + (size_t)n * input_count;
    for (int32_t i = 0; i < input_count; ++i) {
        acc += (int64_t)(edge_load(input, (size_t)i, element) - input_zero_point) * row[i];
    }
    return acc;
}

// int8: the int64 sum always fits int32 (the contract's bound). int16: it is saturated to int32.
static inline void fully_connected(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                   const void *input, const int8_t *filter, const int32_t *bias, void *output,
                                   edge_element element) {
    for (int32_t n = 0; n < output_count; ++n) {
        const int64_t acc = dot(input_count, n, rq->input_zero_point, input, filter, bias, element);
        const int32_t saturated = (int32_t)(acc > INT32_MAX ? INT32_MAX : acc < INT32_MIN ? INT32_MIN : acc);
        const int32_t y = edge_requantize(saturated, rq->multiplier[n], rq->shift[n]);
        edge_store(output, (size_t)n, element, (int64_t)y + rq->output_zero_point, rq->activation_min,
                   rq->activation_max);
    }
}

size_t edge_s8_fully_connected_pack_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                        const int8_t *filter, const int32_t *bias, void *packed) {
    (void)input_count, (void)output_count, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s8_fully_connected_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                 const int8_t *input, const int8_t *filter, const int32_t *bias,
                                 const void *packed, int8_t *output) {
    (void)packed;
    fully_connected(input_count, output_count, rq, input, filter, bias, output, EDGE_S8);
}

size_t edge_s16_fully_connected_pack_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                         const int8_t *filter, const int32_t *bias, void *packed) {
    (void)input_count, (void)output_count, (void)rq, (void)filter, (void)bias, (void)packed;
    return 0;
}

void edge_s16_fully_connected_ref(int32_t input_count, int32_t output_count, const edge_requant_params *rq,
                                  const int16_t *input, const int8_t *filter, const int32_t *bias,
                                  const void *packed, int16_t *output) {
    (void)packed;
    fully_connected(input_count, output_count, rq, input, filter, bias, output, EDGE_S16);
}

// Float logits of a final fully connected layer: the same int64 dot product, converted to float
// (round to nearest even) then multiplied once in binary32. One scalar implementation for every
// table, so all tables give bit-identical logits.
void edge_s8_fully_connected_logits_ref(int32_t input_count, int32_t output_count, int32_t input_zero_point,
                                        const int8_t *input, const int8_t *filter, const int32_t *bias,
                                        const float *scale, float *logits) {
    for (int32_t n = 0; n < output_count; ++n) {
        logits[n] = (float)dot(input_count, n, input_zero_point, input, filter, bias, EDGE_S8) * scale[n];
    }
}

void edge_s16_fully_connected_logits_ref(int32_t input_count, int32_t output_count, int32_t input_zero_point,
                                         const int16_t *input, const int8_t *filter, const int32_t *bias,
                                         const float *scale, float *logits) {
    for (int32_t n = 0; n < output_count; ++n) {
        logits[n] = (float)dot(input_count, n, input_zero_point, input, filter, bias, EDGE_S16) * scale[n];
    }
}
