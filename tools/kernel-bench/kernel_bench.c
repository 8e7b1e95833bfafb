// Times each kernel table on the layer sequence of the default model (mini-Xception, 64x64x1, int8
// activations, or int16 activations with int8 weights: the `_s16` ops) with random weights:
// per-layer-kind microseconds and the total per inference (median of runs), then, for the fastest
// table, the mean microseconds of each layer.
// A quick way to see where kernel time goes; the end-to-end figure against LiteRT is tools/bench-cnn.
//
// usage: kernel_bench [runs [s8|s16]]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edge_kernels.h"

enum { CONV, DEPTHWISE, MAXPOOL, ADD, AVGPOOL, KINDS };
static const char *const kind_names[KINDS] = {"conv", "depthwise", "max_pool", "add", "avg_pool"};

typedef struct {
    int kind;
    edge_window_params w;
    int8_t *filter;
    int32_t *bias;
    void *packed[8];  // per table
} layer;

static layer layers[64];
static int layer_count;
static int32_t multiplier[256], shift_[256];

static edge_window_params window(int32_t h, int32_t w, int32_t ic, int32_t oc, int32_t k, int32_t stride, int same) {
    edge_window_params p = {h, w, ic, 0, 0, oc, k, k, stride, stride, 0, 0};
    if (same) {
        p.output_height = (h + stride - 1) / stride, p.output_width = (w + stride - 1) / stride;
        const int32_t pad = (p.output_height - 1) * stride + k - h;
        p.pad_top = p.pad_left = pad > 0 ? pad / 2 : 0;
    } else {
        p.output_height = (h - k) / stride + 1, p.output_width = (w - k) / stride + 1;
    }
    return p;
}

static void add_layer(int kind, edge_window_params w) {
    layer *l = &layers[layer_count++];
    l->kind = kind, l->w = w;
    const size_t f = kind == CONV ? (size_t)w.output_channels * w.kernel_height * w.kernel_width * w.input_channels
                                  : (size_t)w.kernel_height * w.kernel_width * w.output_channels;
    l->filter = malloc(f);
    for (size_t i = 0; i < f; ++i) l->filter[i] = (int8_t)(rand() % 255 - 127);
    l->bias = malloc(sizeof(int32_t) * (size_t)w.output_channels);
    for (int32_t i = 0; i < w.output_channels; ++i) l->bias[i] = rand() % 20000 - 10000;
}

static void build_model(void) {
    add_layer(CONV, window(64, 64, 1, 8, 3, 1, 0));
    add_layer(CONV, window(62, 62, 8, 8, 3, 1, 0));
    int32_t size = 60, channels = 8;
    for (int block = 0; block < 4; ++block) {
        const int32_t out = 16 << block, half = (size + 1) / 2;
        add_layer(DEPTHWISE, window(size, size, channels, channels, 3, 1, 1));
        add_layer(CONV, window(size, size, channels, out, 1, 1, 0));
        add_layer(DEPTHWISE, window(size, size, out, out, 3, 1, 1));
        add_layer(CONV, window(size, size, out, out, 1, 1, 0));
        add_layer(MAXPOOL, window(size, size, out, out, 3, 2, 1));
        add_layer(CONV, window(size, size, channels, out, 1, 2, 1));  // residual 1x1 stride 2
        add_layer(ADD, window(half, half, out, out, 1, 1, 0));
        size = half, channels = out;
    }
    add_layer(CONV, window(4, 4, 128, 7, 3, 1, 1));
    add_layer(AVGPOOL, window(4, 4, 7, 7, 4, 1, 0));
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);  // CPU time: robust on a shared machine
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    const int runs = argc > 1 ? atoi(argv[1]) : 200;
    const int s16 = argc > 2 && strcmp(argv[2], "s16") == 0;
    build_model();
    for (int i = 0; i < 256; ++i) multiplier[i] = (1 << 30) + rand() % (1 << 29), shift_[i] = 7 + rand() % 3;
    enum { ELEMENTS = 64 * 64 * 64 };
    static int8_t a[ELEMENTS], b[ELEMENTS], out[ELEMENTS];
    static int16_t a16[ELEMENTS], b16[ELEMENTS], out16[ELEMENTS];
    for (size_t i = 0; i < ELEMENTS; ++i) {
        a[i] = (int8_t)rand(), b[i] = (int8_t)rand();
        a16[i] = (int16_t)(rand() % 8192 - 4096), b16[i] = (int16_t)(rand() % 8192 - 4096);
    }
    const edge_requant_params rq = s16 ? (edge_requant_params){0, 0, -32768, 32767, multiplier, shift_}
                                       : (edge_requant_params){-5, 3, -128, 127, multiplier, shift_};
    const edge_add_params ap = s16 ? (edge_add_params){15, 0, 1 << 30, 1, 0, 1 << 30, 1, 0, 1 << 30, 10, -32768, 32767}
                                   : (edge_add_params){20, 1, 1 << 30, 1, -2, 1 << 30, 1, 4, 1 << 30, 10, -128, 127};
    printf("kernel_bench: %s activations\n", s16 ? "int16 (_s16 ops)" : "int8");
    const edge_kernel_table *tables[8];
    const size_t count = edge_kernels_supported(tables, 8);
    double *samples = malloc(sizeof(double) * (size_t)runs);
    for (size_t t = 0; t < count; ++t)  // packing happens at model load: not timed
        for (int i = 0; i < layer_count; ++i) {
            layer *l = &layers[i];
            size_t bytes = 0;
            const edge_conv2d_s8_pack_fn conv_pack = s16 ? tables[t]->conv2d_s16_pack : tables[t]->conv2d_pack;
            const edge_depthwise_conv2d_s8_pack_fn depthwise_pack =
                s16 ? tables[t]->depthwise_conv2d_s16_pack : tables[t]->depthwise_conv2d_pack;
            if (l->kind == CONV) bytes = conv_pack(&l->w, &rq, l->filter, l->bias, NULL);
            if (l->kind == DEPTHWISE) bytes = depthwise_pack(&l->w, 1, &rq, l->filter, l->bias, NULL);
            if (bytes == 0) continue;
            l->packed[t] = aligned_alloc(64, (bytes + 63) / 64 * 64);
            if (l->kind == CONV) conv_pack(&l->w, &rq, l->filter, l->bias, l->packed[t]);
            if (l->kind == DEPTHWISE) depthwise_pack(&l->w, 1, &rq, l->filter, l->bias, l->packed[t]);
        }
    for (size_t t = 0; t < count; ++t) {
        const edge_kernel_table *k = tables[t];
        const int n = strcmp(k->name, "reference") == 0 ? (runs < 20 ? runs : 20) : runs;
        double *per_kind = calloc((size_t)KINDS * (size_t)n, sizeof(double));
        double per_layer[64] = {0};
        for (int r = -5; r < n; ++r) {
            const double start = now_us();
            for (int i = 0; i < layer_count; ++i) {
                const layer *l = &layers[i];
                const double s = now_us();
                const size_t elements = (size_t)l->w.input_height * l->w.input_width * l->w.input_channels;
                if (s16) {
                    switch (l->kind) {
                        case CONV:
                            k->conv2d_s16(&l->w, &rq, a16, l->filter, l->bias, l->packed[t], 0, l->w.output_height, out16);
                            break;
                        case DEPTHWISE:
                            k->depthwise_conv2d_s16(&l->w, 1, &rq, a16, l->filter, l->bias, l->packed[t], 0,
                                                    l->w.output_height, out16);
                            break;
                        case MAXPOOL: k->max_pool_s16(&l->w, -32768, 32767, a16, 0, l->w.output_height, out16); break;
                        case ADD: k->add_s16(elements, &ap, a16, b16, out16); break;
                        case AVGPOOL: k->average_pool_s16(&l->w, -32768, 32767, a16, 0, l->w.output_height, out16); break;
                    }
                } else switch (l->kind) {
                    case CONV: k->conv2d(&l->w, &rq, a, l->filter, l->bias, l->packed[t], 0, l->w.output_height, out); break;
                    case DEPTHWISE:
                        k->depthwise_conv2d(&l->w, 1, &rq, a, l->filter, l->bias, l->packed[t], 0, l->w.output_height, out);
                        break;
                    case MAXPOOL: k->max_pool(&l->w, -128, 127, a, 0, l->w.output_height, out); break;
                    case ADD: k->add(elements, &ap, a, b, out); break;
                    case AVGPOOL: k->average_pool(&l->w, -128, 127, a, 0, l->w.output_height, out); break;
                }
                if (r >= 0) {
                    const double elapsed = now_us() - s;
                    per_kind[l->kind * n + r] += elapsed;
                    per_layer[i] += elapsed / n;
                }
            }
            if (r >= 0) samples[r] = now_us() - start;
        }
        qsort(samples, (size_t)n, sizeof(double), compare_double);
        printf("%-13s median %8.1f min %8.1f us/inference (thread CPU time) |", k->name, samples[n / 2], samples[0]);
        for (int kind = 0; kind < KINDS; ++kind) {
            qsort(per_kind + kind * n, (size_t)n, sizeof(double), compare_double);
            printf(" %s %.1f", kind_names[kind], per_kind[kind * n + n / 2]);
        }
        printf(" (median us)\n");
        for (int i = 0; t == 0 && i < layer_count; ++i) {
            const edge_window_params *w = &layers[i].w;
            printf("  %2d %-9s %3dx%3dx%3d -> %3dx%3dx%3d k%d s%d %7.1f us\n", i, kind_names[layers[i].kind],
                   w->input_height, w->input_width, w->input_channels, w->output_height, w->output_width,
                   w->output_channels, w->kernel_height, w->stride_height, per_layer[i]);
        }
        free(per_kind);
    }
    return 0;
}
