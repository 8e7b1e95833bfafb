// The Haar scan tables and their selection: the fastest the CPU supports is the default; any
// supported one can be forced by name (EdgeDetect reads EDGE_HAAR_KERNELS).
#include <string.h>

#include "haar_kernels.h"

size_t edge_haar_scan_8x_avx2(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, int32_t,
                              int32_t, int32_t *, size_t);
size_t edge_haar_scan_4x_neon(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, int32_t,
                              int32_t, int32_t *, size_t);
void edge_haar_integral_8x_avx2(const uint8_t *, int32_t, int32_t, int32_t, int32_t *, uint32_t *, int32_t);
void edge_haar_integral_4x_neon(const uint8_t *, int32_t, int32_t, int32_t, int32_t *, uint32_t *, int32_t);
void edge_haar_norms_8x_avx2(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, uint32_t *);
void edge_haar_norms_4x_neon(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, uint32_t *);
void edge_u8_resize_bilinear_exact_rows_8x_avx2(const edge_u8_resize_bilinear_exact_plan *, const uint8_t *, int32_t,
                                                int32_t, int32_t, uint8_t *, int32_t, uint32_t *);
void edge_u8_resize_bilinear_exact_rows_8x_neon(const edge_u8_resize_bilinear_exact_plan *, const uint8_t *, int32_t,
                                                int32_t, int32_t, uint8_t *, int32_t, uint32_t *);

static const edge_haar_kernels reference_kernels = {
    .name = "reference", .scan = edge_haar_scan_ref, .integral = edge_haar_integral, .norms = edge_haar_norms_ref,
    .resize_rows = edge_u8_resize_bilinear_exact_rows_ref};

#if defined(__x86_64__)
#include <cpuid.h>

static const edge_haar_kernels avx2_kernels = {
    .name = "avx2", .scan = edge_haar_scan_8x_avx2, .integral = edge_haar_integral_8x_avx2,
    .norms = edge_haar_norms_8x_avx2, .resize_rows = edge_u8_resize_bilinear_exact_rows_8x_avx2};

// AVX2 implemented by the CPU and its YMM state saved by the OS.
static int cpu_has_avx2(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !((ecx >> 27) & 1) || !((ecx >> 28) & 1)) return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6) return 0;
    return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && ((ebx >> 5) & 1);
}
#elif defined(__aarch64__)
static const edge_haar_kernels neon_kernels = {
    .name = "neon", .scan = edge_haar_scan_4x_neon, .integral = edge_haar_integral_4x_neon,
    .norms = edge_haar_norms_4x_neon, .resize_rows = edge_u8_resize_bilinear_exact_rows_8x_neon};
#endif

size_t edge_haar_kernels_supported(const edge_haar_kernels **tables, size_t capacity) {
    const edge_haar_kernels *found[3];
    size_t count = 0;
#if defined(__x86_64__)
    if (cpu_has_avx2()) found[count++] = &avx2_kernels;
#elif defined(__aarch64__)
    found[count++] = &neon_kernels;  // every armv8.0 CPU has Advanced SIMD
#endif
    found[count++] = &reference_kernels;
    for (size_t i = 0; i < count && i < capacity; ++i) tables[i] = found[i];
    return count;
}

const edge_haar_kernels *edge_haar_kernels_select(const char *name) {
    const edge_haar_kernels *tables[3];
    const size_t count = edge_haar_kernels_supported(tables, 3);
    if (name == NULL || name[0] == '\0') return tables[0];
    for (size_t i = 0; i < count; ++i)
        if (strcmp(tables[i]->name, name) == 0) return tables[i];
    return NULL;
}
