// Integral and squared integral images, 8 pixels of a row per step (AVX2): the row's running sums by a
// log-step prefix within the 8 lanes plus the carry of the previous 8, then the row above added. Every
// addition is int32/uint32 wrap-around, so the result equals edge_haar_integral's bit for bit (header).
#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#include "haar_kernels.h"

#define EDGE_AVX2 __attribute__((target("avx2")))

// Inclusive prefix sums of the 8 lanes.
EDGE_AVX2 static inline __m256i prefix_8x(__m256i v) {
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 4));
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 8));
    const __m256i low_total = _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(3));
    return _mm256_add_epi32(v, _mm256_blend_epi32(_mm256_setzero_si256(), low_total, 0xF0));
}

EDGE_AVX2 void edge_haar_integral_8x_avx2(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride,
                                          int32_t *sum, uint32_t *sqsum, int32_t stride) {
    memset(sum, 0, sizeof(int32_t) * (size_t)(width + 1));
    memset(sqsum, 0, sizeof(uint32_t) * (size_t)(width + 1));
    const __m256i last = _mm256_set1_epi32(7);
    for (int32_t y = 0; y < height; y++) {
        const uint8_t *row = image + (size_t)y * (size_t)image_stride;
        const int32_t *above = sum + (size_t)y * (size_t)stride;
        const uint32_t *above_sq = sqsum + (size_t)y * (size_t)stride;
        int32_t *line = sum + (size_t)(y + 1) * (size_t)stride;
        uint32_t *line_sq = sqsum + (size_t)(y + 1) * (size_t)stride;
        line[0] = 0;
        line_sq[0] = 0;
        __m256i carry = _mm256_setzero_si256(), carry_sq = _mm256_setzero_si256();
        int32_t x = 0;
        for (; x + 8 <= width; x += 8) {
            const __m256i pixels = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(row + x)));
            const __m256i running = _mm256_add_epi32(prefix_8x(pixels), carry);
            const __m256i running_sq = _mm256_add_epi32(prefix_8x(_mm256_mullo_epi32(pixels, pixels)), carry_sq);
            carry = _mm256_permutevar8x32_epi32(running, last);
            carry_sq = _mm256_permutevar8x32_epi32(running_sq, last);
            _mm256_storeu_si256((__m256i *)(line + x + 1),
                                _mm256_add_epi32(running, _mm256_loadu_si256((const __m256i *)(above + x + 1))));
            _mm256_storeu_si256((__m256i *)(line_sq + x + 1),
                                _mm256_add_epi32(running_sq, _mm256_loadu_si256((const __m256i *)(above_sq + x + 1))));
        }
        int32_t running = _mm256_cvtsi256_si32(carry);
        uint32_t running_sq = (uint32_t)_mm256_cvtsi256_si32(carry_sq);
        for (; x < width; x++) {
            const uint32_t pixel = row[x];
            running += (int32_t)pixel;
            running_sq += pixel * pixel;
            line[x + 1] = above[x + 1] + running;
            line_sq[x + 1] = above_sq[x + 1] + running_sq;
        }
    }
}
#endif
