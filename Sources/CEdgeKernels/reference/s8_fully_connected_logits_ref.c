// Float logits of a final fully connected layer straight from its int32 accumulators. The one
// implementation for every kernel table, so all tables give bit-identical logits.
#include "edge_kernels.h"

void edge_s8_fully_connected_logits_ref(int32_t input_count, int32_t output_count, int32_t input_zero_point,
                                        const int8_t *input, const int8_t *filter, const int32_t *bias,
                                        const float *scale, float *logits) {
    for (int32_t n = 0; n < output_count; ++n) {
        int32_t acc = bias[n];
        const int8_t *row = filter + (size_t)n * input_count;
        for (int32_t i = 0; i < input_count; ++i) {
            acc += ((int32_t)input[i] - input_zero_point) * (int32_t)row[i];
        }
        logits[n] = (float)acc * scale[n];
    }
}
