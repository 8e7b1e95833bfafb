#include "haar_kernels.h"

#include <string.h>

void edge_haar_integral(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride,
                        int32_t *sum, uint32_t *sqsum, int32_t stride) {
    memset(sum, 0, sizeof(int32_t) * (size_t)(width + 1));
    memset(sqsum, 0, sizeof(uint32_t) * (size_t)(width + 1));
    for (int32_t y = 0; y < height; y++) {
        const uint8_t *row = image + (size_t)y * (size_t)image_stride;
        const int32_t *above = sum + (size_t)y * (size_t)stride;
        const uint32_t *above_sq = sqsum + (size_t)y * (size_t)stride;
        int32_t *line = sum + (size_t)(y + 1) * (size_t)stride;
        uint32_t *line_sq = sqsum + (size_t)(y + 1) * (size_t)stride;
        int32_t running = 0;
        uint32_t running_sq = 0;
        line[0] = 0;
        line_sq[0] = 0;
        for (int32_t x = 0; x < width; x++) {
            uint32_t pixel = row[x];
            running += (int32_t)pixel;
            running_sq += pixel * pixel;  // wraps modulo 2^32 by design (see header)
            line[x + 1] = above[x + 1] + running;
            line_sq[x + 1] = above_sq[x + 1] + running_sq;
        }
    }
}
