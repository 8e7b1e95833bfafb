// The AVX-512 intrinsics the *_avx512vnni / *_avx512bw kernels use, from one of two places:
// - normally <immintrin.h>, with the ISA enabled per function by EDGE_AVX512VNNI / EDGE_AVX512BW
//   (never by global flags, so the rest of the library stays baseline x86-64 / AVX2);
// - with EDGE_KERNELS_SIMDE defined, SIMDe's portable C implementations (Debian libsimde-dev,
//   compiled with SIMDE_NO_NATIVE) and no target attributes, so that the SAME kernel source runs
//   on a CPU without AVX-512 (tools/test.d/11-avx512-kernels-simde checks it bit-exact against the
//   reference). SIMDe 0.7.4 lacks a few intrinsics; they are defined below lane by lane after the
//   Intel SDM's operation pseudo-code, only in that mode.
#ifndef EDGE_INTRINSICS_AVX512_H
#define EDGE_INTRINSICS_AVX512_H
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include <stdint.h>

#if defined(EDGE_KERNELS_SIMDE)
#ifndef SIMDE_ENABLE_NATIVE_ALIASES
#define SIMDE_ENABLE_NATIVE_ALIASES
#endif
#include <simde/x86/avx512.h>
#include <string.h>

#define EDGE_AVX512VNNI
#define EDGE_AVX512BW

// VPSRAVD zmm: per lane, count > 31 (unsigned) fills with the sign bit.
static inline __m512i edge_simde_mm512_srav_epi32(__m512i a, __m512i count) {
    int32_t x[16];
    uint32_t n[16];
    memcpy(x, &a, sizeof x), memcpy(n, &count, sizeof n);
    for (int i = 0; i < 16; ++i) x[i] = n[i] > 31 ? (x[i] < 0 ? -1 : 0) : x[i] >> n[i];
    memcpy(&a, x, sizeof x);
    return a;
}
#define _mm512_srav_epi32 edge_simde_mm512_srav_epi32

// VPMOVSXBD zmm, xmm: the 16 low bytes sign-extended to int32.
static inline __m512i edge_simde_mm512_cvtepi8_epi32(__m128i a) {
    int8_t b[16];
    int32_t x[16];
    memcpy(b, &a, sizeof b);
    for (int i = 0; i < 16; ++i) x[i] = b[i];
    __m512i result;
    memcpy(&result, x, sizeof x);
    return result;
}
#define _mm512_cvtepi8_epi32 edge_simde_mm512_cvtepi8_epi32

// VMOVDQU8 with a zeroing / merging mask: only the bytes whose mask bit is set are read or written
// (masked-off bytes may lie outside any object, as on hardware, where they do not fault).
#define EDGE_SIMDE_MASKED_BYTES(bits, type, load, store)                                          \
    static inline type edge_simde_##load(uint64_t mask, const void *source) {                     \
        int8_t v[bits / 8] = {0};                                                                  \
        for (int i = 0; i < bits / 8; ++i)                                                         \
            if ((mask >> i) & 1) v[i] = ((const int8_t *)source)[i];                               \
        type result;                                                                               \
        memcpy(&result, v, sizeof v);                                                              \
        return result;                                                                             \
    }                                                                                              \
    static inline void edge_simde_##store(void *target, uint64_t mask, type a) {                  \
        int8_t v[bits / 8];                                                                        \
        memcpy(v, &a, sizeof v);                                                                   \
        for (int i = 0; i < bits / 8; ++i)                                                         \
            if ((mask >> i) & 1) ((int8_t *)target)[i] = v[i];                                     \
    }
EDGE_SIMDE_MASKED_BYTES(128, __m128i, mm_maskz_loadu_epi8, mm_mask_storeu_epi8)
EDGE_SIMDE_MASKED_BYTES(256, __m256i, mm256_maskz_loadu_epi8, mm256_mask_storeu_epi8)
EDGE_SIMDE_MASKED_BYTES(512, __m512i, mm512_maskz_loadu_epi8, mm512_mask_storeu_epi8)
#undef EDGE_SIMDE_MASKED_BYTES
#define _mm_maskz_loadu_epi8(mask, p) edge_simde_mm_maskz_loadu_epi8(mask, p)
#define _mm256_maskz_loadu_epi8(mask, p) edge_simde_mm256_maskz_loadu_epi8(mask, p)
#define _mm512_maskz_loadu_epi8(mask, p) edge_simde_mm512_maskz_loadu_epi8(mask, p)
#define _mm_mask_storeu_epi8(p, mask, a) edge_simde_mm_mask_storeu_epi8(p, mask, a)
#define _mm256_mask_storeu_epi8(p, mask, a) edge_simde_mm256_mask_storeu_epi8(p, mask, a)
#define _mm512_mask_storeu_epi8(p, mask, a) edge_simde_mm512_mask_storeu_epi8(p, mask, a)

#else
#include <immintrin.h>

#define EDGE_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define EDGE_AVX512BW __attribute__((target("avx512f,avx512bw,avx512vl")))
#endif

// Mask of the low `n` lanes (0 <= n <= 64).
static inline uint64_t edge_low_lanes(int32_t n) { return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1); }

#endif
#endif  // EDGE_INTRINSICS_AVX512_H
