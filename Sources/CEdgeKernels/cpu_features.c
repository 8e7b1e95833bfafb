// CPU feature probe for kernel dispatch: what the CPU implements AND the OS enables.
#include "internal/edge_kernel_variants.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

edge_cpu_features edge_cpu_features_probe(void) {
    edge_cpu_features f = {0, 0, 0, 0};
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!osxsave || !avx) return f;
    const uint64_t xcr0 = read_xcr0();
    const int ymm_saved = (xcr0 & 0x6) == 0x6;         // SSE + AVX state
    const int zmm_saved = (xcr0 & 0xE6) == 0xE6;       // + opmask, ZMM0-15 high, ZMM16-31
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
    f.avx2 = ymm_saved && ((ebx >> 5) & 1);
    const int avx512f = (ebx >> 16) & 1, avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
    const int avx512vnni = (ecx >> 11) & 1;
    f.avx512vnni = f.avx2 && zmm_saved && avx512f && avx512bw && avx512vl && avx512vnni;
    return f;
}

#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

edge_cpu_features edge_cpu_features_probe(void) {
    const unsigned long hwcap = getauxval(AT_HWCAP);
    edge_cpu_features f = {0, 0, 1, (hwcap & HWCAP_ASIMDDP) != 0};
    return f;
}

#else
edge_cpu_features edge_cpu_features_probe(void) {
    edge_cpu_features f = {0, 0, 0, 0};
    return f;
}
#endif
