// Scalar reference of the LBP cascade scan: defines the result every SIMD variant reproduces.
#include <string.h>

#include "internal/lbp_window.h"
#include "internal/cascade_hits.h"

void edge_lbp_integral(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride, int32_t *sum,
                       int32_t stride) {
    memset(sum, 0, sizeof(int32_t) * (size_t)(width + 1));
    for (int32_t y = 0; y < height; y++) {
        const uint8_t *row = image + (size_t)y * (size_t)image_stride;
        const int32_t *above = sum + (size_t)y * (size_t)stride;
        int32_t *line = sum + (size_t)(y + 1) * (size_t)stride;
        int32_t running = 0;
        line[0] = 0;
        for (int32_t x = 0; x < width; x++) {
            running += row[x];
            line[x + 1] = above[x + 1] + running;
        }
    }
}

size_t edge_lbp_workspace_bytes(int32_t stump_count, int32_t stride, int32_t integral_rows) {
    // Two offset tables (plain and interleaved) and the interleaved integral image, each 64-aligned.
    return 3 * 64 + 2 * 16 * sizeof(int32_t) * (size_t)stump_count +
           sizeof(int32_t) * (size_t)(stride + EDGE_LBP_MAX_STEP) * (size_t)integral_rows;
}

size_t edge_u8_lbp_scan_ref(const edge_lbp_cascade *cascade, const int32_t *sum, int32_t stride, int32_t columns,
                            int32_t rows, int32_t step, int32_t *hits, size_t capacity, void *workspace) {
    int32_t *offsets = (int32_t *)edge_lbp_align64(workspace);
    edge_lbp_offsets(cascade, stride, 1, 0, offsets);
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        for (int32_t x = 0; x < columns; x += step) {
            const int result = edge_lbp_window(cascade, offsets, row + x);
            if (result > 0) {
                edge_cascade_record_hit(hits, capacity, &count, x, y);
            } else if (result == 0) {
                x += step;
            }
        }
    }
    return count;
}
