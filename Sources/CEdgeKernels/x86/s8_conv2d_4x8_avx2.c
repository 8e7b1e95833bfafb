// Int8 conv (any kernel size, stride, padding) as a matrix product on AVX2: tiles of 4 output
// pixels x 8 (or 16) output channels. Patches hold x - input_zero_point as int16 ([-255, 255]) and
// weights are int16, so VPMADDWD forms exact int32 pair sums (|2 * 255 * 127| < 2^31) without the
// int16 saturation of VPMADDUBSW; the accumulation is the reference's integer, summed in another
// order. Fully connected layers run through the same code as a 1x1 conv over one pixel.
#if defined(__x86_64__)
#include <string.h>

#include "requantize_avx2.h"

// Weights re-laid out per call: [channel block of 8][pair p][lane][2] = filter[block * 8 + lane][2p + 0/1],
// zero beyond the reduction length and the channel count.
EDGE_AVX2 static void pack_pairs(const int8_t *filter, int32_t channels, int32_t reduction, int32_t padded,
                                 int16_t *packed) {
    const int32_t blocks = (channels + 7) / 8;
    for (int32_t b = 0; b < blocks; ++b) {
        for (int32_t p = 0; p < padded / 2; ++p) {
            int16_t *dst = packed + ((size_t)b * (padded / 2) + p) * 16;
            for (int32_t lane = 0; lane < 8; ++lane) {
                const int32_t oc = b * 8 + lane;
                for (int32_t j = 0; j < 2; ++j) {
                    const int32_t k = 2 * p + j;
                    dst[lane * 2 + j] = (oc < channels && k < reduction) ? filter[(size_t)oc * reduction + k] : 0;
                }
            }
        }
    }
}

// x - zero_point as int16 for `n` input bytes, 16 at a time. Reads up to 15 bytes past src + n
// only when `readable` (bytes from src to the end of the input) allows; writes up to 15 entries
// past dst + n, which the caller either overwrites later or has room for.
EDGE_AVX2 static inline void widen_row(const int8_t *src, size_t readable, int16_t *dst, int32_t n, __m256i zero_point) {
    int32_t i = 0;
    if ((size_t)((n + 15) & ~15) <= readable) {
        for (; i < n; i += 16) {
            const __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i)));
            _mm256_storeu_si256((__m256i *)(dst + i), _mm256_sub_epi16(x, zero_point));
        }
        return;
    }
    for (; i < n; ++i) dst[i] = (int16_t)(src[i] - _mm256_extract_epi16(zero_point, 0));
}

// The patch of output pixel (oy, ox) as int16 x - zero_point, padding taps 0, entries from the
// reduction length to `padded` 0. `dst` has 16 entries of slack after `padded`.
EDGE_AVX2 static inline void build_patch(const edge_window_params *w, const int8_t *input, size_t input_size,
                                         int32_t oy, int32_t ox, __m256i zero_point, int16_t *dst, int32_t padded) {
    const int32_t iy0 = oy * w->stride_height - w->pad_top, ix0 = ox * w->stride_width - w->pad_left;
    const int32_t ic = w->input_channels, row = w->kernel_width * ic;
    const int interior_x = ix0 >= 0 && ix0 + w->kernel_width <= w->input_width;
    for (int32_t ky = 0; ky < w->kernel_height; ++ky) {
        int16_t *out = dst + ky * row;
        const int32_t iy = iy0 + ky;
        if (iy < 0 || iy >= w->input_height) {
            for (int32_t i = 0; i < row; ++i) out[i] = 0;
            continue;
        }
        const size_t offset = ((size_t)iy * w->input_width) * ic;
        if (interior_x) {
            const size_t start = offset + (size_t)ix0 * ic;
            widen_row(input + start, input_size - start, out, row, zero_point);
            continue;
        }
        for (int32_t kx = 0; kx < w->kernel_width; ++kx) {
            const int32_t ix = ix0 + kx;
            if (ix < 0 || ix >= w->input_width) {
                for (int32_t c = 0; c < ic; ++c) out[kx * ic + c] = 0;
            } else {
                const size_t start = offset + (size_t)ix * ic;
                widen_row(input + start, input_size - start, out + kx * ic, ic, zero_point);
            }
        }
    }
    for (int32_t i = w->kernel_height * row; i < padded; ++i) dst[i] = 0;
}

typedef struct {
    edge_requant_avx2 requant;
    __m256i bias;
} channel_block;

// Accumulates 4 patches against `blocks` (1 or 2) consecutive channel blocks, requantizes and
// stores `pixels` outputs of `channels` channels (0 < channels <= 8 * blocks).
EDGE_AVX2 __attribute__((always_inline)) static inline void tile(
    const int16_t *patches, int32_t padded, const int16_t *weights, const channel_block *cb, int blocks,
    int32_t pixels, int32_t channels, int8_t *out, int32_t out_stride, const edge_output_avx2 *o, int left_shifts) {
    __m256i acc[4][2];
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < blocks; ++b) acc[i][b] = cb[b].bias;
    const int16_t *p0 = patches, *p1 = patches + padded, *p2 = patches + 2 * padded, *p3 = patches + 3 * padded;
    const size_t block_stride = (size_t)(padded / 2) * 16;
    for (int32_t k = 0; k < padded; k += 2) {
        int32_t x0, x1, x2, x3;
        memcpy(&x0, p0 + k, 4), memcpy(&x1, p1 + k, 4), memcpy(&x2, p2 + k, 4), memcpy(&x3, p3 + k, 4);
        const __m256i b0 = _mm256_set1_epi32(x0), b1 = _mm256_set1_epi32(x1);
        const __m256i b2 = _mm256_set1_epi32(x2), b3 = _mm256_set1_epi32(x3);
        for (int b = 0; b < blocks; ++b) {
            const __m256i wv = _mm256_loadu_si256((const __m256i *)(weights + b * block_stride + (size_t)k * 8));
            acc[0][b] = _mm256_add_epi32(acc[0][b], _mm256_madd_epi16(b0, wv));
            acc[1][b] = _mm256_add_epi32(acc[1][b], _mm256_madd_epi16(b1, wv));
            acc[2][b] = _mm256_add_epi32(acc[2][b], _mm256_madd_epi16(b2, wv));
            acc[3][b] = _mm256_add_epi32(acc[3][b], _mm256_madd_epi16(b3, wv));
        }
    }
    for (int32_t i = 0; i < pixels; ++i) {
        for (int b = 0; b < blocks; ++b) {
            const __m128i y = edge_narrow_s8_avx2(edge_requantize_avx2_shifting(acc[i][b], &cb[b].requant, left_shifts), o);
            const int32_t n = channels - b * 8;
            int8_t *dst = out + (size_t)i * out_stride + b * 8;
            if (n >= 8) {
                _mm_storel_epi64((__m128i *)dst, y);
            } else {
                int8_t tmp[16];
                _mm_storeu_si128((__m128i *)tmp, y);
                memcpy(dst, tmp, (size_t)n);
            }
        }
    }
}

EDGE_AVX2 __attribute__((always_inline)) static inline void conv(const edge_window_params *w,
                                                                  const edge_requant_params *rq, const int8_t *input,
                                                                  const int8_t *filter, const int32_t *bias,
                                                                  int8_t *output, int left_shifts) {
    const int32_t reduction = edge_conv_reduction(w);
    const int32_t padded = (reduction + 1) & ~1;
    const int32_t channels = w->output_channels, blocks = (channels + 7) / 8;
    _Alignas(32) int16_t packed[EDGE_MAX_PACKED_WEIGHT_BYTES / 2];
    _Alignas(32) int16_t patches[4 * EDGE_MAX_REDUCTION + 16];
    channel_block cb[EDGE_MAX_CHANNELS / 8];
    pack_pairs(filter, channels, reduction, padded, packed);
    for (int32_t b = 0; b < blocks; ++b) {
        int32_t m[8], s[8], bi[8];
        for (int32_t lane = 0; lane < 8; ++lane) {
            const int32_t oc = b * 8 + lane;
            m[lane] = oc < channels ? rq->multiplier[oc] : 0;
            s[lane] = oc < channels ? rq->shift[oc] : 0;
            bi[lane] = oc < channels ? bias[oc] : 0;
        }
        cb[b].requant = edge_requant_avx2_make(m, s);
        cb[b].bias = _mm256_loadu_si256((const __m256i *)bi);
    }
    const edge_output_avx2 o = edge_output_avx2_make(rq->output_zero_point, rq->activation_min, rq->activation_max);
    const int32_t pixels = w->output_height * w->output_width;
    const size_t block_stride = (size_t)(padded / 2) * 16;
    const size_t input_size = (size_t)w->input_height * w->input_width * w->input_channels;
    const __m256i input_zero_point = _mm256_set1_epi16((int16_t)rq->input_zero_point);
    const int pointwise = w->kernel_height == 1 && w->kernel_width == 1 && w->stride_height == 1 &&
                          w->stride_width == 1 && w->pad_top == 0 && w->pad_left == 0 && padded == reduction &&
                          w->output_height == w->input_height && w->output_width == w->input_width;
    int32_t oy = 0, ox = 0;  // the first pixel of the tile
    for (int32_t p = 0; p < pixels; p += 4) {
        const int32_t n = pixels - p < 4 ? pixels - p : 4;
        if (pointwise) {  // the 4 patches are n * input_channels consecutive input bytes
            widen_row(input + (size_t)p * padded, input_size - (size_t)p * padded, patches, n * padded, input_zero_point);
            for (int32_t i = n * padded; i < 4 * padded; ++i) patches[i] = 0;
        } else {
            for (int32_t i = 0, y = oy, x = ox; i < 4; ++i) {
                build_patch(w, input, input_size, y, x, input_zero_point, patches + i * padded, padded);
                if (i + 1 < n && ++x == w->output_width) x = 0, ++y;
            }
        }
        ox += 4;
        while (ox >= w->output_width) ox -= w->output_width, ++oy;
        int8_t *out = output + (size_t)p * channels;
        int32_t b = 0;
        for (; b + 2 <= blocks; b += 2) {
            tile(patches, padded, packed + b * block_stride, cb + b, 2, n, channels - b * 8, out + b * 8, channels, &o, left_shifts);
        }
        if (b < blocks) {
            tile(patches, padded, packed + b * block_stride, cb + b, 1, n, channels - b * 8, out + b * 8, channels, &o, left_shifts);
        }
    }
}

EDGE_AVX2 void edge_s8_conv2d_4x8_avx2(const edge_window_params *w, const edge_requant_params *rq,
                                       const int8_t *input, const int8_t *filter, const int32_t *bias,
                                       int8_t *output) {
    const int32_t padded = (edge_conv_reduction(w) + 1) & ~1;
    const int32_t channels = w->output_channels, blocks = (channels + 7) / 8;
    if (channels > EDGE_MAX_CHANNELS || padded > EDGE_MAX_REDUCTION ||
        (size_t)blocks * padded * 16 > EDGE_MAX_PACKED_WEIGHT_BYTES) {
        edge_s8_conv2d_ref(w, rq, input, filter, bias, output);
    } else if (edge_any_left_shift(rq->shift, channels)) {
        conv(w, rq, input, filter, bias, output, 1);
    } else {
        conv(w, rq, input, filter, bias, output, 0);
    }
}

EDGE_AVX2 void edge_s8_fully_connected_avx2(int32_t input_count, int32_t output_count,
                                            const edge_requant_params *requant, const int8_t *input,
                                            const int8_t *filter, const int32_t *bias, int8_t *output) {
    const edge_window_params w = edge_fully_connected_window(input_count, output_count);
    edge_s8_conv2d_4x8_avx2(&w, requant, input, filter, bias, output);
}
#endif
