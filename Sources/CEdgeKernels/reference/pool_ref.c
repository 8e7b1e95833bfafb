// Reference max and average pools. Both keep the input's scale and zero point, so they work on the
// raw values: max commutes with the affine map, and the mean of q is zero_point + mean(real)/scale.
#include "activation_access.h"

static inline void max_pool(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                            const void *input, int32_t row_begin, int32_t row_end, void *output,
                            edge_element element) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            for (int32_t c = 0; c < w->output_channels; ++c) {
                int32_t best = INT32_MIN;  // a window always holds at least one valid tap
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = oy * w->stride_height - w->pad_top + ky;
                    if (iy < 0 || iy >= w->input_height) continue;
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = ox * w->stride_width - w->pad_left + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        const int32_t x = edge_load(input, ((size_t)iy * w->input_width + ix) * w->input_channels + c, element);
                        if (x > best) best = x;
                    }
                }
                edge_store(output, ((size_t)oy * w->output_width + ox) * w->output_channels + c, element, best,
                           activation_min, activation_max);
            }
        }
    }
}

// sum / count rounded half away from zero (exact in int64 for any window).
static int64_t rounded_mean(int64_t sum, int64_t count) {
    return sum >= 0 ? (sum + count / 2) / count : -((-sum + count / 2) / count);
}

static inline void average_pool(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                                const void *input, int32_t row_begin, int32_t row_end, void *output,
                                edge_element element) {
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            for (int32_t c = 0; c < w->output_channels; ++c) {
                int64_t sum = 0, count = 0;
                for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
                    const int32_t iy = oy * w->stride_height - w->pad_top + ky;
                    if (iy < 0 || iy >= w->input_height) continue;
                    for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
                        const int32_t ix = ox * w->stride_width - w->pad_left + kx;
                        if (ix < 0 || ix >= w->input_width) continue;
                        sum += edge_load(input, ((size_t)iy * w->input_width + ix) * w->input_channels + c, element);
                        ++count;
                    }
                }
                edge_store(output, ((size_t)oy * w->output_width + ox) * w->output_channels + c, element,
                           count > 0 ? rounded_mean(sum, count) : 0, activation_min, activation_max);
            }
        }
    }
}

void edge_s8_max_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                          const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output) {
    max_pool(w, activation_min, activation_max, input, row_begin, row_end, output, EDGE_S8);
}

void edge_s8_average_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                              const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output) {
    average_pool(w, activation_min, activation_max, input, row_begin, row_end, output, EDGE_S8);
}

void edge_s16_max_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                           const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    max_pool(w, activation_min, activation_max, input, row_begin, row_end, output, EDGE_S16);
}

void edge_s16_average_pool_ref(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                               const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    average_pool(w, activation_min, activation_max, input, row_begin, row_end, output, EDGE_S16);
}
