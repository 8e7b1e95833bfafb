// Kernel tables and their selection. The fastest table the CPU supports is the default; any
// supported one can be forced by name (the runtime reads EDGE_KERNELS).
// Built with EDGE_KERNELS_SIMDE (tools/test.d/11-avx512-kernels-simde only, never the library),
// the avx512vnni table runs SIMDe's portable emulation and is offered on every CPU.
#include <string.h>

#include "internal/edge_kernel_variants.h"

// The int16-activation ops a table takes from the reference until it has its own.
#define EDGE_S16_REFERENCE_CONV .conv2d_s16_pack = edge_s16_conv2d_pack_ref, .conv2d_s16 = edge_s16_conv2d_ref
#define EDGE_S16_REFERENCE_DEPTHWISE                                                                 \
    .depthwise_conv2d_s16_pack = edge_s16_depthwise_conv2d_pack_ref,                                 \
    .depthwise_conv2d_s16 = edge_s16_depthwise_conv2d_ref
#define EDGE_S16_REFERENCE_FULLY_CONNECTED                                                           \
    .fully_connected_s16_pack = edge_s16_fully_connected_pack_ref,                                   \
    .fully_connected_s16 = edge_s16_fully_connected_ref
#define EDGE_S16_REFERENCE_POOLS .max_pool_s16 = edge_s16_max_pool_ref, .average_pool_s16 = edge_s16_average_pool_ref
#define EDGE_S16_REFERENCE_ADD .add_s16 = edge_s16_add_ref
#define EDGE_S16_REFERENCE_OPS                                                                       \
    EDGE_S16_REFERENCE_CONV, EDGE_S16_REFERENCE_DEPTHWISE, EDGE_S16_REFERENCE_FULLY_CONNECTED,       \
    EDGE_S16_REFERENCE_POOLS, EDGE_S16_REFERENCE_ADD
// Lookup tables and multiply, both element types.
#define EDGE_ELEMENTWISE_REFERENCE_OPS                                                               \
    .lookup = edge_s8_lookup_ref, .lookup_s16 = edge_s16_lookup_ref, .multiply = edge_s8_multiply_ref, \
    .multiply_s16 = edge_s16_multiply_ref

static const edge_kernel_table reference_table = {
    .name = "reference",
    .conv2d_pack = edge_s8_conv2d_pack_ref,
    .conv2d = edge_s8_conv2d_ref,
    .depthwise_conv2d_pack = edge_s8_depthwise_conv2d_pack_ref,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_ref,
    .fully_connected_pack = edge_s8_fully_connected_pack_ref,
    .fully_connected = edge_s8_fully_connected_ref,
    .max_pool = edge_s8_max_pool_ref,
    .average_pool = edge_s8_average_pool_ref,
    .add = edge_s8_add_ref,
    EDGE_S16_REFERENCE_OPS,
    EDGE_ELEMENTWISE_REFERENCE_OPS,
};

#if defined(__x86_64__)
// The int16-activation ops of the AVX2 table, also those of the AVX-512 table (no AVX-512 form
// yet; every AVX-512 VNNI CPU has AVX2) except in the SIMDe emulation build, which offers that
// table on any CPU and so keeps the reference there.
#define EDGE_S16_AVX2_OPS                                                                            \
    .conv2d_s16_pack = edge_s16_conv2d_pack_avx2, .conv2d_s16 = edge_s16_conv2d_4x8_avx2,            \
    .depthwise_conv2d_s16_pack = edge_s16_depthwise_conv2d_pack_avx2,                                \
    .depthwise_conv2d_s16 = edge_s16_depthwise_conv2d_c16_avx2, EDGE_S16_REFERENCE_FULLY_CONNECTED,  \
    .max_pool_s16 = edge_s16_max_pool_c16_avx2,                                                      \
    .average_pool_s16 = edge_s16_average_pool_ref, /* one global pool of 4x4x7 per inference */     \
    .add_s16 = edge_s16_add_c16_avx2
// Lookup tables and multiply of the AVX2 table, also those of the AVX-512 one (as above).
#define EDGE_ELEMENTWISE_AVX2_OPS                                                                    \
    .lookup = edge_s8_lookup_c32_avx2, .lookup_s16 = edge_s16_lookup_c8_avx2,                        \
    .multiply = edge_s8_multiply_c8_avx2, .multiply_s16 = edge_s16_multiply_c8_avx2

static const edge_kernel_table avx2_table = {
    .name = "avx2",
    .conv2d_pack = edge_s8_conv2d_pack_avx2,
    .conv2d = edge_s8_conv2d_4x8_avx2,
    .depthwise_conv2d_pack = edge_s8_depthwise_conv2d_pack_avx2,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_c8_avx2,
    .fully_connected_pack = edge_s8_fully_connected_pack_avx2,
    .fully_connected = edge_s8_fully_connected_avx2,
    .max_pool = edge_s8_max_pool_c32_avx2,
    .average_pool = edge_s8_average_pool_ref,  // one global pool of 4x4x7 per inference
    .add = edge_s8_add_c8_avx2,
    EDGE_S16_AVX2_OPS,
    EDGE_ELEMENTWISE_AVX2_OPS,
};

static const edge_kernel_table avx512vnni_table = {
    .name = "avx512vnni",
    .conv2d_pack = edge_s8_conv2d_pack_avx512vnni,  // weights packed once at model load
    .conv2d = edge_s8_conv2d_4x16k4_avx512vnni,
    .depthwise_conv2d_pack = edge_s8_depthwise_conv2d_pack_avx512vnni,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_c64_avx512vnni,
    .fully_connected_pack = edge_s8_fully_connected_pack_avx512vnni,
    .fully_connected = edge_s8_fully_connected_avx512vnni,
    .max_pool = edge_s8_max_pool_c64_avx512bw,
    .average_pool = edge_s8_average_pool_ref,  // one global pool of 4x4x7 per inference
    .add = edge_s8_add_c16_avx512bw,
#if defined(EDGE_KERNELS_SIMDE)
    EDGE_S16_REFERENCE_OPS,
    EDGE_ELEMENTWISE_REFERENCE_OPS,
#else
    EDGE_S16_AVX2_OPS,
    EDGE_ELEMENTWISE_AVX2_OPS,
#endif
};
#endif

#if defined(__aarch64__)
// The int16-activation ops of both NEON tables but the conv (SMLAL, or SDOT on split bytes).
#define EDGE_S16_NEON_OPS                                                                            \
    .depthwise_conv2d_s16_pack = edge_s16_depthwise_conv2d_pack_neon,                                \
    .depthwise_conv2d_s16 = edge_s16_depthwise_conv2d_c8_neon, EDGE_S16_REFERENCE_FULLY_CONNECTED,   \
    .max_pool_s16 = edge_s16_max_pool_c8_neon, .average_pool_s16 = edge_s16_average_pool_ref,         \
    .add_s16 = edge_s16_add_c8_neon
// Lookup tables and multiply of both NEON tables (int16 lookup: NEON has no gather, the reference).
#define EDGE_ELEMENTWISE_NEON_OPS                                                                    \
    .lookup = edge_s8_lookup_c16_neon, .lookup_s16 = edge_s16_lookup_ref,                            \
    .multiply = edge_s8_multiply_c8_neon, .multiply_s16 = edge_s16_multiply_c8_neon

static const edge_kernel_table neon_table = {
    .name = "neon",
    .conv2d_pack = edge_s8_conv2d_pack_4x4k16_neon,
    .conv2d = edge_s8_conv2d_4x4k16_neon,
    .depthwise_conv2d_pack = edge_s8_depthwise_conv2d_pack_c8_neon,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_c8_neon,
    .fully_connected_pack = edge_s8_fully_connected_pack_neon,
    .fully_connected = edge_s8_fully_connected_neon,
    .max_pool = edge_s8_max_pool_c16_neon,
    .average_pool = edge_s8_average_pool_ref,
    .add = edge_s8_add_c8_neon,
    .conv2d_s16_pack = edge_s16_conv2d_pack_neon,
    .conv2d_s16 = edge_s16_conv2d_4x8_neon,
    EDGE_S16_NEON_OPS,
    EDGE_ELEMENTWISE_NEON_OPS,
};

static const edge_kernel_table neon_dotprod_table = {
    .name = "neon-dotprod",
    .conv2d_pack = edge_s8_conv2d_pack_4x8k4_neondot,
    .conv2d = edge_s8_conv2d_4x8k4_neondot,
    .depthwise_conv2d_pack = edge_s8_depthwise_conv2d_pack_c8_neon,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_c8_neon,
    .fully_connected_pack = edge_s8_fully_connected_pack_neondot,
    .fully_connected = edge_s8_fully_connected_neondot,
    .max_pool = edge_s8_max_pool_c16_neon,
    .average_pool = edge_s8_average_pool_ref,
    .add = edge_s8_add_c8_neon,
    .conv2d_s16_pack = edge_s16_conv2d_pack_4x8k4_neondot,
    .conv2d_s16 = edge_s16_conv2d_4x8k4_neondot,
    EDGE_S16_NEON_OPS,
    EDGE_ELEMENTWISE_NEON_OPS,
};
#endif

const edge_kernel_table *edge_kernels_reference(void) { return &reference_table; }

size_t edge_kernels_supported(const edge_kernel_table **tables, size_t capacity) {
    const edge_kernel_table *found[4];
    size_t count = 0;
    const edge_cpu_features cpu = edge_cpu_features_probe();
#if defined(__aarch64__)
    if (cpu.neon_dotprod) found[count++] = &neon_dotprod_table;
    if (cpu.neon) found[count++] = &neon_table;
#elif defined(__x86_64__)
#if defined(EDGE_KERNELS_SIMDE)
    found[count++] = &avx512vnni_table;
#else
    if (cpu.avx512vnni) found[count++] = &avx512vnni_table;
#endif
    if (cpu.avx2) found[count++] = &avx2_table;
#endif
    (void)cpu;
    found[count++] = &reference_table;
    for (size_t i = 0; i < count && i < capacity; ++i) tables[i] = found[i];
    return count;
}

const edge_kernel_table *edge_kernels_select(const char *name) {
    const edge_kernel_table *tables[4];
    const size_t count = edge_kernels_supported(tables, 4);
    if (name == NULL || name[0] == '\0') return tables[0];
    for (size_t i = 0; i < count; ++i)
        if (strcmp(tables[i]->name, name) == 0) return tables[i];
    return NULL;
}
