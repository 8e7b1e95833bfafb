// Integer-only Haar cascade evaluation: the hot loops of EdgeDetect's FaceDetector.
//
// Numeric contract (the decisions of OpenCV 4.x's float evaluator, in integers only):
// - A window's variance term is nf = A * sqsum - sum^2 over the normalisation rectangle (the window
//   inset by one pixel, area A). OpenCV rejects the window unless A / sqrt(nf) < 0.1, i.e. unless
//   nf > 100 * A^2 (`min_variance_term`), tested without a square root.
// - Accepted windows get N = floor(sqrt(n)), n = nf * 2^(2*EDGE_HAAR_NORM_SHIFT), exactly (edge_haar_norm: no
//   rounding choice is left to a variant). 0 <= nf <= A^2 * 255^2 / 4 < 2^38 for windows up to 64x64, so n < 2^58
//   and N < 2^29. Computed as r = trunc(sqrt((double)nf) * 2^NORM_SHIFT), then one correction step each way
//   (r - 1 when r^2 > n, r + 1 when (r + 1)^2 <= n): nf < 2^53 converts exactly, sqrt is correctly rounded
//   (|error| <= 2^-53 * sqrt(nf)) and the scaling by a power of two is exact, so t = sqrt(nf) * 2^NORM_SHIFT in
//   double is within 2^29 * 2^-53 < 1 of sqrt(n): r = trunc(t) is floor(sqrt(n)) - 1, floor(sqrt(n)) or
//   floor(sqrt(n)) + 1, and the correction (exact 64-bit integer squares, r < 2^30) lands on floor(sqrt(n)).
//   Any error below 1 would do, so the result does not hinge on the last bit of the double sqrt.
// - A node compares the feature value v = sum_i w_i * S_i (rectangle sums S_i, weights with
//   EDGE_HAAR_WEIGHT_SHIFT fractional bits, |v| < 2^47) with OpenCV's t * sqrt(nf):
//   v < (T * N) >> (threshold_shift + EDGE_HAAR_NORM_SHIFT - EDGE_HAAR_WEIGHT_SHIFT), T = rint(t * 2^threshold_shift)
//   with threshold_shift chosen by the converter so that |T| < 2^32, hence |T * N| < 2^62.
// - Leaf values and stage thresholds are fixed point with EDGE_HAAR_LEAF_SHIFT fractional bits; a stage
//   sum of at most a few thousand leaves of magnitude < 2^16 stays far inside int64.
// - Integral images: `sum` is int32 (callers keep 255 * pixels < 2^31), `sqsum` is uint32 and wraps:
//   four-corner differences are exact modulo 2^32 and a window's square sum (<= A * 255^2 < 2^32) fits.
//   Both are integral images of 8-bit pixels (the SIMD variants' bounds below rely on it).
//
// SIMD variants (`edge_haar_kernels`, haar_dispatch.c) return exactly the reference's hits. They run
// stump cascades on 32-bit lanes with the lane stumps `edge_haar_lane_stumps_make` derives at layout time,
// which hold only when that function proves, for every stump:
// - |v| <= 2^31 - 2: v = sum_i w_i * S_i with 0 <= S_i <= 255 * area_i, bounded by 255 * (sum of the positive
//   w_i * area_i) above and 255 * (sum of the negative ones) below, so v and every partial sum is an exact
//   int32 (products and sums computed modulo 2^32 are then exact);
// - the decision v < (T * N) >> s (s = threshold_shift + NORM_SHIFT - WEIGHT_SHIFT, floor shift) becomes
//   v' < q with q = (|T| * N + r) >> s computed on unsigned 64-bit products of 32-bit factors: for T >= 0,
//   v' = v, r = 0; for T < 0, floor(-P / 2^s) = -ceil(P / 2^s), so v < -ceil(P / 2^s) iff
//   NOT(-v < ceil(P / 2^s) + 1), i.e. v' = -v (negated coefficients), r = 2^(s+1) - 1 and the leaves swapped;
// - q <= 2^31 - 2 for the largest N of any window: nf <= A^2 * 255^2 / 4 (the largest variance of 8-bit
//   pixels) and N <= sqrt(nf * 2^(2*NORM_SHIFT)) <= A * 127.5 * 2^NORM_SHIFT, so A * 131 * 2^NORM_SHIFT
//   (required < 2^30) is used as the bound; q then is an exact non-negative int32.
// - every corner lies within the window the normalisation rectangle is inset into (rows 0 ... A's bottom row + 1,
//   columns likewise), so a scan knows from `norm_offsets` which integral rows its windows read.
// Otherwise (tree cascades, or a stump outside the bounds) `lane_stumps` is NULL and every variant runs
// the reference. Stage sums stay int64 (64-bit lanes).
// Window norms on lanes (the tables' `norms`): a window's sum (< 255 * A < 2^31) and square sum (modulo 2^32,
// exact as above) are 32-bit lane differences; nf = A * sqsum - sum^2 on 64-bit lanes from 32 x 32 -> 64-bit
// unsigned products (A < 2^32; sum >= 0), then the definition above on double lanes: the same value, bit for bit.
#ifndef EDGE_HAAR_KERNELS_H
#define EDGE_HAAR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "resize_bilinear_exact.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EDGE_HAAR_WEIGHT_SHIFT 12
#define EDGE_HAAR_LEAF_SHIFT 32
#define EDGE_HAAR_NORM_SHIFT 10

// One rectangle feature placed in an integral image of a given row stride: corner offsets relative
// to the window's top-left integral entry (top-left, top-right, bottom-left, bottom-right per rectangle).
typedef struct {
    int32_t offsets[3][4];
    int32_t weights[3];  // fixed point; weights[2] == 0 for two-rectangle features
} edge_haar_feature;

// A decision node: `left`/`right` > 0 index another node of the same tree, <= 0 is minus a leaf index
// of the same tree. A stump is a tree of one node and two leaves.
typedef struct {
    int64_t threshold;
    int32_t feature;
    int32_t left;
    int32_t right;
} edge_haar_node;

typedef struct {
    int32_t first_node;
    int32_t first_leaf;
} edge_haar_tree;

typedef struct {
    int32_t first_tree;
    int32_t tree_count;
    int64_t threshold;
} edge_haar_stage;

// A stump with its feature inlined: the layout the scan uses when every tree has one node.
typedef struct {
    int32_t offsets[3][4];
    int32_t weights[3];
    int64_t threshold;
    int64_t left;
    int64_t right;
} edge_haar_stump;

// A stump rewritten for 32-bit lanes (see the contract): left when v' < (|T| * N + rounding) >> s, where
// v' = sum_k coefficients[k] * I[corners[k]] over the feature's distinct integral corners (a corner shared
// by two rectangles is loaded once), computed modulo 2^32: exact, since the true |v'| < 2^31. The same
// v' = sum_i weights[i] * S_i by rectangles (fewer multiplies, more loads) for contiguous windows.
typedef struct {
    int32_t offsets[3][4];
    int32_t weights[3];        // negated when T < 0; 0 for an absent rectangle
    int32_t corners[12];
    int32_t coefficients[12];  // summed rectangle weights (+w, -w, -w, +w per rectangle), negated when T < 0
    int32_t corner_count;
    int32_t planar_offsets[3][4];  // `offsets` in the step-2 planar layout (internal/haar_lane_scan.h)
    uint32_t threshold;        // |T|
    uint64_t rounding;         // 0 when T >= 0, else 2^(s+1) - 1
    int64_t left;              // swapped with right when T < 0
    int64_t right;
} edge_haar_lane_stump;

typedef struct {
    int32_t stage_count;
    const edge_haar_stage *stages;
    // Either stumps (one per tree, in stage order) or trees/nodes/features/leaves.
    const edge_haar_stump *stumps;
    const edge_haar_tree *trees;
    const edge_haar_node *nodes;
    const edge_haar_feature *features;
    const int64_t *leaves;
    int32_t norm_offsets[4];
    int64_t norm_area;
    int64_t min_variance_term;
    int32_t threshold_shift;
    // The stumps in lane form, or NULL (tree cascade or bounds not proven): SIMD variants run the reference.
    const edge_haar_lane_stump *lane_stumps;
} edge_haar_cascade;

// Writes the (width + 1) x (height + 1) integral and squared integral images of `image` (row stride
// `image_stride`) into `sum` and `sqsum` (row stride `stride` >= width + 1), first row and column zero.
// Numeric contract: every entry is the sum of its pixels (squares) modulo 2^32 (int32 / uint32
// wrap-around), so any order of the additions gives the same bits. This is the scalar reference; the
// tables' `integral` (edge_haar_integral_8x_avx2, edge_haar_integral_4x_neon) must equal it.
typedef void (*edge_haar_integral_fn)(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride,
                                      int32_t *sum, uint32_t *sqsum, int32_t stride);
void edge_haar_integral(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride,
                        int32_t *sum, uint32_t *sqsum, int32_t stride);

// The norms N of the windows at origins row + i * step, i < count, of one row (0 where the variance test rejects
// the window; the contract above), reading no integral entry outside the span of those windows' normalisation
// rectangle corners. The reference is edge_haar_norms_ref; every table's `norms` equals it.
typedef void (*edge_haar_norms_fn)(const edge_haar_cascade *cascade, const int32_t *row, const uint32_t *row_sq,
                                   int32_t step, int32_t count, uint32_t *norms);
void edge_haar_norms_ref(const edge_haar_cascade *cascade, const int32_t *row, const uint32_t *row_sq, int32_t step,
                         int32_t count, uint32_t *norms);

// Runs the cascade over window origins (x, y), 0 <= x < columns, 0 <= y < rows, stepping `step`
// pixels, exactly like OpenCV's CascadeClassifierInvoker: when a window is rejected by the first
// stage the next origin in the row is skipped too (a window rejected by the variance test is not).
// Accepted origins are written as (x, y) pairs to `hits` up to `capacity` pairs; returns how many
// windows were accepted (call again with more room when that exceeds `capacity`).
typedef size_t (*edge_haar_scan_fn)(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                                    int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                                    size_t capacity);

// The scalar reference: one window at a time, every stage in int64.
size_t edge_haar_scan_ref(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                          int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                          size_t capacity);

// Fills `lane_stumps` (one per stump of `cascade->stumps`, in order) for integral images of row stride
// `stride`; returns 1 when every bound of the contract holds (then the SIMD variants may use them), else 0.
int edge_haar_lane_stumps_make(const edge_haar_cascade *cascade, int32_t stride, edge_haar_lane_stump *lane_stumps);

// One implementation of the scan, the integral images, the window norms and the pyramid level resize. Tables:
// "reference" (everywhere), "avx2" (x86-64), "neon" (aarch64).
typedef struct {
    const char *name;
    edge_haar_scan_fn scan;
    edge_haar_integral_fn integral;
    edge_haar_norms_fn norms;
    edge_u8_resize_bilinear_exact_rows_fn resize_rows;  // resize_bilinear_exact.h
} edge_haar_kernels;

// The tables this CPU can run, fastest first, the reference last; returns how many (may exceed capacity).
size_t edge_haar_kernels_supported(const edge_haar_kernels **tables, size_t capacity);
// The table named `name` (NULL or "" for the fastest), or NULL when unknown or not supported here.
const edge_haar_kernels *edge_haar_kernels_select(const char *name);

// Region scan (tracking-driven scanning): the windows of one pyramid level with origins x0 <= x < x1 and
// rows y0 <= y < y1 (stepping `step`), giving exactly the hits a whole-level `edge_haar_scan` reports there.
// - Grid: x0 must be a multiple of `step` (columns are absolute: `sum` row 0 starts at level column 0) and
//   row y0 of `sum` must sit at a level row that is a multiple of `step` (the caller's band offset).
// - Skip rule: a window is skipped iff its left neighbour (x - step) was evaluated and rejected by the first
//   stage. Evaluation starts at x = 0, so counting the run of first-stage rejections immediately left of x0
//   (walking back to the first window that is not one, or past x = 0) decides x0: an odd run means the last
//   window of the run was evaluated and rejected, hence x0 is skipped; an even run means x0 is evaluated.
//   Left windows are tested with the first stage only (and the variance test, which is not a first-stage
//   rejection); the integral images must therefore cover every column left of x1 + window width.
// - The first window of such a run is evaluated whatever lies left of it (its left neighbour is no first-stage
//   rejection, so it skips nothing), so a scan started at any grid column left of every row's run start evaluates
//   exactly the full scan's windows from there on: rows whose runs are short go to `scan` together (one call, one
//   survivor list) from the leftmost run start, their hits left of x0 dropped; a row with a long run goes alone,
//   from x0 or x0 + step by the run's parity.
// - Implemented on top of a table's scan `scan` (calls on offset pointers; the left windows are tested with
//   `edge_haar_scan_ref`), so any bit-exact scan variant gives the same region hits. Returns the hit count like the
//   scan (hits are (x, y) with y relative to `sum`'s row 0); when `capacity` was too small, a larger number (at
//   most the windows it evaluated) that is room enough for the next call.
// - Band: `sum` column 0 may sit at level column `band_left` > 0 (on the step grid; x0, x1 relative to it), so the
//   caller integrates only the columns it needs. A walk back that reaches column 0 of such a band cannot tell the
//   run's length: the scan then returns EDGE_HAAR_REGION_NEEDS_LEVEL_LEFT and the caller scans again with more of
//   the level (band_left 0 always decides).
#define EDGE_HAAR_REGION_NEEDS_LEVEL_LEFT SIZE_MAX
size_t edge_haar_scan_region(edge_haar_scan_fn scan, const edge_haar_cascade *cascade, const int32_t *sum,
                             const uint32_t *sqsum, int32_t stride, int32_t band_left, int32_t x0, int32_t x1, int32_t y0,
                             int32_t y1, int32_t step, int32_t *hits, size_t capacity);

// Work counts for a speed model (haar_scan_profile.c; tools only, not a dispatch table).
#define EDGE_HAAR_PROFILE_LEVELS 64
#define EDGE_HAAR_PROFILE_STAGES 32
typedef struct {
    int32_t columns, rows, step;
    uint64_t windows;        // origins scanned: one norm each
    uint64_t normalized;     // windows passing the variance test
    uint64_t block_stumps;   // stump evaluations on a block of `lanes` consecutive windows (row stages)
    uint64_t scalar_stumps;  // stump evaluations on one window (a lone live window of a block, row tails)
    uint64_t list_stumps;    // stump evaluations on a lane group of gathered survivors (later stages)
    uint64_t survivor_block_stumps;  // stump evaluations on a block of `lanes` windows around survivors (later stages)
    uint64_t reach[EDGE_HAAR_PROFILE_STAGES];  // windows evaluated by stage s (the last entry: s >= 31)
    uint64_t hits;
} edge_haar_level_profile;
typedef struct {
    int32_t level_count;
    edge_haar_level_profile levels[EDGE_HAAR_PROFILE_LEVELS];
} edge_haar_scan_profile;
// A table whose scan returns the reference's hits and records, per call (per pyramid level, calling thread),
// what the lane scan with `lanes` windows per block and `row_stages` row stages evaluates; resets the record.
const edge_haar_kernels *edge_haar_profile_kernels(int32_t lanes, int32_t row_stages);
// The record since edge_haar_profile_kernels or the last take (calling thread), then reset.
edge_haar_scan_profile edge_haar_profile_take(void);
// merge != 0: every later call (calling thread) adds its counts into one entry (rows summed, columns the widest)
// instead of starting a new one: a region scan of one level (edge_haar_scan_region calls the scan row by row)
// becomes one record. edge_haar_profile_kernels turns merging off.
void edge_haar_profile_merge_calls(int32_t merge);
// A table whose scan evaluates nothing (returns 0 hits): times the pyramid without the scan.
const edge_haar_kernels *edge_haar_no_scan_kernels(void);

#ifdef __cplusplus
}
#endif
#endif
