// Reference max and average pools. Both keep the input's scale and zero point, so they work on the
// raw int8 values: max commutes with the affine map, and the mean of q is zero_point + mean(real)/scale.
#include "edge_kernels.h"

void edge_s8_max_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                          const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            for (int32_t c = 0; c < w->output_channels; ++c) {
                int32_t best = -128;  // a window always holds at least one valid tap
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = oy * w->stride_height - w->pad_top + ky;
                    if (iy < 0 || iy >= w->input_height) continue;
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = ox * w->stride_width - w->pad_left + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        const int32_t x = input[((size_t)iy * w->input_width + ix) * w->input_channels + c];
                        if (x > best) best = x;
                    }
                }
                output[((size_t)oy * w->output_width + ox) * w->output_channels + c] =
                    edge_clamp_s8(best, activation_min, activation_max);
            }
        }
    }
}

// sum / count rounded half away from zero. |sum| < 128 * 2^23 for windows up to 2^23 taps.
static int32_t rounded_mean(int32_t sum, int32_t count) {
    return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}

void edge_s8_average_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                              const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            for (int32_t c = 0; c < w->output_channels; ++c) {
                int32_t sum = 0, count = 0;
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = oy * w->stride_height - w->pad_top + ky;
                    if (iy < 0 || iy >= w->input_height) continue;
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = ox * w->stride_width - w->pad_left + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        sum += input[((size_t)iy * w->input_width + ix) * w->input_channels + c];
                        ++count;
                    }
                }
                const int32_t mean = count > 0 ? rounded_mean(sum, count) : 0;
                output[((size_t)oy * w->output_width + ox) * w->output_channels + c] =
                    edge_clamp_s8(mean, activation_min, activation_max);
            }
        }
    }
}
