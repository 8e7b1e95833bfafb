// Reference elementwise add of two differently quantized tensors (see edge_add_params).
#include "edge_kernels.h"

void edge_s8_add_ref(size_t count, const edge_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    for (size_t i = 0; i < count; ++i) {
        const int32_t a_shifted = ((int32_t)a[i] - p->a_zero_point) * (1 << p->left_shift);
        const int32_t b_shifted = ((int32_t)b[i] - p->b_zero_point) * (1 << p->left_shift);
        const int32_t a_scaled = edge_requantize(a_shifted, p->a_multiplier, p->a_shift);
        const int32_t b_scaled = edge_requantize(b_shifted, p->b_multiplier, p->b_shift);
        const int32_t y = edge_requantize(a_scaled + b_scaled, p->output_multiplier, p->output_shift);
        output[i] = edge_output_s8(y, p->output_zero_point, p->activation_min, p->activation_max);
    }
}
