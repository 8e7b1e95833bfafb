// The SIMD scan's shape, shared by the variants. Per row of windows: each window's norm (the variant's
// `norms`, equal to the reference's); stage 0 on lane blocks of consecutive windows (contiguous loads, no gathers);
// OpenCV's rule (a window rejected by stage 0 skips the next one, a variance rejection does not) applied to the
// row's live windows held as bit words, 64 windows at a time; then the first `row_stages` stages go on by blocks
// (a block with at least two live windows on lanes, a lone live window with the scalar code). The survivors of every row then
// form one list for the level, compacted stage by stage; at each stage a listed window with enough listed
// neighbours to its right (edge_haar_list_block_min) goes with them as a row block, the rest on full lane
// groups of gathered corners.
#ifndef EDGE_HAAR_LANE_SCAN_H
#define EDGE_HAAR_LANE_SCAN_H

#include "haar_kernels.h"

// Step-2 planar layout of an integral image of row stride `stride` (pitch 2 * half): each row as its even
// columns (entries 0 ... half - 1), then its odd ones (half ...), so the windows x = 0, 2, 4, ... of a step-2 level
// read every corner with contiguous loads: I[y][x + dx] = planar[y * pitch + x / 2 + planar offset of (0, dx)].
static inline int32_t edge_haar_planar_half(int32_t stride) { return (stride + 1) / 2; }
static inline int32_t edge_haar_planar_offset(int32_t offset, int32_t stride) {
    const int32_t dy = offset / stride, dx = offset % stride, half = edge_haar_planar_half(stride);
    return dy * 2 * half + (dx & 1) * half + (dx >> 1);
}

typedef struct {
    int32_t lanes;  // windows per block
    // Stage `stage` on the `lanes` windows origin + k * step (step 1 or 2; every one of them a window, as are
    // the odd origins in between for step 2); passes[k] = 1 when the stage accepts window k.
    void (*block_stage)(const edge_haar_cascade *cascade, int32_t stage, const int32_t *origin, int32_t step,
                        const uint32_t *norms, uint8_t *passes);
    // Stage `stage` on the windows at sum + origins[i], i < count (a multiple of `lanes`), origins ascending.
    // Every origin <= last_origin (the level's last window) may be read as a window's (all its corners
    // are inside the integral images), which lets a variant load a run of nearby origins contiguously.
    void (*list_stage)(const edge_haar_cascade *cascade, int32_t stage, const int32_t *sum, const int32_t *origins,
                       const uint32_t *norms, int32_t count, int32_t last_origin, uint8_t *passes);
    int32_t row_stages;  // stages evaluated by row blocks before the survivors are listed (>= 1)
    edge_haar_norms_fn norms;  // the row's window norms (the variant's table entry)
    // Optional (NULL: step-2 blocks go to block_stage): writes the first `width` entries of `row_count` rows of `sum`
    // in the planar layout (reading no other entry), and block_stage for step 2 on it (`origin` = the first
    // window's planar entry, lanes windows apart by one entry).
    void (*planar_rows)(const int32_t *sum, int32_t stride, int32_t row_count, int32_t width, int32_t *planar);
    void (*planar_block_stage)(const edge_haar_cascade *cascade, int32_t stage, const int32_t *origin,
                               const uint32_t *norms, uint8_t *passes);
} edge_haar_lane_ops;

// The scan with a variant's lane operations; the reference when the cascade has no lane stumps.
size_t edge_haar_lane_scan(const edge_haar_lane_ops *ops, const edge_haar_cascade *cascade, const int32_t *sum,
                           const uint32_t *sqsum, int32_t stride, int32_t columns, int32_t rows, int32_t step,
                           int32_t *hits, size_t capacity);

// Survivor stages evaluate a listed window as a row block when at least this many listed windows lie among the
// `lanes` origins from it on (a block stump costs about a third of a lane-group stump of gathered corners;
// measured with perf on the avx2 table, 3 of 8 with the planar step-2 blocks).
static inline int32_t edge_haar_list_block_min(int32_t lanes) { return lanes >= 8 ? 3 : 2; }

// Sum of the right leaves of a stage's lane stumps: the stage total when no stump goes left.
static inline int64_t edge_haar_lane_stage_base(const edge_haar_cascade *cascade, const edge_haar_stage *stage) {
    int64_t base = 0;
    for (int32_t i = 0; i < stage->tree_count; i++) base += cascade->lane_stumps[stage->first_tree + i].right;
    return base;
}

#endif
