// Bit-exactness check of every kernel table this CPU can run (the int8 ops and the int16-activation
// `_s16` ops) against the scalar reference, on randomized shapes and quantization parameters (odd
// channel counts, partial tiles, strides 1 and 2, VALID and SAME padding, extreme zero points,
// multipliers and shifts, every activation clamp) plus the layer shapes of the default model.
// Plain C so that the same check runs natively and under qemu-aarch64 (tools/test.d/10-arm-kernels).
//
// usage: kernel_check [cases-per-op [seed]]   exit status 0 when every output byte matches.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge_kernels.h"

enum { MAX_CHANNELS = 320 };

static uint64_t rng_state;
static uint32_t next_u32(void) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static int32_t uniform(int32_t lo, int32_t hi) {
    return (int32_t)((int64_t)lo + (int64_t)(next_u32() % (uint32_t)((int64_t)hi - lo + 1)));
}
static int chance(int percent) { return uniform(0, 99) < percent; }

static void fill_weights(int8_t *p, size_t n) {
    const int extreme = chance(10);  // all +-127: the largest products the contract allows
    for (size_t i = 0; i < n; ++i) p[i] = extreme ? (chance(50) ? 127 : -127) : (int8_t)uniform(-127, 127);
}
static void fill_input(int8_t *p, size_t n) {
    const int mode = uniform(0, 9);
    for (size_t i = 0; i < n; ++i) p[i] = mode == 0 ? -128 : mode == 1 ? 127 : (int8_t)uniform(-128, 127);
}
static int32_t zero_point(void) {
    const int mode = uniform(0, 4);
    return mode == 0 ? -128 : mode == 1 ? 127 : uniform(-128, 127);
}
static int32_t multiplier(void) {
    const int mode = uniform(0, 19);
    if (mode == 0) return 0;
    if (mode == 1) return 1 << 30;
    if (mode == 2) return INT32_MAX;
    return (int32_t)((1u << 30) + (next_u32() & ((1u << 30) - 1)));
}
static int32_t shift(void) {
    const int mode = uniform(0, 19);
    if (mode == 0) return -31;
    if (mode == 1) return 31;
    if (mode <= 4) return uniform(-31, 31);
    return uniform(-2, 14);
}
static void activation(int32_t output_zero_point, int32_t *lo, int32_t *hi) {
    switch (uniform(0, 3)) {
        case 0: *lo = -128, *hi = 127; break;                                          // none
        case 1: *lo = output_zero_point, *hi = 127; break;                             // ReLU
        case 2: *lo = output_zero_point, *hi = uniform(output_zero_point, 127); break;  // ReLU6-like
        default: *lo = uniform(-128, 127), *hi = uniform(*lo, 127); break;
    }
}

typedef struct {
    edge_requant_params rq;
    int32_t multiplier[MAX_CHANNELS], shift[MAX_CHANNELS], bias[MAX_CHANNELS];
} quantization;

static void make_quantization(quantization *q, int32_t channels) {
    const int uniform_params = chance(20);
    for (int32_t c = 0; c < channels; ++c) {
        q->multiplier[c] = uniform_params && c > 0 ? q->multiplier[0] : multiplier();
        q->shift[c] = uniform_params && c > 0 ? q->shift[0] : shift();
        q->bias[c] = chance(5) ? uniform(-(1 << 29), 1 << 29) : uniform(-(1 << 20), 1 << 20);
    }
    q->rq.input_zero_point = zero_point();
    q->rq.output_zero_point = zero_point();
    activation(q->rq.output_zero_point, &q->rq.activation_min, &q->rq.activation_max);
    q->rq.multiplier = q->multiplier;
    q->rq.shift = q->shift;
}

// TensorFlow's VALID / SAME output size and padding.
static edge_window_params make_window(int32_t h, int32_t w, int32_t ic, int32_t oc, int32_t kh, int32_t kw,
                                      int32_t stride, int same) {
    edge_window_params p = {h, w, ic, 0, 0, oc, kh, kw, stride, stride, 0, 0};
    if (same) {
        p.output_height = (h + stride - 1) / stride, p.output_width = (w + stride - 1) / stride;
        const int32_t pad_h = (p.output_height - 1) * stride + kh - h, pad_w = (p.output_width - 1) * stride + kw - w;
        p.pad_top = pad_h > 0 ? pad_h / 2 : 0, p.pad_left = pad_w > 0 ? pad_w / 2 : 0;
    } else {
        p.output_height = (h - kh) / stride + 1, p.output_width = (w - kw) / stride + 1;
    }
    return p;
}

static edge_window_params random_window(int32_t ic, int32_t oc) {
    const int32_t kernel = chance(60) ? 3 : uniform(1, 5), stride = uniform(1, 2), same = chance(50);
    const int32_t h = uniform(same ? 1 : kernel, 13), w = uniform(same ? 1 : kernel, 13);
    return make_window(h, w, ic, oc, kernel, chance(80) ? kernel : uniform(1, 5) > w ? 1 : kernel, stride, same);
}

typedef struct {
    const char *table, *op;
    int cases, failures;
} tally;

// Counts a case and reports its first mismatching element, if any: `expected` and `got` hold `n`
// elements of `bytes` (1: int8, 2: int16) each.
static int compare(tally *t, const void *expected, const void *got, size_t n, size_t bytes, const char *shape) {
    ++t->cases;
    for (size_t i = 0; i < n; ++i) {
        const int32_t e = bytes == 1 ? ((const int8_t *)expected)[i] : ((const int16_t *)expected)[i];
        const int32_t g = bytes == 1 ? ((const int8_t *)got)[i] : ((const int16_t *)got)[i];
        if (e != g) {
            if (++t->failures <= 5)
                fprintf(stderr, "MISMATCH %s %s %s: element %zu of %zu: expected %d, got %d\n", t->table, t->op, shape,
                        i, n, e, g);
            return 0;
        }
    }
    return 1;
}

// Writes the window's shape ("HxWxC->HxWxC kKxK sS padT,L") to dst and returns its length.
static int window_shape(char *dst, size_t size, const edge_window_params *w) {
    return snprintf(dst, size, "%dx%dx%d->%dx%dx%d k%dx%d s%d pad%d,%d", w->input_height, w->input_width,
                    w->input_channels, w->output_height, w->output_width, w->output_channels, w->kernel_height,
                    w->kernel_width, w->stride_height, w->pad_top, w->pad_left);
}

static size_t window_output_size(const edge_window_params *w) {
    return (size_t)w->output_height * w->output_width * w->output_channels;
}

// A buffer for a table's packed bytes, as the runtime makes it: 64-byte aligned, exactly `bytes`
// (rounded up to 64) long, filled with garbage first so that a pack that leaves bytes unwritten
// shows up as a mismatch.
static void *packed_buffer(size_t bytes) {
    if (bytes == 0) return NULL;
    unsigned char *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
    for (size_t i = 0; i < bytes; ++i) p[i] = (unsigned char)next_u32();
    return p;
}

// Output rows split into 1 to 3 random consecutive ranges run one after the other: any split must
// give the bytes of one whole call (the intra-op thread contract).
typedef struct {
    int32_t count, bounds[4];
} row_split;

static row_split random_split(int32_t rows) {
    row_split s = {1, {0, rows, rows, rows}};
    const int pieces = chance(50) ? 1 : uniform(2, 3);
    for (int i = 1; i < pieces; ++i) s.bounds[i] = uniform(0, rows);
    s.count = pieces, s.bounds[pieces] = rows;
    for (int i = 1; i < pieces; ++i)  // sort the inner bounds
        for (int j = i + 1; j < pieces; ++j)
            if (s.bounds[j] < s.bounds[i]) {
                const int32_t t = s.bounds[i];
                s.bounds[i] = s.bounds[j], s.bounds[j] = t;
            }
    return s;
}

static void check_conv(const edge_kernel_table *table, tally *t, edge_window_params w) {
    quantization q;
    make_quantization(&q, w.output_channels);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels;
    const size_t f_n = (size_t)w.output_channels * w.kernel_height * w.kernel_width * w.input_channels;
    const size_t out_n = window_output_size(&w);
    int8_t *in = malloc(in_n), *f = malloc(f_n), *expected = malloc(out_n), *got = malloc(out_n);
    fill_input(in, in_n), fill_weights(f, f_n);
    edge_s8_conv2d_ref(&w, &q.rq, in, f, q.bias, NULL, 0, w.output_height, expected);
    memset(got, 0x5a, out_n);
    void *packed = packed_buffer(table->conv2d_pack(&w, &q.rq, f, q.bias, NULL));
    if (packed) table->conv2d_pack(&w, &q.rq, f, q.bias, packed);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        table->conv2d(&w, &q.rq, in, f, q.bias, packed, split.bounds[i], split.bounds[i + 1], got);
    free(packed);
    char shape[160];
    const int n = window_shape(shape, sizeof shape, &w);
    snprintf(shape + n, sizeof shape - (size_t)n, " zp%d,%d", q.rq.input_zero_point, q.rq.output_zero_point);
    compare(t, expected, got, out_n, 1, shape);
    free(in), free(f), free(expected), free(got);
}

static void check_depthwise(const edge_kernel_table *table, tally *t, edge_window_params w, int32_t multiplier) {
    quantization q;
    make_quantization(&q, w.output_channels);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels;
    const size_t f_n = (size_t)w.kernel_height * w.kernel_width * w.output_channels;
    const size_t out_n = window_output_size(&w);
    int8_t *in = malloc(in_n), *f = malloc(f_n), *expected = malloc(out_n), *got = malloc(out_n);
    fill_input(in, in_n), fill_weights(f, f_n);
    edge_s8_depthwise_conv2d_ref(&w, multiplier, &q.rq, in, f, q.bias, NULL, 0, w.output_height, expected);
    memset(got, 0x5a, out_n);
    void *packed = packed_buffer(table->depthwise_conv2d_pack(&w, multiplier, &q.rq, f, q.bias, NULL));
    if (packed) table->depthwise_conv2d_pack(&w, multiplier, &q.rq, f, q.bias, packed);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        table->depthwise_conv2d(&w, multiplier, &q.rq, in, f, q.bias, packed, split.bounds[i], split.bounds[i + 1], got);
    free(packed);
    char shape[160];
    const int n = window_shape(shape, sizeof shape, &w);
    snprintf(shape + n, sizeof shape - (size_t)n, " m%d", multiplier);
    compare(t, expected, got, out_n, 1, shape);
    free(in), free(f), free(expected), free(got);
}

static void check_fully_connected(const edge_kernel_table *table, tally *t, int32_t inputs, int32_t outputs) {
    quantization q;
    make_quantization(&q, outputs);
    int8_t *in = malloc((size_t)inputs), *f = malloc((size_t)inputs * outputs);
    int8_t *expected = malloc((size_t)outputs), *got = malloc((size_t)outputs);
    fill_input(in, (size_t)inputs), fill_weights(f, (size_t)inputs * outputs);
    edge_s8_fully_connected_ref(inputs, outputs, &q.rq, in, f, q.bias, NULL, expected);
    void *packed = packed_buffer(table->fully_connected_pack(inputs, outputs, &q.rq, f, q.bias, NULL));
    if (packed) table->fully_connected_pack(inputs, outputs, &q.rq, f, q.bias, packed);
    table->fully_connected(inputs, outputs, &q.rq, in, f, q.bias, packed, got);
    free(packed);
    char shape[64];
    snprintf(shape, sizeof shape, "%d->%d", inputs, outputs);
    compare(t, expected, got, (size_t)outputs, 1, shape);
    free(in), free(f), free(expected), free(got);
}

static void check_pool(const edge_kernel_table *table, tally *t, edge_window_params w, int average) {
    int32_t lo, hi;
    activation(uniform(-128, 127), &lo, &hi);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels, out_n = window_output_size(&w);
    int8_t *in = malloc(in_n), *expected = malloc(out_n), *got = malloc(out_n);
    fill_input(in, in_n);
    (average ? edge_s8_average_pool_ref : edge_s8_max_pool_ref)(&w, lo, hi, in, 0, w.output_height, expected);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        (average ? table->average_pool : table->max_pool)(&w, lo, hi, in, split.bounds[i], split.bounds[i + 1], got);
    char shape[128];
    window_shape(shape, sizeof shape, &w);
    compare(t, expected, got, out_n, 1, shape);
    free(in), free(expected), free(got);
}

static void check_add(const edge_kernel_table *table, tally *t, size_t count) {
    edge_add_params p;
    p.left_shift = chance(80) ? 20 : uniform(0, 22);
    p.a_zero_point = zero_point(), p.b_zero_point = zero_point(), p.output_zero_point = zero_point();
    p.a_multiplier = multiplier(), p.b_multiplier = multiplier(), p.output_multiplier = multiplier();
    p.a_shift = uniform(0, 31), p.b_shift = uniform(0, 31), p.output_shift = shift();  // contract: input shifts >= 0
    activation(p.output_zero_point, &p.activation_min, &p.activation_max);
    int8_t *a = malloc(count), *b = malloc(count), *expected = malloc(count), *got = malloc(count);
    fill_input(a, count), fill_input(b, count);
    edge_s8_add_ref(count, &p, a, b, expected);
    table->add(count, &p, a, b, got);
    char shape[96];
    snprintf(shape, sizeof shape, "n%zu ls%d shifts %d,%d,%d", count, p.left_shift, p.a_shift, p.b_shift,
             p.output_shift);
    compare(t, expected, got, count, 1, shape);
    free(a), free(b), free(expected), free(got);
}

// ---- Int16 activations (the _s16 ops): |x - zero_point| <= 32768, int8 weights, int32 conv sums ----

enum { S16_PRODUCT = 32768 * 127 };  // the largest |(x - zero_point) * w|: 4,161,536

static int32_t zero_point16(void) {
    const int mode = uniform(0, 9);
    if (mode <= 3) return 0;              // the quantizer's symmetric int16 tensors
    if (mode <= 5) return -128;           // a model input holding pixel - 128
    if (mode == 6) return -32768;         // the extremes the contract allows
    if (mode == 7) return 32767;
    return uniform(-1000, 1000);
}
// Values within `amplitude` of the zero point (and inside int16), at one extreme in some cases.
static void fill_input16(int16_t *p, size_t n, int32_t zp, int32_t amplitude) {
    const int32_t lo = zp - amplitude < -32768 ? -32768 : zp - amplitude;
    const int32_t hi = zp + amplitude > 32767 ? 32767 : zp + amplitude;
    const int mode = uniform(0, 9);
    for (size_t i = 0; i < n; ++i) p[i] = (int16_t)(mode == 0 ? lo : mode == 1 ? hi : uniform(lo, hi));
}
// Amplitude of inputs with zero point `zp`: pixel-like inputs for zero point -128 in a third of the
// cases, else the whole range the contract allows.
static int32_t amplitude16(int32_t zp) { return zp == -128 && chance(33) ? 255 : 32768; }
static void activation16(int32_t output_zero_point, int32_t *lo, int32_t *hi) {
    switch (uniform(0, 3)) {
        case 0: *lo = -32768, *hi = 32767; break;
        case 1: *lo = output_zero_point, *hi = 32767; break;
        case 2: *lo = output_zero_point, *hi = uniform(output_zero_point, 32767); break;
        default: *lo = uniform(-32768, 32767), *hi = uniform(*lo, 32767); break;
    }
}

// Quantization of a conv or depthwise conv summing `taps` products: the largest |bias| keeps
// taps * 4,161,536 + |bias| below 2^31 (the int32 bound the model validator enforces), and when
// taps alone exceed it (more than 515: the quantizer narrows such a layer's input codes) the
// inputs' amplitude is reduced instead so that the same bound holds.
static int32_t make_quantization16(quantization *q, int32_t channels, int32_t taps, int32_t *amplitude) {
    make_quantization(q, channels);
    q->rq.input_zero_point = zero_point16();
    q->rq.output_zero_point = chance(60) ? 0 : chance(50) ? -128 : uniform(-2000, 2000);
    activation16(q->rq.output_zero_point, &q->rq.activation_min, &q->rq.activation_max);
    *amplitude = amplitude16(q->rq.input_zero_point);
    const int64_t limit = ((int64_t)1 << 31) - 1, products = limit - (1 << 20);  // at least 2^20 left for the bias
    if ((int64_t)taps * S16_PRODUCT > products) *amplitude = (int32_t)(products / ((int64_t)taps * 127));
    const int64_t room = limit - (int64_t)taps * 127 * *amplitude;  // >= 2^20
    const int64_t bias_limit = room < (1 << 29) ? room : (1 << 29);
    for (int32_t c = 0; c < channels; ++c)
        q->bias[c] = chance(5) ? (int32_t)(chance(50) ? bias_limit : -bias_limit)
                               : uniform(-(int32_t)bias_limit, (int32_t)bias_limit);
    return *amplitude;
}

static void check_conv16(const edge_kernel_table *table, tally *t, edge_window_params w) {
    quantization q;
    int32_t amplitude;
    make_quantization16(&q, w.output_channels, w.kernel_height * w.kernel_width * w.input_channels, &amplitude);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels;
    const size_t f_n = (size_t)w.output_channels * w.kernel_height * w.kernel_width * w.input_channels;
    const size_t out_n = window_output_size(&w);
    int16_t *in = malloc(in_n * 2), *expected = malloc(out_n * 2), *got = malloc(out_n * 2);
    int8_t *f = malloc(f_n);
    fill_input16(in, in_n, q.rq.input_zero_point, amplitude), fill_weights(f, f_n);
    edge_s16_conv2d_ref(&w, &q.rq, in, f, q.bias, NULL, 0, w.output_height, expected);
    memset(got, 0x5a, out_n * 2);
    void *packed = packed_buffer(table->conv2d_s16_pack(&w, &q.rq, f, q.bias, NULL));
    if (packed) table->conv2d_s16_pack(&w, &q.rq, f, q.bias, packed);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        table->conv2d_s16(&w, &q.rq, in, f, q.bias, packed, split.bounds[i], split.bounds[i + 1], got);
    free(packed);
    char shape[160];
    const int n = window_shape(shape, sizeof shape, &w);
    snprintf(shape + n, sizeof shape - (size_t)n, " zp%d,%d", q.rq.input_zero_point, q.rq.output_zero_point);
    compare(t, expected, got, out_n, 2, shape);
    free(in), free(f), free(expected), free(got);
}

static void check_depthwise16(const edge_kernel_table *table, tally *t, edge_window_params w, int32_t multiplier) {
    quantization q;
    int32_t amplitude;
    make_quantization16(&q, w.output_channels, w.kernel_height * w.kernel_width, &amplitude);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels;
    const size_t f_n = (size_t)w.kernel_height * w.kernel_width * w.output_channels;
    const size_t out_n = window_output_size(&w);
    int16_t *in = malloc(in_n * 2), *expected = malloc(out_n * 2), *got = malloc(out_n * 2);
    int8_t *f = malloc(f_n);
    fill_input16(in, in_n, q.rq.input_zero_point, amplitude), fill_weights(f, f_n);
    edge_s16_depthwise_conv2d_ref(&w, multiplier, &q.rq, in, f, q.bias, NULL, 0, w.output_height, expected);
    memset(got, 0x5a, out_n * 2);
    void *packed = packed_buffer(table->depthwise_conv2d_s16_pack(&w, multiplier, &q.rq, f, q.bias, NULL));
    if (packed) table->depthwise_conv2d_s16_pack(&w, multiplier, &q.rq, f, q.bias, packed);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        table->depthwise_conv2d_s16(&w, multiplier, &q.rq, in, f, q.bias, packed, split.bounds[i],
                                    split.bounds[i + 1], got);
    free(packed);
    char shape[160];
    const int n = window_shape(shape, sizeof shape, &w);
    snprintf(shape + n, sizeof shape - (size_t)n, " m%d zp%d", multiplier, q.rq.input_zero_point);
    compare(t, expected, got, out_n, 2, shape);
    free(in), free(f), free(expected), free(got);
}

// Fully connected sums in int64 and saturates: long inputs at full amplitude reach the saturation.
static void check_fully_connected16(const edge_kernel_table *table, tally *t, int32_t inputs, int32_t outputs) {
    quantization q;
    int32_t amplitude;
    make_quantization16(&q, outputs, 1, &amplitude);
    int16_t *in = malloc((size_t)inputs * 2), *expected = malloc((size_t)outputs * 2), *got = malloc((size_t)outputs * 2);
    int8_t *f = malloc((size_t)inputs * outputs);
    fill_input16(in, (size_t)inputs, q.rq.input_zero_point, amplitude), fill_weights(f, (size_t)inputs * outputs);
    edge_s16_fully_connected_ref(inputs, outputs, &q.rq, in, f, q.bias, NULL, expected);
    void *packed = packed_buffer(table->fully_connected_s16_pack(inputs, outputs, &q.rq, f, q.bias, NULL));
    if (packed) table->fully_connected_s16_pack(inputs, outputs, &q.rq, f, q.bias, packed);
    table->fully_connected_s16(inputs, outputs, &q.rq, in, f, q.bias, packed, got);
    free(packed);
    char shape[64];
    snprintf(shape, sizeof shape, "%d->%d zp%d", inputs, outputs, q.rq.input_zero_point);
    compare(t, expected, got, (size_t)outputs, 2, shape);
    free(in), free(f), free(expected), free(got);
}

static void check_pool16(const edge_kernel_table *table, tally *t, edge_window_params w, int average) {
    int32_t lo, hi;
    const int32_t zp = zero_point16();
    activation16(zp, &lo, &hi);
    const size_t in_n = (size_t)w.input_height * w.input_width * w.input_channels, out_n = window_output_size(&w);
    int16_t *in = malloc(in_n * 2), *expected = malloc(out_n * 2), *got = malloc(out_n * 2);
    fill_input16(in, in_n, zp, amplitude16(zp));
    (average ? edge_s16_average_pool_ref : edge_s16_max_pool_ref)(&w, lo, hi, in, 0, w.output_height, expected);
    memset(got, 0x5a, out_n * 2);
    const row_split split = random_split(w.output_height);
    for (int32_t i = 0; i < split.count; ++i)
        (average ? table->average_pool_s16 : table->max_pool_s16)(&w, lo, hi, in, split.bounds[i],
                                                                  split.bounds[i + 1], got);
    char shape[128];
    window_shape(shape, sizeof shape, &w);
    compare(t, expected, got, out_n, 2, shape);
    free(in), free(expected), free(got);
}

static void check_add16(const edge_kernel_table *table, tally *t, size_t count) {
    edge_add_params p;
    p.left_shift = chance(80) ? 15 : uniform(0, 15);
    p.a_zero_point = zero_point16(), p.b_zero_point = zero_point16();
    p.output_zero_point = chance(60) ? 0 : uniform(-2000, 2000);
    p.a_multiplier = multiplier(), p.b_multiplier = multiplier(), p.output_multiplier = multiplier();
    p.a_shift = uniform(0, 31), p.b_shift = uniform(0, 31), p.output_shift = shift();  // contract: input shifts >= 0
    activation16(p.output_zero_point, &p.activation_min, &p.activation_max);
    int16_t *a = malloc(count * 2), *b = malloc(count * 2), *expected = malloc(count * 2), *got = malloc(count * 2);
    fill_input16(a, count, p.a_zero_point, amplitude16(p.a_zero_point));
    fill_input16(b, count, p.b_zero_point, amplitude16(p.b_zero_point));
    edge_s16_add_ref(count, &p, a, b, expected);
    table->add_s16(count, &p, a, b, got);
    char shape[96];
    snprintf(shape, sizeof shape, "n%zu ls%d shifts %d,%d,%d", count, p.left_shift, p.a_shift, p.b_shift,
             p.output_shift);
    compare(t, expected, got, count, 2, shape);
    free(a), free(b), free(expected), free(got);
}

static int report(tally *t) {
    printf("%-13s %-20s %4d cases %s\n", t->table, t->op, t->cases, t->failures ? "FAILED" : "bit-exact");
    return t->failures == 0;
}

// ---- Lookup tables and multiply, both element types ----

// A random table (sometimes monotonic like a sigmoid, sometimes at the extremes) and `count` codes.
static void check_lookup(const edge_kernel_table *table, tally *t, size_t count) {
    int8_t entries[256];
    const int mode = uniform(0, 2);
    for (int i = 0; i < 256; ++i) entries[i] = (int8_t)(mode == 0 ? i - 128 : mode == 1 ? (chance(50) ? -128 : 127) : uniform(-128, 127));
    int8_t *in = malloc(count + 1), *expected = malloc(count + 1), *got = malloc(count + 1);
    fill_input(in, count);
    edge_s8_lookup_ref(count, entries, in, expected);
    table->lookup(count, entries, in, got);
    char shape[32];
    snprintf(shape, sizeof shape, "n%zu", count);
    compare(t, expected, got, count, 1, shape);
    free(in), free(expected), free(got);
}

static void check_lookup16(const edge_kernel_table *table, tally *t, size_t count) {
    int16_t entries[513];
    const int mode = uniform(0, 2);  // random, alternating extremes (the largest steps), smooth
    for (int i = 0; i < 513; ++i) {
        entries[i] = (int16_t)(mode == 0 ? uniform(-32768, 32767) : mode == 1 ? (i % 2 ? -32768 : 32767)
                                                                             : (i * 128 - 32768 > 32767 ? 32767 : i * 128 - 32768));
    }
    int16_t *in = malloc(2 * count + 2), *expected = malloc(2 * count + 2), *got = malloc(2 * count + 2);
    fill_input16(in, count, 0, 32768);
    edge_s16_lookup_ref(count, entries, in, expected);
    table->lookup_s16(count, entries, in, got);
    char shape[32];
    snprintf(shape, sizeof shape, "n%zu mode%d", count, mode);
    compare(t, expected, got, count, 2, shape);
    free(in), free(expected), free(got);
}

// pixels x channels times a map of that shape, or a 1x1xC gate (b_pixel_stride 0).
static void check_multiply(const edge_kernel_table *table, tally *t, size_t pixels, size_t channels, int gate, int int16) {
    edge_multiply_params p;
    p.output_multiplier = multiplier(), p.output_shift = shift();
    size_t n = pixels * channels, bn = gate ? channels : n, bytes = int16 ? 2 : 1;
    void *a = malloc(n * bytes + 2), *b = malloc(bn * bytes + 2), *expected = malloc(n * bytes + 2), *got = malloc(n * bytes + 2);
    if (int16) {
        p.a_zero_point = zero_point16(), p.b_zero_point = zero_point16();
        p.output_zero_point = chance(60) ? 0 : uniform(-2000, 2000);
        activation16(p.output_zero_point, &p.activation_min, &p.activation_max);
        fill_input16(a, n, p.a_zero_point, amplitude16(p.a_zero_point));
        fill_input16(b, bn, p.b_zero_point, amplitude16(p.b_zero_point));
        edge_s16_multiply_ref(pixels, channels, &p, a, b, gate ? 0 : channels, expected);
        table->multiply_s16(pixels, channels, &p, a, b, gate ? 0 : channels, got);
    } else {
        p.a_zero_point = zero_point(), p.b_zero_point = zero_point(), p.output_zero_point = zero_point();
        activation(p.output_zero_point, &p.activation_min, &p.activation_max);
        fill_input(a, n), fill_input(b, bn);
        edge_s8_multiply_ref(pixels, channels, &p, a, b, gate ? 0 : channels, expected);
        table->multiply(pixels, channels, &p, a, b, gate ? 0 : channels, got);
    }
    char shape[96];
    snprintf(shape, sizeof shape, "%zux%zu %s m%d s%d", pixels, channels, gate ? "gate" : "map", p.output_multiplier,
             p.output_shift);
    compare(t, expected, got, n, bytes, shape);
    free(a), free(b), free(expected), free(got);
}

// MobileNetV3-Small's shapes (a 64x64 input: 32x32x16 stem, SE gates on 16..576 channels) and random ones.
static int check_elementwise(const edge_kernel_table *table, int cases) {
    tally lookup = {table->name, "lookup", 0, 0}, lookup16 = {table->name, "lookup_s16", 0, 0};
    tally mul = {table->name, "multiply", 0, 0}, mul16 = {table->name, "multiply_s16", 0, 0};
    check_lookup(table, &lookup, 32 * 32 * 16);
    check_lookup16(table, &lookup16, 32 * 32 * 16);
    for (int int16 = 0; int16 < 2; ++int16) {
        check_multiply(table, int16 ? &mul16 : &mul, 16 * 16, 16, 1, int16);
        check_multiply(table, int16 ? &mul16 : &mul, 4 * 4, 96, 1, int16);
        check_multiply(table, int16 ? &mul16 : &mul, 2 * 2, 576, 1, int16);
        check_multiply(table, int16 ? &mul16 : &mul, 8 * 8, 40, 0, int16);
    }
    for (int i = 0; i < cases; ++i) {
        check_lookup(table, &lookup, (size_t)uniform(1, 300));
        check_lookup16(table, &lookup16, (size_t)uniform(1, 300));
        const size_t pixels = (size_t)uniform(1, 40), channels = (size_t)(chance(50) ? uniform(1, 20) : uniform(1, 200));
        check_multiply(table, &mul, pixels, channels, chance(60), 0);
        check_multiply(table, &mul16, pixels, channels, chance(60), 1);
    }
    int ok = 1;
    ok &= report(&lookup), ok &= report(&lookup16), ok &= report(&mul), ok &= report(&mul16);
    return ok;
}

// The _s16 ops on the default model's layer shapes, ResNet-width 3x3 convs (64 to 512 channels,
// 576 to 4608 terms on narrowed inputs) and random ones: 1x1 pointwise and 3x3 convs (strides 1
// and 2, VALID and SAME, odd channel counts, partial tiles), depthwise 3x3 with depth multipliers
// 1 and 2, and the other ops.
static int check_table16(const edge_kernel_table *table, int cases) {
    tally conv = {table->name, "conv2d_s16", 0, 0}, dw = {table->name, "depthwise_conv2d_s16", 0, 0};
    tally fc = {table->name, "fully_connected_s16", 0, 0}, maxp = {table->name, "max_pool_s16", 0, 0};
    tally avgp = {table->name, "average_pool_s16", 0, 0}, add = {table->name, "add_s16", 0, 0};
    check_conv16(table, &conv, make_window(64, 64, 1, 8, 3, 3, 1, 0));
    check_conv16(table, &conv, make_window(62, 62, 8, 8, 3, 3, 1, 0));
    check_conv16(table, &conv, make_window(60, 60, 8, 16, 1, 1, 1, 0));
    check_conv16(table, &conv, make_window(60, 60, 16, 16, 1, 1, 2, 1));
    check_conv16(table, &conv, make_window(15, 15, 64, 128, 1, 1, 1, 1));
    check_conv16(table, &conv, make_window(8, 8, 128, 128, 1, 1, 1, 0));
    check_conv16(table, &conv, make_window(4, 4, 128, 7, 3, 3, 1, 1));
    check_conv16(table, &conv, make_window(16, 16, 64, 64, 3, 3, 1, 1));
    check_conv16(table, &conv, make_window(8, 8, 96, 128, 3, 3, 2, 1));
    check_conv16(table, &conv, make_window(4, 4, 512, 16, 3, 3, 1, 1));
    check_depthwise16(table, &dw, make_window(60, 60, 8, 8, 3, 3, 1, 1), 1);
    check_depthwise16(table, &dw, make_window(60, 60, 16, 16, 3, 3, 1, 1), 1);
    check_depthwise16(table, &dw, make_window(15, 15, 64, 64, 3, 3, 1, 1), 1);
    check_depthwise16(table, &dw, make_window(8, 8, 128, 128, 3, 3, 1, 1), 1);
    check_pool16(table, &maxp, make_window(60, 60, 16, 16, 3, 3, 2, 1), 0);
    check_pool16(table, &maxp, make_window(15, 15, 64, 64, 3, 3, 2, 1), 0);
    check_pool16(table, &avgp, make_window(4, 4, 7, 7, 4, 4, 1, 0), 1);
    check_fully_connected16(table, &fc, 2000, 7);
    check_add16(table, &add, 30 * 30 * 16);
    for (int i = 0; i < cases; ++i) {
        const int32_t ic = chance(30) ? uniform(1, 4) : uniform(1, 70), oc = uniform(1, 40);
        check_conv16(table, &conv, random_window(ic, oc));
        if (chance(40)) check_conv16(table, &conv, make_window(uniform(1, 9), uniform(1, 9), uniform(1, 140),
                                                               uniform(1, 140), 1, 1, uniform(1, 2), chance(50)));
        const int32_t channels = chance(50) ? uniform(1, 20) : chance(50) ? 8 * uniform(1, 16) : uniform(1, 150);
        const int32_t depth_multiplier = chance(80) ? 1 : 2;
        check_depthwise16(table, &dw, random_window(channels, channels * depth_multiplier), depth_multiplier);
        check_fully_connected16(table, &fc, chance(10) ? uniform(300, 3000) : uniform(1, 300), uniform(1, 40));
        check_pool16(table, &maxp, random_window(channels, channels), 0);
        check_pool16(table, &avgp, random_window(channels, channels), 1);
        check_add16(table, &add, (size_t)uniform(1, 200));
    }
    int ok = 1;
    ok &= report(&conv), ok &= report(&dw), ok &= report(&fc), ok &= report(&maxp), ok &= report(&avgp);
    ok &= report(&add);
    return ok;
}

static int check_table(const edge_kernel_table *table, int cases) {
    int ok = 1;
    tally conv = {table->name, "conv2d", 0, 0}, dw = {table->name, "depthwise_conv2d", 0, 0};
    tally fc = {table->name, "fully_connected", 0, 0}, maxp = {table->name, "max_pool", 0, 0};
    tally avgp = {table->name, "average_pool", 0, 0}, add = {table->name, "add", 0, 0};
    // The default model's layer shapes (mini-Xception, 64x64x1).
    check_conv(table, &conv, make_window(64, 64, 1, 8, 3, 3, 1, 0));
    check_conv(table, &conv, make_window(62, 62, 8, 8, 3, 3, 1, 0));
    check_conv(table, &conv, make_window(60, 60, 8, 16, 1, 1, 1, 0));
    check_conv(table, &conv, make_window(60, 60, 16, 16, 1, 1, 2, 1));
    check_conv(table, &conv, make_window(8, 8, 128, 128, 1, 1, 1, 0));
    check_conv(table, &conv, make_window(4, 4, 128, 7, 3, 3, 1, 1));
    check_depthwise(table, &dw, make_window(60, 60, 8, 8, 3, 3, 1, 1), 1);
    check_depthwise(table, &dw, make_window(15, 15, 64, 64, 3, 3, 1, 1), 1);
    check_pool(table, &maxp, make_window(60, 60, 16, 16, 3, 3, 2, 1), 0);
    check_pool(table, &maxp, make_window(15, 15, 64, 64, 3, 3, 2, 1), 0);
    check_pool(table, &avgp, make_window(4, 4, 7, 7, 4, 4, 1, 0), 1);
    check_add(table, &add, 30 * 30 * 16);
    for (int i = 0; i < cases; ++i) {
        const int32_t ic = chance(30) ? uniform(1, 4) : uniform(1, 70), oc = uniform(1, 40);
        check_conv(table, &conv, random_window(ic, oc));
        if (chance(30)) check_conv(table, &conv, make_window(uniform(1, 9), uniform(1, 9), uniform(1, 140),
                                                             uniform(1, 140), 1, 1, uniform(1, 2), chance(50)));
        const int32_t channels = chance(50) ? uniform(1, 20) : uniform(1, 150);
        const int32_t depth_multiplier = chance(90) ? 1 : 2;
        check_depthwise(table, &dw, random_window(channels, channels * depth_multiplier), depth_multiplier);
        check_fully_connected(table, &fc, uniform(1, 300), uniform(1, 40));
        check_pool(table, &maxp, random_window(channels, channels), 0);
        check_pool(table, &avgp, random_window(channels, channels), 1);
        check_add(table, &add, (size_t)uniform(1, 200));
    }
    ok &= report(&conv), ok &= report(&dw), ok &= report(&fc), ok &= report(&maxp), ok &= report(&avgp);
    ok &= report(&add);
    ok &= check_table16(table, cases);
    return ok & check_elementwise(table, cases);
}

int main(int argc, char **argv) {
    const int cases = argc > 1 ? atoi(argv[1]) : 200;
    const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed5eedULL;
    const edge_kernel_table *tables[8];
    const size_t count = edge_kernels_supported(tables, 8);
    printf("kernel_check: seed %#llx, %d random cases per op; default table: %s\n", (unsigned long long)seed, cases,
           edge_kernels_select(NULL)->name);
    static const char *const known[] = {"avx2", "avx512vnni", "neon", "neon-dotprod"};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; ++k) {
        int present = 0;
        for (size_t i = 0; i < count; ++i) present |= strcmp(tables[i]->name, known[k]) == 0;
#if defined(__aarch64__)
        const int this_arch = k >= 2;
#else
        const int this_arch = k < 2;
#endif
        if (this_arch && !present) printf("%-13s skipped: not supported by this CPU or not built\n", known[k]);
    }
    int ok = 1;
    for (size_t i = 0; i < count; ++i) {
        if (strcmp(tables[i]->name, "reference") == 0) continue;
        rng_state = seed;  // every table sees the same cases
        ok &= check_table(tables[i], cases);
    }
    printf("kernel_check: %s\n", ok ? "all tables bit-exact with the reference" : "MISMATCHES FOUND");
    return ok ? 0 : 1;
}
