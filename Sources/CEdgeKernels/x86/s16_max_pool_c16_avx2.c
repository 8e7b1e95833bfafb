// Int16-activation max pool on AVX2: 16 channels per VPMAXSW (then 8, then scalar), any window,
// stride and padding. Padding taps are skipped, as in the reference; a window always holds a valid tap.
#if defined(__x86_64__)
#include "requantize_avx2.h"

EDGE_AVX2 void edge_s16_max_pool_c16_avx2(const edge_window_params *w, int32_t activation_min, int32_t activation_max,
                                          const int16_t *input, int32_t row_begin, int32_t row_end, int16_t *output) {
    const int32_t channels = w->output_channels;
    const __m256i lo = _mm256_set1_epi16((int16_t)activation_min), hi = _mm256_set1_epi16((int16_t)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        const int32_t iy0 = oy * w->stride_height - w->pad_top;
        int32_t ky_begin, ky_end;
        edge_valid_taps(iy0, w->kernel_height, w->input_height, &ky_begin, &ky_end);
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const int32_t ix0 = ox * w->stride_width - w->pad_left;
            int32_t kx_begin, kx_end;
            edge_valid_taps(ix0, w->kernel_width, w->input_width, &kx_begin, &kx_end);
            int16_t *out = output + ((size_t)oy * w->output_width + ox) * channels;
            int32_t c = 0;
            for (; c + 16 <= channels; c += 16) {
                __m256i best = _mm256_set1_epi16(INT16_MIN);
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx)
                        best = _mm256_max_epi16(best, _mm256_loadu_si256((const __m256i *)(
                            input + ((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c)));
                _mm256_storeu_si256((__m256i *)(out + c), _mm256_min_epi16(_mm256_max_epi16(best, lo), hi));
            }
            for (; c + 8 <= channels; c += 8) {
                __m128i best = _mm_set1_epi16(INT16_MIN);
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx)
                        best = _mm_max_epi16(best, _mm_loadu_si128((const __m128i *)(
                            input + ((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c)));
                _mm_storeu_si128((__m128i *)(out + c), _mm_min_epi16(_mm_max_epi16(best, _mm256_castsi256_si128(lo)),
                                                                     _mm256_castsi256_si128(hi)));
            }
            for (; c < channels; ++c) {
                int32_t best = INT16_MIN;
                for (int32_t ky = ky_begin; ky < ky_end; ++ky)
                    for (int32_t kx = kx_begin; kx < kx_end; ++kx) {
                        const int32_t x = input[((size_t)(iy0 + ky) * w->input_width + ix0 + kx) * channels + c];
                        if (x > best) best = x;
                    }
                out[c] = (int16_t)(best < activation_min ? activation_min : best > activation_max ? activation_max : best);
            }
        }
    }
}
#endif
