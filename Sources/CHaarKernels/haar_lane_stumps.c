// Layout-time proof of the 32-bit lane bounds (see haar_kernels.h) and the lane form of each stump.
#include "haar_kernels.h"
#include "internal/haar_lane_scan.h"
#include "internal/haar_window.h"

#include <string.h>

static const int64_t lane_limit = INT32_MAX - 1;  // 2^31 - 2

int edge_haar_lane_stumps_make(const edge_haar_cascade *cascade, int32_t stride, edge_haar_lane_stump *lane_stumps) {
    if (cascade->stumps == NULL || stride <= 0) return 0;
    const int32_t shift = edge_haar_decision_shift(cascade);
    if (shift < 0 || shift > 61) return 0;
    // The largest norm N of any window of 8-bit pixels (contract): A * 131 * 2^NORM_SHIFT.
    const uint64_t largest_norm = (uint64_t)cascade->norm_area * 131u << EDGE_HAAR_NORM_SHIFT;
    if (largest_norm >= (1ull << 30)) return 0;  // so |T| * N < 2^62
    // The window's extent (contract): the normalisation rectangle's bottom-right corner plus one.
    const int32_t window_bottom = cascade->norm_offsets[3] / stride + 1, window_right = cascade->norm_offsets[3] % stride + 1;
    int32_t stump_count = 0;
    for (int32_t s = 0; s < cascade->stage_count; s++) stump_count += cascade->stages[s].tree_count;
    for (int32_t i = 0; i < stump_count; i++) {
        const edge_haar_stump *stump = &cascade->stumps[i];
        edge_haar_lane_stump *lane = &lane_stumps[i];
        const int negative = stump->threshold < 0;
        int64_t above = 0, below = 0;  // 255 * sum of positive / negative w_i * area_i
        memset(lane, 0, sizeof *lane);
        for (int r = 0; r < 3; r++) {
            const int32_t *corners = stump->offsets[r];
            const int64_t width = (int64_t)corners[1] - corners[0], height = ((int64_t)corners[2] - corners[0]) / stride;
            const int64_t weight = stump->weights[r];
            if (weight == 0) continue;
            if (width <= 0 || height <= 0) return 0;
            const int64_t extreme = 255 * weight * width * height;
            if (extreme > 0) above += extreme; else below -= extreme;
            if (above > lane_limit || below > lane_limit) return 0;
            for (int c = 0; c < 4; c++) {
                if (corners[c] < 0 || corners[c] / stride > window_bottom || corners[c] % stride > window_right) return 0;
                lane->offsets[r][c] = corners[c];
                lane->planar_offsets[r][c] = edge_haar_planar_offset(corners[c], stride);
            }
            lane->weights[r] = (int32_t)(negative ? -weight : weight);
            for (int c = 0; c < 4; c++) {
                // Rectangle sum I[c0] - I[c1] - I[c2] + I[c3]; coefficients add up modulo 2^32.
                const uint32_t term = (uint32_t)(int32_t)((c == 0 || c == 3) == !negative ? weight : -weight);
                int k = 0;
                while (k < lane->corner_count && lane->corners[k] != corners[c]) k++;
                if (k == lane->corner_count) lane->corners[k] = corners[c], lane->coefficients[k] = 0, lane->corner_count++;
                lane->coefficients[k] = (int32_t)((uint32_t)lane->coefficients[k] + term);
            }
        }
        int kept = 0;  // corners whose coefficients cancelled are not loaded
        for (int k = 0; k < lane->corner_count; k++)
            if (lane->coefficients[k] != 0)
                lane->corners[kept] = lane->corners[k], lane->coefficients[kept] = lane->coefficients[k], kept++;
        lane->corner_count = kept;
        const uint64_t magnitude = negative ? (uint64_t)(-stump->threshold) : (uint64_t)stump->threshold;
        if (magnitude >> 32) return 0;
        lane->threshold = (uint32_t)magnitude;
        lane->rounding = negative ? (2ull << shift) - 1 : 0;
        // |T| * N < 2^62 and the rounding term is < 2^62: no wrap.
        const uint64_t largest = (magnitude * largest_norm + lane->rounding) >> shift;
        if (largest > (uint64_t)lane_limit) return 0;
        lane->left = negative ? stump->right : stump->left;
        lane->right = negative ? stump->left : stump->right;
    }
    return 1;
}
