// Optimized kernel variants and the helpers they share. Private to CEdgeKernels.
//
// Every variant computes exactly the integers of the reference (edge_kernels.h): int32 sums are
// exact whatever the order, and each requantization helper reproduces edge_requantize() step by
// step. Variants fall back to the reference for shapes outside the limits below (performance
// cliff, never a wrong result).
#ifndef EDGE_KERNEL_VARIANTS_H
#define EDGE_KERNEL_VARIANTS_H

#include "../include/edge_kernels.h"

// Limits of the stack buffers optimized kernels use instead of allocating (weights live in the
// packed bytes made at load, which have no limit).
enum {
    EDGE_MAX_CHANNELS = 512,    // channels of a depthwise conv
    EDGE_MAX_REDUCTION = 4608,  // kernel_height * kernel_width * input_channels of a NEON conv's patches
};

#if defined(__x86_64__)
size_t edge_s8_conv2d_pack_avx2(const edge_window_params *window, const edge_requant_params *requant,
                                const int8_t *filter, const int32_t *bias, void *packed);
size_t edge_s8_fully_connected_pack_avx2(int32_t input_count, int32_t output_count,
                                         const edge_requant_params *requant, const int8_t *filter,
                                         const int32_t *bias, void *packed);
void edge_s8_conv2d_4x8_avx2(const edge_window_params *window, const edge_requant_params *requant,
                             const int8_t *input, const int8_t *filter, const int32_t *bias,
                             const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_fully_connected_avx2(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                  const int8_t *input, const int8_t *filter, const int32_t *bias,
                                  const void *packed, int8_t *output);
size_t edge_s8_depthwise_conv2d_pack_avx2(const edge_window_params *window, int32_t depth_multiplier,
                                          const edge_requant_params *requant, const int8_t *filter,
                                          const int32_t *bias, void *packed);
void edge_s8_depthwise_conv2d_c8_avx2(const edge_window_params *window, int32_t depth_multiplier,
                                      const edge_requant_params *requant, const int8_t *input,
                                      const int8_t *filter, const int32_t *bias,
                                      const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_max_pool_c32_avx2(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_add_c8_avx2(size_t count, const edge_add_params *params, const int8_t *a, const int8_t *b,
                         int8_t *output);
// Int16 activations on AVX2 (x86/s16_*_avx2.c).
size_t edge_s16_conv2d_pack_avx2(const edge_window_params *window, const edge_requant_params *requant,
                                 const int8_t *filter, const int32_t *bias, void *packed);
void edge_s16_conv2d_4x8_avx2(const edge_window_params *window, const edge_requant_params *requant,
                              const int16_t *input, const int8_t *filter, const int32_t *bias,
                              const void *packed, int32_t row_begin, int32_t row_end, int16_t *output);
size_t edge_s16_depthwise_conv2d_pack_avx2(const edge_window_params *window, int32_t depth_multiplier,
                                           const edge_requant_params *requant, const int8_t *filter,
                                           const int32_t *bias, void *packed);
void edge_s16_depthwise_conv2d_c16_avx2(const edge_window_params *window, int32_t depth_multiplier,
                                        const edge_requant_params *requant, const int16_t *input,
                                        const int8_t *filter, const int32_t *bias, const void *packed,
                                        int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_max_pool_c16_avx2(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                                const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_add_c16_avx2(size_t count, const edge_add_params *params, const int16_t *a, const int16_t *b,
                           int16_t *output);
// Lookup tables and multiply on AVX2 (x86/s*_lookup_*_avx2.c, s*_multiply_c8_avx2.c).
void edge_s8_lookup_c32_avx2(size_t count, const int8_t *table, const int8_t *input, int8_t *output);
void edge_s16_lookup_c8_avx2(size_t count, const int16_t *table, const int16_t *input, int16_t *output);
void edge_s8_multiply_c8_avx2(size_t pixels, size_t channels, const edge_multiply_params *params, const int8_t *a,
                              const int8_t *b, size_t b_pixel_stride, int8_t *output);
void edge_s16_multiply_c8_avx2(size_t pixels, size_t channels, const edge_multiply_params *params, const int16_t *a,
                               const int16_t *b, size_t b_pixel_stride, int16_t *output);
// AVX-512 (x86/*_avx512vnni.c, *_avx512bw.c): also built with EDGE_KERNELS_SIMDE (SIMDe emulation).
size_t edge_s8_conv2d_pack_avx512vnni(const edge_window_params *window, const edge_requant_params *requant,
                                      const int8_t *filter, const int32_t *bias, void *packed);
void edge_s8_conv2d_4x16k4_avx512vnni(const edge_window_params *window, const edge_requant_params *requant,
                                      const int8_t *input, const int8_t *filter, const int32_t *bias,
                                      const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
size_t edge_s8_fully_connected_pack_avx512vnni(int32_t input_count, int32_t output_count,
                                               const edge_requant_params *requant, const int8_t *filter,
                                               const int32_t *bias, void *packed);
void edge_s8_fully_connected_avx512vnni(int32_t input_count, int32_t output_count,
                                        const edge_requant_params *requant, const int8_t *input,
                                        const int8_t *filter, const int32_t *bias, const void *packed,
                                        int8_t *output);
size_t edge_s8_depthwise_conv2d_pack_avx512vnni(const edge_window_params *window, int32_t depth_multiplier,
                                                const edge_requant_params *requant, const int8_t *filter,
                                                const int32_t *bias, void *packed);
void edge_s8_depthwise_conv2d_c64_avx512vnni(const edge_window_params *window, int32_t depth_multiplier,
                                             const edge_requant_params *requant, const int8_t *input,
                                             const int8_t *filter, const int32_t *bias, const void *packed,
                                             int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_max_pool_c64_avx512bw(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                                   const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_add_c16_avx512bw(size_t count, const edge_add_params *params, const int8_t *a, const int8_t *b,
                              int8_t *output);
#endif

#if defined(__aarch64__)
size_t edge_s8_conv2d_pack_4x4k16_neon(const edge_window_params *window, const edge_requant_params *requant,
                                       const int8_t *filter, const int32_t *bias, void *packed);
size_t edge_s8_fully_connected_pack_neon(int32_t input_count, int32_t output_count,
                                         const edge_requant_params *requant, const int8_t *filter,
                                         const int32_t *bias, void *packed);
size_t edge_s8_conv2d_pack_4x8k4_neondot(const edge_window_params *window, const edge_requant_params *requant,
                                         const int8_t *filter, const int32_t *bias, void *packed);
size_t edge_s8_fully_connected_pack_neondot(int32_t input_count, int32_t output_count,
                                            const edge_requant_params *requant, const int8_t *filter,
                                            const int32_t *bias, void *packed);
void edge_s8_conv2d_4x4k16_neon(const edge_window_params *window, const edge_requant_params *requant,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                             const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_fully_connected_neon(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                  const int8_t *input, const int8_t *filter, const int32_t *bias,
                                  const void *packed, int8_t *output);
void edge_s8_conv2d_4x8k4_neondot(const edge_window_params *window, const edge_requant_params *requant,
                                  const int8_t *input, const int8_t *filter, const int32_t *bias,
                             const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_fully_connected_neondot(int32_t input_count, int32_t output_count,
                                     const edge_requant_params *requant, const int8_t *input,
                                     const int8_t *filter, const int32_t *bias,
                                  const void *packed, int8_t *output);
size_t edge_s8_depthwise_conv2d_pack_c8_neon(const edge_window_params *window, int32_t depth_multiplier,
                                             const edge_requant_params *requant, const int8_t *filter,
                                             const int32_t *bias, void *packed);
void edge_s8_depthwise_conv2d_c8_neon(const edge_window_params *window, int32_t depth_multiplier,
                                      const edge_requant_params *requant, const int8_t *input,
                                      const int8_t *filter, const int32_t *bias,
                                      const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);
// Int16 activations on NEON (arm/s16_*_neon.c, baseline, in both NEON tables; the SDOT conv
// arm/s16_conv2d_4x8k4_neondot.c in the neon-dotprod table).
size_t edge_s16_conv2d_pack_neon(const edge_window_params *window, const edge_requant_params *requant,
                                 const int8_t *filter, const int32_t *bias, void *packed);
void edge_s16_conv2d_4x8_neon(const edge_window_params *window, const edge_requant_params *requant,
                              const int16_t *input, const int8_t *filter, const int32_t *bias,
                              const void *packed, int32_t row_begin, int32_t row_end, int16_t *output);
size_t edge_s16_depthwise_conv2d_pack_neon(const edge_window_params *window, int32_t depth_multiplier,
                                           const edge_requant_params *requant, const int8_t *filter,
                                           const int32_t *bias, void *packed);
void edge_s16_depthwise_conv2d_c8_neon(const edge_window_params *window, int32_t depth_multiplier,
                                       const edge_requant_params *requant, const int16_t *input,
                                       const int8_t *filter, const int32_t *bias, const void *packed,
                                       int32_t row_begin, int32_t row_end, int16_t *output);
size_t edge_s16_conv2d_pack_4x8k4_neondot(const edge_window_params *window, const edge_requant_params *requant,
                                          const int8_t *filter, const int32_t *bias, void *packed);
void edge_s16_conv2d_4x8k4_neondot(const edge_window_params *window, const edge_requant_params *requant,
                                   const int16_t *input, const int8_t *filter, const int32_t *bias,
                                   const void *packed, int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_max_pool_c8_neon(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_add_c8_neon(size_t count, const edge_add_params *params, const int16_t *a, const int16_t *b,
                          int16_t *output);
void edge_s8_max_pool_c16_neon(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output);
// Lookup and multiply on baseline NEON (arm/s8_lookup_c16_neon.c, s*_multiply_c8_neon.c).
void edge_s8_lookup_c16_neon(size_t count, const int8_t *table, const int8_t *input, int8_t *output);
void edge_s8_multiply_c8_neon(size_t pixels, size_t channels, const edge_multiply_params *params, const int8_t *a,
                              const int8_t *b, size_t b_pixel_stride, int8_t *output);
void edge_s16_multiply_c8_neon(size_t pixels, size_t channels, const edge_multiply_params *params, const int16_t *a,
                               const int16_t *b, size_t b_pixel_stride, int16_t *output);
void edge_s8_add_c8_neon(size_t count, const edge_add_params *params, const int8_t *a, const int8_t *b,
                         int8_t *output);
#endif

// CPU features, probed once (cpuid + xgetbv on x86, getauxval(AT_HWCAP) on aarch64).
typedef struct {
    int avx2;        // AVX2 and the OS saves YMM state
    int avx512vnni;  // AVX512F/BW/VL/VNNI and the OS saves ZMM state
    int neon;        // Advanced SIMD (always on aarch64)
    int neon_dotprod;  // SDOT/UDOT (HWCAP_ASIMDDP)
} edge_cpu_features;

edge_cpu_features edge_cpu_features_probe(void);

// A conv written as a matrix product: one row of kernel_height * kernel_width * input_channels
// values per output pixel ("patch"), one column per output channel.
// The taps of a window that lie inside the input along one axis: the window starts at input
// coordinate `origin` (negative inside the leading padding) and spans `kernel` taps of an axis of
// `size` entries; taps [*begin, *end) are valid (SIMD kernels skip the padding taps, as the
// reference does).
static inline void edge_valid_taps(int32_t origin, int32_t kernel, int32_t size, int32_t *begin, int32_t *end) {
    *begin = origin < 0 ? -origin : 0;
    *end = origin + kernel > size ? size - origin : kernel;
}

// Columns of a padded input row (convs and depthwise convs that stage rows): the padded input width, enough for the last window, at least 1.
static inline int32_t edge_conv_padded_columns(const edge_window_params *w) {
    const int32_t last = (w->output_width - 1) * w->stride_width + w->kernel_width;
    return w->pad_left + w->input_width > last ? w->pad_left + w->input_width : last;
}

static inline int32_t edge_conv_reduction(const edge_window_params *w) {
    return w->kernel_height * w->kernel_width * w->input_channels;
}

// Writes the patch of output pixel `pixel` (row-major over the output) as raw int8 input values;
// taps in the padding get `pad_value` (the input zero point, so that x - zero_point = 0) and the
// entries from the reduction length up to `padded_length` get 0.
static inline void edge_conv_patch_s8(const edge_window_params *w, int8_t pad_value, const int8_t *input,
                                      int32_t pixel, int8_t *dst, int32_t padded_length) {
    const int32_t oy = pixel / w->output_width, ox = pixel % w->output_width;
    const int32_t iy0 = oy * w->stride_height - w->pad_top, ix0 = ox * w->stride_width - w->pad_left;
    const int32_t ic = w->input_channels, row = w->kernel_width * ic;
    int8_t *out = dst;
    for (int32_t ky = 0; ky < w->kernel_height; ++ky, out += row) {
        const int32_t iy = iy0 + ky;
        if (iy < 0 || iy >= w->input_height) {
            for (int32_t i = 0; i < row; ++i) out[i] = pad_value;
            continue;
        }
        const int8_t *src = input + ((size_t)iy * w->input_width) * ic;
        if (ix0 >= 0 && ix0 + w->kernel_width <= w->input_width) {
            const int8_t *s = src + (size_t)ix0 * ic;
            for (int32_t i = 0; i < row; ++i) out[i] = s[i];
            continue;
        }
        for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
            const int32_t ix = ix0 + kx;
            int8_t *o = out + kx * ic;
            if (ix < 0 || ix >= w->input_width) {
                for (int32_t c = 0; c < ic; ++c) o[c] = pad_value;
            } else {
                const int8_t *s = src + (size_t)ix * ic;
                for (int32_t c = 0; c < ic; ++c) o[c] = s[c];
            }
        }
    }
    for (int32_t i = w->kernel_height * row; i < padded_length; ++i) dst[i] = 0;
}

// A fully connected layer is a 1x1 conv over a 1x1 image with input_count channels.
static inline edge_window_params edge_fully_connected_window(int32_t input_count, int32_t output_count) {
    edge_window_params w = {1, 1, input_count, 1, 1, output_count, 1, 1, 1, 1, 0, 0};
    return w;
}

#endif  // EDGE_KERNEL_VARIANTS_H
