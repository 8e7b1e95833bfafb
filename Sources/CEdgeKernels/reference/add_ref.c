// Reference elementwise add of two differently quantized tensors (see edge_add_params).
#include "activation_access.h"

static inline void add(size_t count, const edge_add_params *p, const void *a, const void *b, void *output,
                       edge_element element) {
    for (size_t i = 0; i < count; ++i) {
        const int32_t a_shifted = (edge_load(a, i, element) - p->a_zero_point) * (1 << p->left_shift);
        const int32_t b_shifted = (edge_load(b, i, element) - p->b_zero_point) * (1 << p->left_shift);
        const int32_t a_scaled = edge_requantize(a_shifted, p->a_multiplier, p->a_shift);
        const int32_t b_scaled = edge_requantize(b_shifted, p->b_multiplier, p->b_shift);
        const int32_t y = edge_requantize(a_scaled + b_scaled, p->output_multiplier, p->output_shift);
        edge_store(output, i, element, (int64_t)y + p->output_zero_point, p->activation_min, p->activation_max);
    }
}

void edge_s8_add_ref(size_t count, const edge_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    add(count, p, a, b, output, EDGE_S8);
}

void edge_s16_add_ref(size_t count, const edge_add_params *p, const int16_t *a, const int16_t *b, int16_t *output) {
    add(count, p, a, b, output, EDGE_S16);
}
