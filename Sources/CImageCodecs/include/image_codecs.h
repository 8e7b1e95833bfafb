// PNG and JPEG decoding/encoding through libpng and libjpeg-turbo, with their longjmp-based error
// handling kept inside C: every function returns 0 on success or -1 with a message in `error`,
// and never exits or unwinds into Swift.
#ifndef EDGE_IMAGE_CODECS_H
#define EDGE_IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { EDGE_CODEC_ERROR_CAPACITY = 256 };

// A decoded image: 8-bit samples, `channels` is 1 (gray) or 3 (R, G, B), rows packed without padding.
// `pixels` is malloc'd by the decoder; release it with edge_codec_free.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    uint8_t *pixels;
} edge_decoded_image;

// Decodes a PNG held in memory the way OpenCV's imread(IMREAD_COLOR) sees it: 16-bit samples keep
// their high byte, palettes expand to RGB, sub-byte gray expands to 8 bits, alpha (and tRNS) is
// dropped, gray stays one channel. Images wider or taller than max_side are refused before any
// pixel memory is allocated.
int edge_png_decode(const uint8_t *data, size_t size, uint32_t max_side,
                    edge_decoded_image *out, char error[EDGE_CODEC_ERROR_CAPACITY]);

// Decodes a baseline or progressive JPEG (gray or YCbCr) held in memory to gray or RGB with
// libjpeg's defaults (islow IDCT, fancy upsampling), as OpenCV's imread does. CMYK/YCCK refused.
int edge_jpeg_decode(const uint8_t *data, size_t size, uint32_t max_side,
                     edge_decoded_image *out, char error[EDGE_CODEC_ERROR_CAPACITY]);

// Encodes 8-bit gray (channels 1) or RGB (channels 3) rows to a PNG in memory. `*png` is malloc'd;
// release it with edge_codec_free.
int edge_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                    uint8_t **png, size_t *png_size, char error[EDGE_CODEC_ERROR_CAPACITY]);

void edge_codec_free(void *pointer);

#ifdef __cplusplus
}
#endif
#endif
