// Int16-activation max pool on AVX2: 16 channels per VPMAXSW (then 8, then scalar), any window,
// stride and padding. Padding taps are skipped, as in the reference; a window always holds a valid tap.
#if defined(__x86_64__)
#include "requantize_avx2.h"
#include "../internal/pool_window.h"

EDGE_AVX2 void edge_s16_max_pool_c16_avx2(const edge_window_params *window, int32_t activation_min, int32_t activation_max,
                                          const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    const edge_window_params local = *window, *w = &local;  // see edge_pool_window
    const int32_t channels = w->output_channels;
    const __m256i lo = _mm256_set1_epi16((int16_t)activation_min), hi = _mm256_set1_epi16((int16_t)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const edge_pool_window p = edge_pool_window_at(w, oy, ox);
            int16_t *out = output + edge_pool_output(w, oy, ox);
            int32_t c = 0;
            for (; c + 16 <= channels; c += 16) {
                __m256i best = _mm256_set1_epi16(INT16_MIN);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = _mm256_max_epi16(best, _mm256_loadu_si256((const __m256i *)(
                            input + edge_pool_tap(&p, ky, kx) + c)));
                _mm256_storeu_si256((__m256i *)(out + c), _mm256_min_epi16(_mm256_max_epi16(best, lo), hi));
            }
            for (; c + 8 <= channels; c += 8) {
                __m128i best = _mm_set1_epi16(INT16_MIN);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = _mm_max_epi16(best, _mm_loadu_si128((const __m128i *)(
                            input + edge_pool_tap(&p, ky, kx) + c)));
                _mm_storeu_si128((__m128i *)(out + c), _mm_min_epi16(_mm_max_epi16(best, _mm256_castsi256_si128(lo)),
                                                                     _mm256_castsi256_si128(hi)));
            }
            for (; c < channels; ++c) {
                const int32_t best = edge_max_pool_channel(&p, input, 2, c);
                out[c] = (int16_t)(best < activation_min ? activation_min : best > activation_max ? activation_max : best);
            }
        }
    }
}
#endif
