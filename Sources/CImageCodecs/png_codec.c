#include "image_codecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} png_memory_reader;

typedef struct {
    char *message; // EDGE_CODEC_ERROR_CAPACITY bytes
} png_error_sink;

static void png_error_to_sink(png_structp png, png_const_charp message) {
    png_error_sink *sink = (png_error_sink *)png_get_error_ptr(png);
    snprintf(sink->message, EDGE_CODEC_ERROR_CAPACITY, "PNG: %s", message);
    png_longjmp(png, 1);
}

static void png_warning_ignored(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void png_read_from_memory(png_structp png, png_bytep destination, size_t length) {
    png_memory_reader *reader = (png_memory_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "file is truncated");
    }
    memcpy(destination, reader->data + reader->offset, length);
    reader->offset += length;
}

int edge_png_decode(const uint8_t *data, size_t size, uint32_t max_side,
                    edge_decoded_image *out, char error[EDGE_CODEC_ERROR_CAPACITY]) {
    memset(out, 0, sizeof(*out));
    error[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: not a PNG signature");
        return -1;
    }
    png_error_sink sink = {error};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, png_error_to_sink,
                                             png_warning_ignored);
    if (!png) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_memory_reader reader = {data, size, 0};
    // Volatile: modified between setjmp and a possible longjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        if (!error[0]) snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: decoding failed");
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        return -1;
    }
    png_set_read_fn(png, &reader, png_read_from_memory);
    png_set_user_limits(png, max_side, max_side);
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (bit_depth == 16) png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    uint32_t channels = png_get_channels(png, info);
    if (png_get_bit_depth(png, info) != 8 || (channels != 1 && channels != 3)) {
        png_error(png, "unsupported sample layout after conversion");
    }
    size_t row_bytes = (size_t)width * channels;
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + row_bytes * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->pixels = pixels;
    return 0;
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
} png_memory_writer;

static void png_write_to_memory(png_structp png, png_bytep source, size_t length) {
    png_memory_writer *writer = (png_memory_writer *)png_get_io_ptr(png);
    if (writer->size + length > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 4096;
        while (capacity < writer->size + length) capacity *= 2;
        uint8_t *grown = realloc(writer->data, capacity);
        if (!grown) png_error(png, "out of memory");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, source, length);
    writer->size += length;
}

static void png_flush_nothing(png_structp png) { (void)png; }

int edge_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                    uint8_t **png_out, size_t *png_size, char error[EDGE_CODEC_ERROR_CAPACITY]) {
    *png_out = NULL;
    *png_size = 0;
    error[0] = 0;
    if (channels != 1 && channels != 3) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: can only encode 1 or 3 channels");
        return -1;
    }
    png_error_sink sink = {error};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_error_to_sink,
                                              png_warning_ignored);
    if (!png) {
        snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_memory_writer writer = {NULL, 0, 0};
    if (!info || setjmp(png_jmpbuf(png))) {
        if (!error[0]) snprintf(error, EDGE_CODEC_ERROR_CAPACITY, "PNG: encoding failed");
        free(writer.data);
        png_destroy_write_struct(&png, info ? &info : NULL);
        return -1;
    }
    png_set_write_fn(png, &writer, png_write_to_memory, png_flush_nothing);
    png_set_IHDR(png, info, width, height, 8, channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, pixels + (size_t)y * width * channels);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *png_out = writer.data;
    *png_size = writer.size;
    return 0;
}

void edge_codec_free(void *pointer) { free(pointer); }
