// Reference elementwise multiply of two differently quantized tensors (see edge_multiply_params).
#include "activation_access.h"

static inline void multiply(size_t pixels, size_t channels, const edge_multiply_params *p, const void *a,
                            const void *b, size_t b_pixel_stride, void *output, edge_element element) {
    for (size_t pixel = 0; pixel < pixels; ++pixel) {
        for (size_t c = 0; c < channels; ++c) {
            const int32_t x = edge_load(a, pixel * channels + c, element) - p->a_zero_point;
            const int32_t y = edge_load(b, pixel * b_pixel_stride + c, element) - p->b_zero_point;
            const int32_t r = edge_requantize(x * y, p->output_multiplier, p->output_shift);
            edge_store(output, pixel * channels + c, element, (int64_t)r + p->output_zero_point, p->activation_min,
                       p->activation_max);
        }
    }
}

void edge_s8_multiply_ref(size_t pixels, size_t channels, const edge_multiply_params *p, const int8_t *a,
                          const int8_t *b, size_t b_pixel_stride, int8_t *output) {
    multiply(pixels, channels, p, a, b, b_pixel_stride, output, EDGE_S8);
}

void edge_s16_multiply_ref(size_t pixels, size_t channels, const edge_multiply_params *p, const int16_t *a,
                           const int16_t *b, size_t b_pixel_stride, int16_t *output) {
    multiply(pixels, channels, p, a, b, b_pixel_stride, output, EDGE_S16);
}
