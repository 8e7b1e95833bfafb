// Int8 max pool on AVX-512BW: 64 channels per VPMAXSB, the channel tail through masked loads and
// stores (masked-off bytes read as 0 and are never stored), any window, stride and padding.
// Padding taps are skipped, as in the reference; a window always holds a valid tap.
#if defined(__x86_64__) || defined(EDGE_KERNELS_SIMDE)
#include "intrinsics_avx512.h"
#include "../internal/pool_window.h"

EDGE_AVX512BW void edge_s8_max_pool_c64_avx512bw(const edge_window_params *window, int32_t activation_min,
                                                 int32_t activation_max, const int8_t *input, int32_t row_begin,
                                                 int32_t row_end, int8_t *output) {
    const edge_window_params local = *window, *w = &local;  // see edge_pool_window
    const int32_t channels = w->output_channels;
    const __m512i lo = _mm512_set1_epi8((char)activation_min), hi = _mm512_set1_epi8((char)activation_max);
    for (int32_t oy = row_begin; oy < row_end; ++oy) {
        for (int32_t ox = 0; ox < w->output_width; ++ox) {
            const edge_pool_window p = edge_pool_window_at(w, oy, ox);
            int8_t *out = output + edge_pool_output(w, oy, ox);
            for (int32_t c = 0; c < channels; c += 64) {
                const uint64_t mask = edge_low_lanes(channels - c);
                __m512i best = _mm512_set1_epi8(-128);
                for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky)
                    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx)
                        best = _mm512_max_epi8(best, _mm512_maskz_loadu_epi8(mask, input + edge_pool_tap(&p, ky, kx) + c));
                _mm512_mask_storeu_epi8(out + c, mask, _mm512_min_epi8(_mm512_max_epi8(best, lo), hi));
            }
        }
    }
}
#endif
