// Int8 inference kernels: the numeric contract shared by every variant.
//
// The scalar reference kernels (`*_ref`, in reference/) define what is right. Every optimized
// variant (NEON, NEON dot-product, AVX2, AVX-512 VNNI) must produce bit-identical output for every
// input the contract allows; tests compare them on random shapes.
//
// Conventions
// - Batch 1, activations HWC (channels fastest), int8 asymmetric: real = scale * (q - zero_point).
// - Weights int8 symmetric per output channel (zero point 0) and restricted to [-127, 127]
//   (the quantizer never emits -128), so SIMD code may use tricks that need |w| <= 127.
// - Bias int32 with scale input_scale * weight_scale[c], zero point 0.
// - Accumulation: acc = bias[c] + sum((x - input_zero_point) * w) in int32. Each term is at most
//   255 * 127 = 32385 in magnitude, so a sum of up to 66,000 terms plus a bias below 2^30 cannot
//   overflow int32; the largest reduction in supported models is far below that (3x3x512 = 4608).
//   Optimized kernels may compute sum(x * w) - input_zero_point * sum(w) instead: it is the same
//   integer.
// - Requantization ("double rounding", recorded in the model file as rounding mode
//   `sqrdmulh-rshift-half-up`): see edge_requantize() below; it is what NEON's
//   SQRDMULH + SRSHL compute.
// - Output: clamp(requantized + output_zero_point, activation_min, activation_max); fused ReLU and
//   ReLU6 are expressed only through activation_min/max in the quantized domain.
#ifndef EDGE_KERNELS_H
#define EDGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Rounding doubling high multiply: (a * b + 2^30) >> 31, saturating the single overflow case
// (INT32_MIN * INT32_MIN) to INT32_MAX. Same as NEON SQRDMULH.
static inline int32_t edge_sqrdmulh(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    int64_t product = (int64_t)a * (int64_t)b;
    return (int32_t)((product + ((int64_t)1 << 30)) >> 31);
}

// Arithmetic right shift by `shift` in [0, 31] rounding halves toward +infinity:
// (x + 2^(shift-1)) >> shift computed without overflow. Same as NEON SRSHL by -shift.
static inline int32_t edge_rounding_shift_right(int32_t x, int32_t shift) {
    if (shift <= 0) return x;
    return (int32_t)(((int64_t)x + ((int64_t)1 << (shift - 1))) >> shift);
}

// Scales an int32 accumulator by multiplier * 2^-31 * 2^-shift, multiplier in [2^30, 2^31)
// (or 0), shift in [-31, 31]. A negative shift is a left shift applied first, saturating to int32.
// result = rounding_shift_right(sqrdmulh(saturate(acc << max(-shift, 0)), multiplier), max(shift, 0))
static inline int32_t edge_requantize(int32_t acc, int32_t multiplier, int32_t shift) {
    if (shift < 0) {
        int64_t shifted = (int64_t)acc * ((int64_t)1 << (-shift));
        acc = shifted > INT32_MAX ? INT32_MAX : shifted < INT32_MIN ? INT32_MIN : (int32_t)shifted;
    }
    return edge_rounding_shift_right(edge_sqrdmulh(acc, multiplier), shift > 0 ? shift : 0);
}

static inline int8_t edge_clamp_s8(int32_t x, int32_t lo, int32_t hi) {
    return (int8_t)(x < lo ? lo : x > hi ? hi : x);
}

// The output step of every requantizing kernel: clamp(requantized + zero_point, lo, hi), the sum
// formed in 64 bits because a saturated requantization (negative shift) plus a zero point can leave
// int32. Equal to clamp(requantized, lo - zero_point, hi - zero_point) + zero_point, which is how
// SIMD variants compute it.
static inline int8_t edge_output_s8(int32_t requantized, int32_t zero_point, int32_t lo, int32_t hi) {
    const int64_t y = (int64_t)requantized + zero_point;
    return (int8_t)(y < lo ? lo : y > hi ? hi : y);
}

// Output quantization shared by conv, depthwise and fully connected kernels.
typedef struct {
    int32_t input_zero_point;   // [-128, 127]
    int32_t output_zero_point;  // [-128, 127]
    int32_t activation_min;     // [-128, activation_max]
    int32_t activation_max;     // [activation_min, 127]
    const int32_t *multiplier;  // one per output channel, [2^30, 2^31) or 0
    const int32_t *shift;       // one per output channel, [-31, 31]
} edge_requant_params;

// Window geometry of a conv, depthwise conv or pool. Taps outside the input are padding: they
// contribute nothing to convolutions (they hold the input zero point, i.e. real 0), never win a
// max-pool and are not counted by an average pool.
typedef struct {
    int32_t input_height, input_width, input_channels;
    int32_t output_height, output_width, output_channels;
    int32_t kernel_height, kernel_width;
    int32_t stride_height, stride_width;
    int32_t pad_top, pad_left;  // bottom/right padding follows from the output size
} edge_window_params;

// Calling convention of the weighted ops (conv, depthwise conv, fully connected): PACK ONCE, RUN MANY.
// - pack(..., packed): called once per layer when a model is loaded, never during an inference.
//   With packed == NULL it only returns the number of bytes this table needs for the layer (0 is
//   allowed: the table then reads filter and bias directly and run may receive packed == NULL).
//   Otherwise it writes exactly that many bytes to `packed` (caller-owned, 64-byte aligned,
//   unchanged and alive while the layer runs) and returns the count. The bytes depend on every
//   argument of pack (the window's shape, padding and strides, the requantization including zero
//   points and clamps, filter, bias) and on nothing else; they are specific to the table whose pack
//   wrote them.
// - run(..., packed, ...): the same window/requant/filter/bias as given to pack, plus those bytes.
//   It allocates nothing, takes no lock and logs nothing; it uses at most 128 kB of stack (run it
//   on threads with 256 kB or more).
// Row ranges (intra-op threads): conv, depthwise conv and the pools write only output rows
// [row_begin, row_end), 0 <= row_begin <= row_end <= output_height, at their usual place in
// `output` (the whole tensor) and write nothing else (no shared scratch). Calls on disjoint row ranges of
// one layer may therefore run concurrently on different threads, and any split of
// [0, output_height) gives the bytes of one whole call. Add is elementwise: the caller splits its
// count (a sub-range is the same op on offset pointers).

// 2-D convolution. filter: OHWI [output_channels][kernel_height][kernel_width][input_channels];
// bias: [output_channels] (never NULL).
typedef size_t (*edge_conv2d_s8_pack_fn)(const edge_window_params *window, const edge_requant_params *requant,
                                         const int8_t *filter, const int32_t *bias, void *packed);
typedef void (*edge_conv2d_s8_fn)(const edge_window_params *window, const edge_requant_params *requant,
                                  const int8_t *input, const int8_t *filter, const int32_t *bias,
                                  const void *packed, int32_t row_begin, int32_t row_end, int8_t *output);

// Depthwise convolution, output_channels = input_channels * depth_multiplier; output channel
// c * depth_multiplier + m reads input channel c. filter: [kernel_height][kernel_width][output_channels].
typedef size_t (*edge_depthwise_conv2d_s8_pack_fn)(const edge_window_params *window, int32_t depth_multiplier,
                                                   const edge_requant_params *requant, const int8_t *filter,
                                                   const int32_t *bias, void *packed);
typedef void (*edge_depthwise_conv2d_s8_fn)(const edge_window_params *window, int32_t depth_multiplier,
                                            const edge_requant_params *requant, const int8_t *input,
                                            const int8_t *filter, const int32_t *bias, const void *packed,
                                            int32_t row_begin, int32_t row_end, int8_t *output);

// Fully connected: output[n] over input[0..input_count). filter: [output_count][input_count].
// Always one call (no row range: it is a single output pixel).
typedef size_t (*edge_fully_connected_s8_pack_fn)(int32_t input_count, int32_t output_count,
                                                  const edge_requant_params *requant, const int8_t *filter,
                                                  const int32_t *bias, void *packed);
typedef void (*edge_fully_connected_s8_fn)(int32_t input_count, int32_t output_count,
                                           const edge_requant_params *requant, const int8_t *input,
                                           const int8_t *filter, const int32_t *bias, const void *packed,
                                           int8_t *output);

// Max pool: output has the input's scale and zero point; result clamped to [activation_min, activation_max].
typedef void (*edge_max_pool_s8_fn)(const edge_window_params *window, int32_t activation_min,
                                    int32_t activation_max, const int8_t *input, int32_t row_begin,
                                    int32_t row_end, int8_t *output);

// Average pool over valid taps only: output has the input's scale and zero point;
// value = sum / count rounded half away from zero, then clamped. A global average pool is an
// average pool whose window is the whole input.
typedef void (*edge_average_pool_s8_fn)(const edge_window_params *window, int32_t activation_min,
                                        int32_t activation_max, const int8_t *input, int32_t row_begin,
                                        int32_t row_end, int8_t *output);

// Elementwise add of two int8 tensors with their own quantization (TFLite's scheme):
//   a' = requantize((a - a_zero_point) << left_shift, a_multiplier, a_shift)   (likewise b')
//   out = clamp(requantize(a' + b', output_multiplier, output_shift) + output_zero_point, min, max)
// left_shift is 20 in models the quantizer writes; with |a - zp| <= 255 that is below 2^28.
// a_shift and b_shift are >= 0 (input multipliers below 1, as TFLite makes them), so |a' + b'| < 2^31.
typedef struct {
    int32_t left_shift;
    int32_t a_zero_point, a_multiplier, a_shift;
    int32_t b_zero_point, b_multiplier, b_shift;
    int32_t output_zero_point, output_multiplier, output_shift;
    int32_t activation_min, activation_max;
} edge_add_params;

typedef void (*edge_add_s8_fn)(size_t count, const edge_add_params *params, const int8_t *a, const int8_t *b,
                               int8_t *output);

// Elementwise function as a table on codes (hard swish, hard sigmoid, sigmoid: the converter
// tabulates the real function between the input's and the output's quantization):
// - int8: output[i] = table[input[i] + 128], table of 256 int8 entries.
// - int16: a table of 513 int16 entries sampled every 128 codes, linearly interpolated:
//   u = input[i] + 32768, k = u >> 7, f = u & 127,
//   output[i] = table[k] + (((table[k + 1] - table[k]) * f + 64) >> 7)   (int32, >> arithmetic)
//   which lies between table[k] and table[k + 1], so inside int16 without a clamp.
// Elementwise (the caller splits the count like add's).
typedef void (*edge_lookup_s8_fn)(size_t count, const int8_t *table, const int8_t *input, int8_t *output);
typedef void (*edge_lookup_s16_fn)(size_t count, const int16_t *table, const int16_t *input, int16_t *output);

// Elementwise product of two tensors with their own quantization:
//   out = clamp(requantize((a - a_zero_point) * (b - b_zero_point), output_multiplier, output_shift)
//               + output_zero_point, activation_min, activation_max)
// over `pixels` x `channels` elements of a (HWC); b advances `b_pixel_stride` elements per pixel:
// `channels` when it has a's shape, 0 when it is one 1x1xC vector for every pixel (a
// squeeze-and-excitation gate). The product is exact in int32: |a - zp|, |b - zp| <= 255 (int8) or
// <= 2^15 (int16), so it is at most 2^30. The caller splits the pixels (offset pointers).
typedef struct {
    int32_t a_zero_point, b_zero_point;
    int32_t output_zero_point, output_multiplier, output_shift;
    int32_t activation_min, activation_max;
} edge_multiply_params;

typedef void (*edge_multiply_s8_fn)(size_t pixels, size_t channels, const edge_multiply_params *params,
                                    const int8_t *a, const int8_t *b, size_t b_pixel_stride, int8_t *output);
typedef void (*edge_multiply_s16_fn)(size_t pixels, size_t channels, const edge_multiply_params *params,
                                     const int16_t *a, const int16_t *b, size_t b_pixel_stride, int16_t *output);

// Int16 activations ("a16w8" models, the `_s16` ops). Same ops, same arguments, same arithmetic as
// the int8 ones above, with int16 tensors:
// - Activations int16, real = scale * (q - zero_point). Every stored value x of an input satisfies
//   |x - input_zero_point| <= B for the input's bound B <= 32768 (the quantizer's int16 tensors
//   are symmetric, zero point 0; a model input holding pixel - 128 has zero point -128, B = 255).
//   B is what the op writing the input guarantees through its own clamp: activation_min/max of a
//   conv, depthwise conv, fully connected or add, min(its input's B, its clamp) for a pool.
// - Weights int8 in [-127, 127] and int32 bias as above. Each product is at most B * 127 <=
//   32768 * 127 = 4,161,536 < 2^22 in magnitude. Conv and depthwise conv accumulate in int32: a
//   model is valid only if kernel_height * kernel_width * input_channels (depthwise: the window)
//   times B * 127 plus the largest |bias| stays below 2^31 (ModelValidation checks it with each
//   input's B), so no partial sum in any order overflows. With full codes (B = 32768) that is at
//   most 515 taps; the quantizer narrows B for tensors read by wider convs (3x3 over 64 channels:
//   B = 29,000 or so) by clamping their writer at +-B. Fully connected sums any length exactly in
//   int64 and saturates to int32 before requantizing.
// - Requantization as above (edge_requantize); activation_min/max lie in [-32768, 32767].
// - Add: left_shift is 15 (|x - zero_point| <= 2^15, so each shifted input is at most 2^30).
// - Pools: as above, on int16 values.
typedef void (*edge_conv2d_s16_fn)(const edge_window_params *window, const edge_requant_params *requant,
                                   const int16_t *input, const int8_t *filter, const int32_t *bias,
                                   const void *packed, int32_t row_begin, int32_t row_end, int16_t *output);
typedef void (*edge_depthwise_conv2d_s16_fn)(const edge_window_params *window, int32_t depth_multiplier,
                                             const edge_requant_params *requant, const int16_t *input,
                                             const int8_t *filter, const int32_t *bias, const void *packed,
                                             int32_t row_begin, int32_t row_end, int16_t *output);
typedef void (*edge_fully_connected_s16_fn)(int32_t input_count, int32_t output_count,
                                            const edge_requant_params *requant, const int16_t *input,
                                            const int8_t *filter, const int32_t *bias, const void *packed,
                                            int16_t *output);
typedef void (*edge_pool_s16_fn)(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                                 const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output);
typedef void (*edge_add_s16_fn)(size_t count, const edge_add_params *params, const int16_t *a, const int16_t *b,
                                int16_t *output);

// One implementation of every op. Chosen once at start-up (edge_kernels_select) and then only read.
typedef struct {
    const char *name;  // "reference", "avx2", "avx512vnni", "neon", "neon-dotprod"
    edge_conv2d_s8_pack_fn conv2d_pack;
    edge_conv2d_s8_fn conv2d;
    edge_depthwise_conv2d_s8_pack_fn depthwise_conv2d_pack;
    edge_depthwise_conv2d_s8_fn depthwise_conv2d;
    edge_fully_connected_s8_pack_fn fully_connected_pack;
    edge_fully_connected_s8_fn fully_connected;
    edge_max_pool_s8_fn max_pool;
    edge_average_pool_s8_fn average_pool;
    edge_add_s8_fn add;
    // Int16 activations (the pack functions have the int8 ops' signatures: weights and bias are the same types).
    edge_conv2d_s8_pack_fn conv2d_s16_pack;
    edge_conv2d_s16_fn conv2d_s16;
    edge_depthwise_conv2d_s8_pack_fn depthwise_conv2d_s16_pack;
    edge_depthwise_conv2d_s16_fn depthwise_conv2d_s16;
    edge_fully_connected_s8_pack_fn fully_connected_s16_pack;
    edge_fully_connected_s16_fn fully_connected_s16;
    edge_pool_s16_fn max_pool_s16;
    edge_pool_s16_fn average_pool_s16;
    edge_add_s16_fn add_s16;
    // Lookup tables and multiply (both element types).
    edge_lookup_s8_fn lookup;
    edge_lookup_s16_fn lookup_s16;
    edge_multiply_s8_fn multiply;
    edge_multiply_s16_fn multiply_s16;
} edge_kernel_table;

// The scalar reference table.
const edge_kernel_table *edge_kernels_reference(void);

// The fastest table this CPU supports (name NULL or ""), or the one named `name` ("reference",
// "avx2", "avx512vnni", "neon", "neon-dotprod"); NULL when the named variant is unknown or this CPU cannot run
// it. Thread-safe, no allocation: call it once at start-up and keep the pointer.
const edge_kernel_table *edge_kernels_select(const char *name);

// Every table this CPU can run, fastest first, the reference last. Writes up to `capacity` of them
// to `tables` and returns how many there are (at most 4).
size_t edge_kernels_supported(const edge_kernel_table **tables, size_t capacity);

// Reference kernels: the definition of right. They need no packed bytes: the pack functions
// return 0 and the run functions ignore `packed` (NULL is fine).
size_t edge_s8_conv2d_pack_ref(const edge_window_params *window, const edge_requant_params *requant,
                               const int8_t *filter, const int32_t *bias, void *packed);
void edge_s8_conv2d_ref(const edge_window_params *window, const edge_requant_params *requant,
                        const int8_t *input, const int8_t *filter, const int32_t *bias, const void *packed,
                        int32_t row_begin, int32_t row_end, int8_t *output);
size_t edge_s8_depthwise_conv2d_pack_ref(const edge_window_params *window, int32_t depth_multiplier,
                                         const edge_requant_params *requant, const int8_t *filter,
                                         const int32_t *bias, void *packed);
void edge_s8_depthwise_conv2d_ref(const edge_window_params *window, int32_t depth_multiplier,
                                  const edge_requant_params *requant, const int8_t *input, const int8_t *filter,
                                  const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                  int8_t *output);
size_t edge_s8_fully_connected_pack_ref(int32_t input_count, int32_t output_count,
                                        const edge_requant_params *requant, const int8_t *filter,
                                        const int32_t *bias, void *packed);
void edge_s8_fully_connected_ref(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                 const int8_t *input, const int8_t *filter, const int32_t *bias,
                                 const void *packed, int8_t *output);
// Float logits of a final fully connected layer: logits[n] = (float)acc[n] * scale[n], with
// acc[n] = bias[n] + sum_i (input[i] - input_zero_point) * filter[n][i] exact in int64, converted to
// float (round to nearest even) then multiplied once in binary32. Not in the table: every table uses
// these scalar functions, so logits are bit-identical whichever table is selected.
void edge_s8_fully_connected_logits_ref(int32_t input_count, int32_t output_count, int32_t input_zero_point,
                                        const int8_t *input, const int8_t *filter, const int32_t *bias,
                                        const float *scale, float *logits);
void edge_s16_fully_connected_logits_ref(int32_t input_count, int32_t output_count, int32_t input_zero_point,
                                         const int16_t *input, const int8_t *filter, const int32_t *bias,
                                         const float *scale, float *logits);
void edge_s8_max_pool_ref(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                          const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_average_pool_ref(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                              const int8_t *input, int32_t row_begin, int32_t row_end, int8_t *output);
void edge_s8_add_ref(size_t count, const edge_add_params *params, const int8_t *a, const int8_t *b, int8_t *output);

size_t edge_s16_conv2d_pack_ref(const edge_window_params *window, const edge_requant_params *requant,
                                const int8_t *filter, const int32_t *bias, void *packed);
void edge_s16_conv2d_ref(const edge_window_params *window, const edge_requant_params *requant,
                         const int16_t *input, const int8_t *filter, const int32_t *bias, const void *packed,
                         int32_t row_begin, int32_t row_end, int16_t *output);
size_t edge_s16_depthwise_conv2d_pack_ref(const edge_window_params *window, int32_t depth_multiplier,
                                          const edge_requant_params *requant, const int8_t *filter,
                                          const int32_t *bias, void *packed);
void edge_s16_depthwise_conv2d_ref(const edge_window_params *window, int32_t depth_multiplier,
                                   const edge_requant_params *requant, const int16_t *input, const int8_t *filter,
                                   const int32_t *bias, const void *packed, int32_t row_begin, int32_t row_end,
                                   int16_t *output);
size_t edge_s16_fully_connected_pack_ref(int32_t input_count, int32_t output_count,
                                         const edge_requant_params *requant, const int8_t *filter,
                                         const int32_t *bias, void *packed);
void edge_s16_fully_connected_ref(int32_t input_count, int32_t output_count, const edge_requant_params *requant,
                                  const int16_t *input, const int8_t *filter, const int32_t *bias,
                                  const void *packed, int16_t *output);
void edge_s16_max_pool_ref(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                           const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_average_pool_ref(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                               const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output);
void edge_s16_add_ref(size_t count, const edge_add_params *params, const int16_t *a, const int16_t *b,
                      int16_t *output);
void edge_s8_lookup_ref(size_t count, const int8_t *table, const int8_t *input, int8_t *output);
void edge_s16_lookup_ref(size_t count, const int16_t *table, const int16_t *input, int16_t *output);
void edge_s8_multiply_ref(size_t pixels, size_t channels, const edge_multiply_params *params, const int8_t *a,
                          const int8_t *b, size_t b_pixel_stride, int8_t *output);
void edge_s16_multiply_ref(size_t pixels, size_t channels, const edge_multiply_params *params, const int16_t *a,
                           const int16_t *b, size_t b_pixel_stride, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif  // EDGE_KERNELS_H
