#include "image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

// libjpeg's default error_exit calls exit(); this one records the message and longjmps back to
// edge_jpeg_decode, which is the only frame between the setjmp and libjpeg.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf resume;
    char *message;
} jpeg_error_sink;

static void jpeg_error_to_sink(j_common_ptr cinfo) {
    jpeg_error_sink *sink = (jpeg_error_sink *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    sink->base.format_message(cinfo, text);
    snprintf(sink->message, EDGE_CODEC_ERROR_CAPACITY, "JPEG: %s", text);
    longjmp(sink->resume, 1);
}

static void jpeg_message_ignored(j_common_ptr cinfo) { (void)cinfo; }

int edge_jpeg_decode(const uint8_t *data, size_t size, uint32_t max_side,
                     edge_decoded_image *out, char error[EDGE_CODEC_ERROR_CAPACITY]) {
    memset(out, 0, sizeof(*out));
    error[0] = 0;
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "JPEG: not a JPEG signature");
        return -1;
    }
    struct jpeg_decompress_struct cinfo;
    jpeg_error_sink sink;
    cinfo.err = jpeg_std_error(&sink.base);
    sink.base.error_exit = jpeg_error_to_sink;
    sink.base.output_message = jpeg_message_ignored;
    sink.message = error;
    uint8_t *volatile pixels = NULL;
    if (setjmp(sink.resume)) {
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.image_width == 0 || cinfo.image_height == 0 || cinfo.image_width > max_side ||
        cinfo.image_height > max_side) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "JPEG: image is %ux%u, limit is 1..%u per side",
                 cinfo.image_width, cinfo.image_height, max_side);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    if (cinfo.jpeg_color_space == JCS_GRAYSCALE) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    } else if (cinfo.jpeg_color_space == JCS_YCbCr || cinfo.jpeg_color_space == JCS_RGB) {
        cinfo.out_color_space = JCS_RGB;
    } else {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "JPEG: CMYK/YCCK colour space is not supported");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_start_decompress(&cinfo);
    uint32_t channels = (uint32_t)cinfo.output_components;
    size_t row_bytes = (size_t)cinfo.output_width * channels;
    pixels = malloc(row_bytes * cinfo.output_height);
    if (!pixels) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "JPEG: out of memory");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + row_bytes * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    // libjpeg answers a truncated or damaged stream with warnings and made-up pixels; refuse those.
    if (sink.base.num_warnings > 0) {
        char text[JMSG_LENGTH_MAX];
        sink.base.format_message((j_common_ptr)&cinfo, text);
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "JPEG: corrupt or truncated data (%s)", text);
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    out->width = cinfo.output_width;
    out->height = cinfo.output_height;
    out->channels = channels;
    out->pixels = pixels;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
