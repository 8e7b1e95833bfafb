// Bit-exactness check of every LBP scan variant this CPU runs against the scalar reference
// (Sources/CHaarKernels/include/lbp_kernels.h) on randomized cascades and images: window and block
// sizes, steps 1 to 5 (5 falls back to the reference), row tails, ties between block sums (flat and
// two-level images), subsets all set / all clear / random, stage thresholds that keep windows alive
// deep into the cascade, and a hit buffer too small (the count must still be exact).
// Plain C so that the same check runs natively and under qemu-aarch64 (tools/test.d/13-lbp-arm-kernels).
//
// usage: lbp_check [cases [seed]]   exit status 0 when every variant matches on every case.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbp_kernels.h"

static uint64_t rng_state;
static uint32_t next_u32(void) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static int32_t uniform(int32_t lo, int32_t hi) {
    return (int32_t)((int64_t)lo + (int64_t)(next_u32() % (uint32_t)((int64_t)hi - lo + 1)));
}

static void fill_image(uint8_t *image, int32_t width, int32_t height) {
    const int mode = uniform(0, 4);
    for (int32_t y = 0; y < height; y++) {
        for (int32_t x = 0; x < width; x++) {
            uint8_t v;
            if (mode == 0) v = 128;                                            // every block sum ties
            else if (mode == 1) v = (uint8_t)(((x / 3 + y / 5) & 1) ? 255 : 0);  // two levels, many ties
            else if (mode == 2) v = (uint8_t)((x * 7 + y * 3 + uniform(0, 20)) & 255);
            else v = (uint8_t)uniform(0, 255);
            image[(size_t)y * (size_t)width + (size_t)x] = v;
        }
    }
}

int main(int argc, char **argv) {
    const int cases = argc > 1 ? atoi(argv[1]) : 200;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x9E3779B97F4A7C15ull;
    const edge_lbp_kernel *kernels[4];
    const size_t kernel_count = edge_lbp_kernels_supported(kernels, 4);
    int failures = 0;
    size_t compared[4] = {0, 0, 0, 0}, hits_seen = 0;
    for (int c = 0; c < cases; c++) {
        const int32_t window_w = uniform(6, 48), window_h = uniform(6, 48);
        const int32_t width = uniform(window_w, window_w + 90), height = uniform(window_h, window_h + 40);
        const int32_t stage_count = uniform(1, 12);
        edge_lbp_stage stages[12];
        edge_lbp_stump stumps[12 * 10];
        int32_t stump_count = 0;
        for (int32_t s = 0; s < stage_count; s++) {
            const int32_t n = uniform(1, 10);
            int64_t magnitude = 0;
            for (int32_t i = 0; i < n; i++) {
                edge_lbp_stump *st = &stumps[stump_count + i];
                st->block_width = (uint8_t)uniform(1, window_w / 3);
                st->block_height = (uint8_t)uniform(1, window_h / 3);
                st->x = (uint8_t)uniform(0, window_w - 3 * st->block_width);
                st->y = (uint8_t)uniform(0, window_h - 3 * st->block_height);
                const int subset_mode = uniform(0, 5);
                for (int k = 0; k < EDGE_LBP_SUBSET_WORDS; k++)
                    st->subset[k] = subset_mode == 0 ? 0u : subset_mode == 1 ? 0xFFFFFFFFu : next_u32() ^ (next_u32() << 7);
                st->difference = (int64_t)uniform(-(1 << 30), 1 << 30) * (int64_t)uniform(1, 1 << 20);
                magnitude += st->difference < 0 ? -st->difference : st->difference;
            }
            stages[s].stump_count = n;
            // from always passing to rarely passing, mostly near the middle
            const int mode = uniform(0, 3);
            stages[s].threshold = mode == 0 ? -magnitude : mode == 1 ? 0 : (int64_t)uniform(-1000, 1000) * (magnitude / 4000);
            stump_count += n;
        }
        const edge_lbp_cascade cascade = {stage_count, stages, stumps, stump_count};
        uint8_t *image = malloc((size_t)width * (size_t)height);
        fill_image(image, width, height);
        const int32_t stride = width + 1 + uniform(0, 5);
        int32_t *sum = malloc(sizeof(int32_t) * (size_t)stride * (size_t)(height + 1));
        edge_lbp_integral(image, width, height, width, sum, stride);
        const int32_t columns = width + 1 - window_w, rows = height + 1 - window_h, step = uniform(1, 5);
        const size_t workspace_bytes = edge_lbp_workspace_bytes(stump_count, stride, height + 1);
        void *workspace = malloc(workspace_bytes);
        const size_t capacity = (size_t)columns * (size_t)rows;
        int32_t *expected = malloc(sizeof(int32_t) * 2 * capacity), *actual = malloc(sizeof(int32_t) * 2 * capacity);
        const size_t expected_count =
            edge_u8_lbp_scan_ref(&cascade, sum, stride, columns, rows, step, expected, capacity, workspace);
        hits_seen += expected_count;
        for (size_t k = 0; k < kernel_count; k++) {
            memset(actual, 0xA5, sizeof(int32_t) * 2 * capacity);
            const size_t small = (size_t)uniform(0, 3);
            const size_t room = c % 4 == 0 ? small : capacity;
            const size_t count = kernels[k]->scan(&cascade, sum, stride, columns, rows, step, actual, room, workspace);
            const size_t kept = count < room ? count : room;
            if (count != expected_count || memcmp(actual, expected, sizeof(int32_t) * 2 * kept) != 0) {
                if (failures++ < 10)
                    printf("FAIL %s case %d: %zu hits, reference %zu (window %dx%d image %dx%d step %d)\n",
                           kernels[k]->name, c, count, expected_count, window_w, window_h, width, height, step);
            }
            compared[k]++;
        }
        free(image), free(sum), free(workspace), free(expected), free(actual);
    }
    for (size_t k = 0; k < kernel_count; k++)
        printf("%-10s %zu cases bit-exact with the reference\n", kernels[k]->name, compared[k]);
    printf("lbp_check: %d cases, %zu reference hits, %s\n", cases, hits_seen, failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
