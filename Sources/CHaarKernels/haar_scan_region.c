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

// Scans rows [y_begin, y_end) of the region in one call from column `from` (on the step grid, at or left of every
// one of these rows' run starts), keeping the hits at x0 <= x < x1. Adds the kept hits to `*count` (or, when the
// call had no room for all of them, every hit it found: an upper bound, so the caller's next try has room).
static void scan_rows(edge_haar_scan_fn scan, const edge_haar_cascade *cascade, const int32_t *sum,
                      const uint32_t *sqsum, int32_t stride, int32_t from, int32_t x0, int32_t x1, int32_t y_begin,
                      int32_t y_end, int32_t step, int32_t *hits, size_t capacity, size_t *count, int *overflow) {
    const size_t room = *count < capacity ? capacity - *count : 0;
    int32_t *slot = room > 0 ? hits + 2 * *count : hits;
    const size_t offset = (size_t)y_begin * (size_t)stride + (size_t)from;
    const size_t found = scan(cascade, sum + offset, sqsum + offset, stride, x1 - from, y_end - y_begin, step, slot, room);
    if (found > room) {
        *count += found;
        *overflow = 1;
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < found; i++) {
        const int32_t x = slot[2 * i] + from;
        if (x < x0) continue;
        slot[2 * kept] = x;
        slot[2 * kept + 1] = slot[2 * i + 1] + y_begin;
        kept++;
    }
    *count += kept;
}

size_t edge_haar_scan_region(edge_haar_scan_fn scan, const edge_haar_cascade *cascade, const int32_t *sum,
                             const uint32_t *sqsum, int32_t stride, int32_t band_left, int32_t x0, int32_t x1, int32_t y0,
                             int32_t y1, int32_t step, int32_t *hits, size_t capacity) {
    edge_haar_cascade first_stage = *cascade;
    first_stage.stage_count = cascade->stage_count > 0 ? 1 : 0;
    size_t count = 0;
    int overflow = 0;
    // Rows go to the scan together, from a common column left of x0 (so the variant lists their survivors as one
    // level): the first window of a row's run of first-stage rejections left of x0 (its run start) is evaluated
    // whatever happened left of it, since the window before it is no first-stage rejection (or does not exist) and so
    // skips nothing. A scan started at any grid column at or left of the run start therefore evaluates exactly the
    // full scan's windows from there on. A run longer than `reach` windows decides x0 by its parity instead: an odd run
    // means its last window was evaluated and rejected, so x0 is skipped; that row goes alone from x0 or x0 + step.
    const int32_t reach = 12;
    int32_t batch_begin = y0, batch_from = x0;
    for (int32_t y = y0; y < y1; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        int32_t run = 0;
        int32_t x = x0 - step;
        for (; x >= 0 && first_stage_rejects(&first_stage, row + x, row_sq + x, stride); x -= step) run++;
        if (x < 0 && band_left > 0) return EDGE_HAAR_REGION_NEEDS_LEVEL_LEFT;  // the run may go on left of the band
        const int32_t run_start = x0 - run * step;
        if (run <= reach) {
            if (run_start < batch_from) batch_from = run_start;
            continue;
        }
        if (y > batch_begin)
            scan_rows(scan, cascade, sum, sqsum, stride, batch_from, x0, x1, batch_begin, y, step, hits, capacity, &count,
                      &overflow);
        const int32_t start = (run & 1) ? x0 + step : x0;
        if (start < x1)
            scan_rows(scan, cascade, sum, sqsum, stride, start, x0, x1, y, y + 1, step, hits, capacity, &count, &overflow);
        batch_begin = y + step;
        batch_from = x0;
    }
    if (batch_begin < y1)
        scan_rows(scan, cascade, sum, sqsum, stride, batch_from, x0, x1, batch_begin, y1, step, hits, capacity, &count,
                  &overflow);
    return overflow && count <= capacity ? capacity + 1 : count;
}
