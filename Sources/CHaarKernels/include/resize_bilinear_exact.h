// The pyramid level resize of the Haar detector: 8-bit bilinear resize bit-exact with OpenCV 4.x
// INTER_LINEAR_EXACT (what CascadeClassifier computes for its levels), on taps precomputed by the caller
// (EdgeImage's ExactBilinearResizer makes them; they define which source pixels and weights each output uses).
//
// Taps of one axis, per destination index d: the source index i = taps[d] and the weights w0 = weights[2d],
// w1 = weights[2d + 1] (8 fractional bits), with
// - 0 <= w0, w1 <= 256 and w0 + w1 = 256 (variants may blend as w0 * a + w1 * b = 256 * a + w1 * (b - a));
// - 0 <= i < source size, and i + 1 < source size when w1 > 0; when w1 == 0 only i is read (an edge tap);
// - taps nondecreasing in d (variants find their in-bounds columns from the last taps).
//
// Numeric contract (the reference, edge_u8_resize_bilinear_exact_rows_ref, defines the result):
// - horizontal, per source row p used and destination column d (column taps i, w0, w1):
//   h = w0 * p[i] + w1 * p[i + 1], 0 <= h <= 255 * 256 = 65280 (fits uint16 and int32);
// - vertical, per destination row r (row taps j, v0, v1) and column d, h0 from source row j, h1 from row j + 1:
//   out = (h0 * v0 + h1 * v1 + 2^15) >> 16, the sum 0 <= h0 * v0 + h1 * v1 + 2^15 <= 65280 * 256 + 2^15 < 2^24 + 2^15
//   (fits int32), out <= 255; when v1 == 0 (row j alone, row j + 1 is not read): out = (h0 + 128) >> 8, the same
//   value ((256 * h0 + 2^15) >> 16).
// Every destination pixel depends only on its own row and column taps, so a range of rows equals the same rows of
// the whole resize. A source row's horizontal pass is made once for consecutive destination rows that share it.
#ifndef EDGE_RESIZE_BILINEAR_EXACT_H
#define EDGE_RESIZE_BILINEAR_EXACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// One size pair's taps (see above); the arrays are the caller's and must outlive every call.
typedef struct {
    int32_t source_width, source_height;
    int32_t width, height;          // destination size
    const int32_t *column_taps;     // width entries
    const int16_t *column_weights;  // 2 * width entries: w0, w1 per column
    const int32_t *row_taps;        // height entries
    const int16_t *row_weights;     // 2 * height entries: v0, v1 per row
} edge_u8_resize_bilinear_exact_plan;

#define EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE(width) (3 * (size_t)(width))

// Writes destination rows row_begin <= r < row_end (0 <= row_begin <= row_end <= plan->height), row r at
// destination + (r - row_begin) * destination_stride, from `source` (row stride source_stride). `workspace`
// holds EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE(plan->width) uint32 values, no alignment needed: the two horizontally
// resized source rows and a variant's per-call tables; its contents are scratch.
typedef void (*edge_u8_resize_bilinear_exact_rows_fn)(const edge_u8_resize_bilinear_exact_plan *plan,
                                                      const uint8_t *source, int32_t source_stride, int32_t row_begin,
                                                      int32_t row_end, uint8_t *destination,
                                                      int32_t destination_stride, uint32_t *workspace);

// The scalar reference. Variants (the Haar tables' `resize_rows`): edge_u8_resize_bilinear_exact_rows_8x_avx2
// (x86-64: 8 columns per byte shuffle or 32-bit gather, madd on (w0, w1) pairs),
// edge_u8_resize_bilinear_exact_rows_8x_neon (aarch64, armv8.0: 8 columns per two-register table lookup).
void edge_u8_resize_bilinear_exact_rows_ref(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *source,
                                            int32_t source_stride, int32_t row_begin, int32_t row_end,
                                            uint8_t *destination, int32_t destination_stride, uint32_t *workspace);

#ifdef __cplusplus
}
#endif
#endif
