// The LBP scan variants and their selection: the fastest one the CPU runs is the default; any
// supported one can be forced by name (EdgeDetect reads EDGE_LBP_KERNELS and prints the choice once).
#include <string.h>

#include "lbp_kernels.h"

static const edge_lbp_kernel reference_kernel = {"reference", edge_u8_lbp_scan_ref};
#if defined(__x86_64__)
static const edge_lbp_kernel avx2_kernel = {"avx2", edge_u8_lbp_scan_x8_avx2};
#endif
#if defined(__aarch64__)
static const edge_lbp_kernel neon_kernel = {"neon", edge_u8_lbp_scan_x4_neon};
#endif

size_t edge_lbp_kernels_supported(const edge_lbp_kernel **kernels, size_t capacity) {
    const edge_lbp_kernel *found[4];
    size_t count = 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) found[count++] = &avx2_kernel;
#endif
#if defined(__aarch64__)
    found[count++] = &neon_kernel;  // Advanced SIMD is part of every armv8-a AArch64 core
#endif
    found[count++] = &reference_kernel;
    for (size_t i = 0; i < count && i < capacity; ++i) kernels[i] = found[i];
    return count;
}

const edge_lbp_kernel *edge_lbp_kernel_select(const char *name) {
    const edge_lbp_kernel *kernels[4];
    const size_t count = edge_lbp_kernels_supported(kernels, 4);
    if (name == NULL || name[0] == '\0') return kernels[0];
    for (size_t i = 0; i < count; ++i)
        if (strcmp(kernels[i]->name, name) == 0) return kernels[i];
    return NULL;
}
