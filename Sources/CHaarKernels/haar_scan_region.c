#include "haar_kernels.h"

// The scan's variance test (header contract): nf = A * sqsum - sum^2 must exceed 100 * A^2.
static int variance_accepts(const edge_haar_cascade *cascade, const int32_t *window, const uint32_t *window_sq) {
    const int32_t *n = cascade->norm_offsets;
    int64_t sum = window[n[0]] - window[n[1]] - window[n[2]] + window[n[3]];
    uint32_t square_sum = window_sq[n[0]] - window_sq[n[1]] - window_sq[n[2]] + window_sq[n[3]];
    return cascade->norm_area * (int64_t)square_sum - sum * sum > cascade->min_variance_term;
}

// True when the first stage rejects the window (a variance rejection is not a first-stage rejection): the
// window passes the variance test but a one-stage scan of it finds nothing.
static int first_stage_rejects(const edge_haar_cascade *first_stage, const int32_t *window, const uint32_t *window_sq,
                               int32_t stride) {
    if (!variance_accepts(first_stage, window, window_sq)) return 0;
    int32_t unused[2];
    return edge_haar_scan_ref(first_stage, window, window_sq, stride, 1, 1, 1, unused, 1) == 0;
}

size_t edge_haar_scan_region(edge_haar_scan_fn scan, const edge_haar_cascade *cascade, const int32_t *sum,
                             const uint32_t *sqsum, int32_t stride, int32_t x0, int32_t x1, int32_t y0, int32_t y1,
                             int32_t step, int32_t *hits, size_t capacity) {
    edge_haar_cascade first_stage = *cascade;
    first_stage.stage_count = cascade->stage_count > 0 ? 1 : 0;
    size_t count = 0;
    for (int32_t y = y0; y < y1; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        int32_t run = 0;
        for (int32_t x = x0 - step; x >= 0 && first_stage_rejects(&first_stage, row + x, row_sq + x, stride); x -= step) {
            run++;
        }
        int32_t start = (run & 1) ? x0 + step : x0;
        if (start >= x1) continue;
        size_t room = count < capacity ? capacity - count : 0;
        int32_t *slot = room > 0 ? hits + 2 * count : hits;
        size_t found = scan(cascade, row + start, row_sq + start, stride, x1 - start, 1, step, slot, room);
        for (size_t i = 0; i < found && i < room; i++) {
            slot[2 * i] += start;
            slot[2 * i + 1] = y;
        }
        count += found;
    }
    return count;
}
