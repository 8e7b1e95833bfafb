// Integer LBP (multi-block local binary pattern) cascade evaluation: the hot loop of EdgeDetect's
// FaceDetector for OpenCV `featureType LBP` cascades. Kept apart from haar_kernels.h.
//
// Numeric contract (the decisions of OpenCV 4.x's CascadeClassifier, predictCategoricalStump):
// - A feature is a 3x3 grid of equal blocks, block (r, c) covering x + c*w ... x + (c+1)*w - 1,
//   y + r*h ... y + (r+1)*h - 1 of the window; its code is 8 bits, one per outer block, set when that
//   block's pixel sum is >= the centre block's: 128 top-left, 64 top, 32 top-right, 16 right,
//   8 bottom-right, 4 bottom, 2 bottom-left, 1 left. Block sums are int32 integral-image differences,
//   exactly what OpenCV computes (integers by nature, no normalisation and no variance test).
// - A stump sends code k to its left leaf when bit k of its 256-bit subset is set (word k >> 5,
//   bit k & 31), otherwise to its right leaf.
// - Leaves and stage thresholds are fixed point with `leaf_shift` fractional bits (per cascade,
//   chosen by the converter). OpenCV sums float leaves in a double and compares with the float
//   stage threshold (XML value as float, minus 1e-5f in float). The converter picks leaf_shift so
//   that every leaf and every stage threshold is an integer multiple of 2^-leaf_shift (exact) and
//   refuses the cascade unless, per stage, (sum of |leaves|) * 2^leaf_shift < 2^52: then every partial
//   double sum OpenCV forms is a multiple of 2^-leaf_shift below 2^(52 - leaf_shift) in magnitude,
//   i.e. exactly representable, so OpenCV's double sums are exact and equal to the int64 sums here,
//   and `sum < threshold` is decided identically on every reachable sum.
// - The kernel adds only `left - right` for stumps taking the left leaf: the stage threshold it gets
//   is OpenCV's threshold minus the sum of the stage's right leaves (exact integers, same decision).
// - Scanning follows OpenCV's CascadeClassifierInvoker: origins (x, y) with 0 <= x < columns,
//   0 <= y < rows stepping `step`; when a window is rejected by the first stage the next origin in
//   the row is skipped (its result is not computed).
// Every variant returns exactly the reference's hits in the same order (tests and tools/kernel-check).
#ifndef EDGE_LBP_KERNELS_H
#define EDGE_LBP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGE_LBP_SUBSET_WORDS 8
// Steps the SIMD variants accept (OpenCV uses 1 and 2); larger steps run the reference.
#define EDGE_LBP_MAX_STEP 4

typedef struct {
    uint32_t subset[EDGE_LBP_SUBSET_WORDS];
    int64_t difference;  // left leaf - right leaf, fixed point
    uint8_t x, y, block_width, block_height;  // the 3x3 grid, inside the window
} edge_lbp_stump;

typedef struct {
    int32_t stump_count;
    int64_t threshold;  // stage threshold - sum of the stage's right leaves, fixed point
} edge_lbp_stage;

typedef struct {
    int32_t stage_count;
    const edge_lbp_stage *stages;
    const edge_lbp_stump *stumps;  // stage by stage
    int32_t stump_count;
} edge_lbp_cascade;

// Writes the (width + 1) x (height + 1) int32 integral image of `image` into `sum` (row stride
// `stride` >= width + 1), first row and column zero. Callers keep 255 * width * height < 2^31.
void edge_lbp_integral(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride, int32_t *sum,
                       int32_t stride);

// Bytes of scratch memory a scan over an integral image of `integral_rows` rows of `stride` entries needs.
size_t edge_lbp_workspace_bytes(int32_t stump_count, int32_t stride, int32_t integral_rows);

// Scans window origins (see the contract) over the integral image `sum` (row stride `stride`); every
// grid of every window must lie inside the integral image. Accepted origins are written as (x, y)
// pairs to `hits` up to `capacity` pairs; returns how many windows were accepted (call again with
// more room when that exceeds `capacity`). `workspace`: edge_lbp_workspace_bytes bytes, 64-aligned.
typedef size_t (*edge_lbp_scan_fn)(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride,
                                   int32_t columns, int32_t rows, int32_t step, int32_t *hits, size_t capacity,
                                   void *workspace);

size_t edge_u8_lbp_scan_ref(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                            int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace);
#if defined(__x86_64__)
size_t edge_u8_lbp_scan_x8_avx2(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                                int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace);
#endif
#if defined(__aarch64__)
size_t edge_u8_lbp_scan_x4_neon(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                                int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace);
#endif

typedef struct {
    const char *name;  // "reference", "avx2", "neon"
    edge_lbp_scan_fn scan;
} edge_lbp_kernel;

// The variants this CPU runs, fastest first, the reference last; returns how many (<= 4).
size_t edge_lbp_kernels_supported(const edge_lbp_kernel **kernels, size_t capacity);
// The fastest variant when `name` is NULL or empty, else the named one; NULL when this CPU cannot run it.
const edge_lbp_kernel *edge_lbp_kernel_select(const char *name);

#ifdef __cplusplus
}
#endif
#endif
