// Exactness check of every Haar scan table this CPU can run against the scalar reference: random
// cascades in both layouts the importer produces (stumps with their features inlined; trees of up to
// three nodes over a feature table), random window sizes (odd ones too), random 8-bit images (noise,
// gradients, flat patches that fail the variance test, 0/255 extremes), integral row strides with
// padding, steps 1, 2 and 3. Every table must return the same count and the same (x, y) hits in the
// same order. The tables' integral images, window norms and pyramid level resize must equal the reference's
// byte for byte. Plain C so that it runs natively and under qemu-aarch64 (tools/test.d/13-haar-kernels).
//
// usage: haar_check [cases [seed]]   exit status 0 when every table matches the reference.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "haar_kernels.h"
#include "../../Sources/CHaarKernels/internal/haar_window.h"

static uint64_t rng_state;
static int stress;  // this cascade may break the lane bounds (huge thresholds and weights)
static int ties;    // this cascade has tiny weights and thresholds: v == threshold happens often
static uint32_t next_u32(void) {
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static int32_t uniform(int32_t lo, int32_t hi) {
    return (int32_t)((int64_t)lo + (int64_t)(next_u32() % (uint32_t)((int64_t)hi - lo + 1)));
}
static int chance(int percent) { return uniform(0, 99) < percent; }

enum { MAX_STUMPS = 400, MAX_SIDE = 160 };

typedef struct {
    edge_haar_cascade cascade;
    edge_haar_stage stages[12];
    edge_haar_stump stumps[MAX_STUMPS];
    edge_haar_tree trees[MAX_STUMPS];
    edge_haar_node nodes[3 * MAX_STUMPS];
    edge_haar_feature features[3 * MAX_STUMPS];
    int64_t leaves[4 * MAX_STUMPS];
    edge_haar_lane_stump lane_stumps[MAX_STUMPS];
} random_cascade;

static void corners(int32_t stride, int x, int y, int w, int h, int32_t out[4]) {
    out[0] = y * stride + x, out[1] = y * stride + x + w, out[2] = (y + h) * stride + x, out[3] = (y + h) * stride + x + w;
}

// A Haar feature as OpenCV's training makes them (a rectangle at -1 and one or two at +2/+3 inside it,
// weights with EDGE_HAAR_WEIGHT_SHIFT fractional bits) or, sometimes, arbitrary rectangles and weights.
static void random_feature(int32_t stride, int ww, int wh, int32_t offsets[3][4], int32_t weights[3]) {
    memset(offsets, 0, sizeof(int32_t) * 12);
    memset(weights, 0, sizeof(int32_t) * 3);
    const int one = 1 << EDGE_HAAR_WEIGHT_SHIFT;
    int w = uniform(1, ww), h = uniform(1, wh), x = uniform(0, ww - w), y = uniform(0, wh - h);
    corners(stride, x, y, w, h, offsets[0]);
    weights[0] = -one;
    const int parts = chance(70) ? 2 : 3;
    if (w >= parts && chance(50)) {
        int part = w / parts;
        corners(stride, x + part, y, part, h, offsets[1]);
    } else if (h >= parts) {
        int part = h / parts;
        corners(stride, x, y + part, w, part, offsets[1]);
    } else {
        corners(stride, x, y, w, h, offsets[1]);
    }
    weights[1] = parts * one;
    if (ties) weights[0] = -uniform(1, 3), weights[1] = parts * -weights[0];
    if (chance(20)) {  // a third rectangle, arbitrary weights (large ones may fail the lane bounds)
        int w2 = uniform(1, ww), h2 = uniform(1, wh);
        corners(stride, uniform(0, ww - w2), uniform(0, wh - h2), w2, h2, offsets[2]);
        weights[2] = ties ? uniform(-3, 3) : uniform(-3 * one, 3 * one) | 1;
        if (stress && chance(30)) weights[0] = uniform(-40 * one, 40 * one) | 1;
    }
}

static int64_t random_leaf(void) { return (int64_t)uniform(-(1 << 30), 1 << 30) * (chance(50) ? 2 : 1); }

// Node threshold T = rint(t * 2^threshold_shift) for a t of the size OpenCV's cascades have.
static int64_t random_threshold(int32_t threshold_shift) {
    if (chance(5)) return 0;
    if (ties) return uniform(-3, 3) << uniform(0, threshold_shift - 16);
    const int64_t limit = ((int64_t)1 << threshold_shift) / 8;  // |t| < 1/8
    int64_t t = ((int64_t)next_u32() << 31 ^ next_u32()) % (limit + 1);
    t = chance(30) ? t : t / 16;
    if (stress && chance(3)) t = (int64_t)UINT32_MAX;  // the largest |T| the contract allows
    return chance(50) ? -t : t;
}

static void make_cascade(random_cascade *r, int stumps, int32_t stride, int ww, int wh) {
    memset(r, 0, sizeof *r);
    stress = chance(15);
    ties = !stress && chance(25);
    edge_haar_cascade *c = &r->cascade;
    c->stage_count = uniform(1, 8);
    c->threshold_shift = uniform(20, 36);
    int trees = 0, nodes = 0, leaves = 0, features = 0;
    for (int s = 0; s < c->stage_count; s++) {
        edge_haar_stage *stage = &r->stages[s];
        stage->first_tree = trees;
        stage->tree_count = (s == 0 && chance(20)) || ties ? uniform(1, 3) : uniform(1, stumps ? 40 : 12);
        int64_t middle = 0;
        for (int t = 0; t < stage->tree_count; t++, trees++) {
            if (stumps) {
                edge_haar_stump *stump = &r->stumps[trees];
                random_feature(stride, ww, wh, stump->offsets, stump->weights);
                stump->threshold = random_threshold(c->threshold_shift);
                stump->left = random_leaf(), stump->right = random_leaf();
                middle += (stump->left + stump->right) / 2;
            } else {
                const int count = uniform(1, 3);
                r->trees[trees].first_node = nodes, r->trees[trees].first_leaf = leaves;
                // A chain as OpenCV's trees are: node n has node n + 1 on one side and leaf n on the
                // other; the last node has leaves count - 1 and count.
                for (int n = 0; n < count; n++) {
                    edge_haar_node *node = &r->nodes[nodes + n];
                    random_feature(stride, ww, wh, r->features[features].offsets, r->features[features].weights);
                    node->feature = features++;
                    node->threshold = random_threshold(c->threshold_shift);
                    const int left_goes_on = chance(50);
                    if (n + 1 == count) node->left = -n, node->right = -(n + 1);
                    else if (left_goes_on) node->left = n + 1, node->right = -n;
                    else node->left = -n, node->right = n + 1;
                }
                for (int l = 0; l <= count; l++) r->leaves[leaves + l] = random_leaf();
                middle += r->leaves[leaves];
                nodes += count, leaves += count + 1;
            }
        }
        // Around the typical total: some stages pass most windows, some reject most.
        // (With ties, a one-stump stage passes exactly when its stump picks the larger leaf.)
        stage->threshold = middle + (ties ? 0 : (int64_t)uniform(-(1 << 30), 1 << 30) * uniform(0, 2 * stage->tree_count) / 2);
    }
    c->stages = r->stages;
    if (stumps) {
        c->stumps = r->stumps;
    } else {
        c->trees = r->trees, c->nodes = r->nodes, c->features = r->features, c->leaves = r->leaves;
    }
    corners(stride, 1, 1, ww - 2, wh - 2, c->norm_offsets);
    c->norm_area = (int64_t)(ww - 2) * (wh - 2);
    c->min_variance_term = 100 * c->norm_area * c->norm_area;
    c->lane_stumps = stumps && edge_haar_lane_stumps_make(c, stride, r->lane_stumps) ? r->lane_stumps : NULL;
}

static void make_image(uint8_t *image, int w, int h) {
    const int mode = uniform(0, 5);
    const int base = uniform(0, 255), gx = uniform(-8, 8), gy = uniform(-8, 8), noise = uniform(0, 120);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v;
            switch (mode) {
                case 0: v = uniform(0, 255); break;                                   // noise
                case 1: v = chance(50) ? 0 : 255; break;                              // extremes
                case 2: v = base + gx * x + gy * y + uniform(-noise, noise) / 4; break;  // gradient
                case 3: v = ((x / 7 + y / 5) & 1) ? base : 255 - base; break;          // blocks
                default: v = (x < w / 3 || y > 2 * h / 3) ? base : uniform(0, 255); break;  // flat patches
            }
            image[y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

// floor(sqrt(n)) by the bit-by-bit method (no floating point): the definition edge_haar_norm must meet.
static uint64_t integer_sqrt(uint64_t n) {
    uint64_t root = 0, bit = 1ull << 62;
    while (bit > n) bit >>= 2;
    for (; bit != 0; bit >>= 2) {
        if (n >= root + bit) n -= root + bit, root = (root >> 1) + bit;
        else root >>= 1;
    }
    return root;
}

// The window norm N = floor(sqrt(nf * 2^(2*NORM_SHIFT))) (the header's definition) against the integer square
// root: random nf of every bit length up to the contract's 2^38, nf = j^2 - 1, j^2, j^2 + 1, and n = M^2 - 1
// (M = a 2^19 +- 1, so n is a multiple of 2^20): there the double sqrt rounds up to M and the correction
// must take 1 off. (With a correctly rounded sqrt the other correction, + 1, never applies: floor(sqrt(n)) / 2^10
// is a double below sqrt(nf); it stays for an error below 1 of either sign.) Returns the mismatches.
static long check_norm(int samples) {
    long mismatches = 0, checked = 0;
    for (int i = 0; i < samples; i++) {
        const int bits = 1 + (int)(next_u32() % 38);  // 1..38
        uint64_t nf = ((((uint64_t)next_u32() << 32) | next_u32()) >> (64 - bits));
        if (i % 4 == 3) {  // n = M^2 - 1 with M = a 2^19 +- 1: sqrt(n) rounds up to the integer M in double
            const uint64_t a = 1 + next_u32() % 1023, m = (a << 19) + (i % 8 == 3 ? 1 : -1);
            nf = (m * m - 1) >> (2 * EDGE_HAAR_NORM_SHIFT);
        } else if (i % 4 != 0) {  // nf next to a perfect square
            const uint64_t j = integer_sqrt(nf);
            nf = j * j + (uint64_t)(i % 4 == 1 ? 1 : 0) - (uint64_t)(i % 4 == 2 && j > 0 ? 1 : 0);
        }
        if (nf >= (1ull << 38)) continue;
        mismatches += edge_haar_norm(nf) != integer_sqrt(nf << (2 * EDGE_HAAR_NORM_SHIFT));
        checked++;
    }
    printf("%-10s edge_haar_norm on %ld values: %s\n", "norm", checked, mismatches ? "MISMATCH" : "identical to the integer square root");
    return mismatches;
}

// Every table's row of window norms against the reference's: random images (extremes give the largest
// variances), windows up to 64x64 (the contract's largest), steps 1-3, row lengths from 0 (every tail), a
// padded stride; the entries past `count` must stay untouched.
enum { NORM_SIDE = 200 };
static int check_norms(const edge_haar_kernels *table, int cases) {
    static uint8_t image[NORM_SIDE * NORM_SIDE];
    static int32_t sum[(NORM_SIDE + 4) * (NORM_SIDE + 1)];
    static uint32_t sqsum[(NORM_SIDE + 4) * (NORM_SIDE + 1)];
    static uint32_t want[NORM_SIDE + 8], got[NORM_SIDE + 8];
    int failures = 0;
    long accepted = 0, rows = 0;
    for (int n = 0; n < cases; n++) {
        const int ww = chance(30) ? 64 : uniform(3, 64), wh = chance(30) ? 64 : uniform(3, 64);
        const int w = uniform(ww, NORM_SIDE), h = uniform(wh, NORM_SIDE);
        const int32_t stride = w + 1 + uniform(0, 3);
        make_image(image, w, h);
        edge_haar_integral(image, w, h, w, sum, sqsum, stride);
        edge_haar_cascade cascade;
        memset(&cascade, 0, sizeof cascade);
        corners(stride, 1, 1, ww - 2, wh - 2, cascade.norm_offsets);
        cascade.norm_area = (int64_t)(ww - 2) * (wh - 2);
        cascade.min_variance_term = chance(30) ? 0 : 100 * cascade.norm_area * cascade.norm_area;
        const int columns = w + 1 - ww, y = uniform(0, h - wh);
        for (int step = 1; step <= 3; step++) {
            const int per_row = (columns + step - 1) / step, count = chance(30) ? uniform(0, per_row) : per_row;
            const int32_t *row = sum + (size_t)y * (size_t)stride;
            const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
            memset(want, 0xa5, sizeof want), memset(got, 0xa5, sizeof got);
            edge_haar_norms_ref(&cascade, row, row_sq, step, count, want);
            table->norms(&cascade, row, row_sq, step, count, got);
            for (int i = 0; i < count; i++) accepted += want[i] != 0;
            rows++;
            if (memcmp(want, got, sizeof want) != 0 && failures++ < 5)
                printf("%s: norms window %dx%d image %dx%d step %d count %d differ\n", table->name, ww, wh, w, h, step, count);
        }
    }
    // Chosen variance terms on the lanes: area 64, window sum 0 and square sum Q, so nf = 64 Q (the rectangle is
    // "row[64 + x] - row[x]"), among them n = M^2 - 1 (M = a 2^25 +- 1) where the double estimate needs the
    // correction (as in check_norm; 64 Q < 2^38).
    int chosen_failures = 0;
    for (int n = 0; n < cases; n++) {
        static int32_t zeros[256];
        static uint32_t squares[256];
        memset(squares, 0, sizeof squares);
        for (int i = 64; i < 256; i++) {
            uint64_t q = next_u32() >> uniform(0, 31);
            if (i % 3 == 0) {
                const uint64_t a = 1 + next_u32() % 15, m = (a << 25) + (i % 2 ? 1 : -1);
                q = (m * m - 1) >> (2 * EDGE_HAAR_NORM_SHIFT + 6);
            } else if (i % 3 == 1) {
                const uint64_t j = integer_sqrt(q);
                q = j * j - (j > 0 && chance(50));
            }
            squares[i] = (uint32_t)q;
        }
        edge_haar_cascade cascade;
        memset(&cascade, 0, sizeof cascade);
        cascade.norm_offsets[0] = 64;
        cascade.norm_area = 64;
        for (int step = 1; step <= 2; step++) {
            const int count = uniform(0, 64 / step);
            memset(want, 0xa5, sizeof want), memset(got, 0xa5, sizeof got);
            edge_haar_norms_ref(&cascade, zeros, squares, step, count, want);
            table->norms(&cascade, zeros, squares, step, count, got);
            if (memcmp(want, got, sizeof want) != 0 && chosen_failures++ < 5)
                printf("%s: norms of chosen variance terms, step %d count %d differ\n", table->name, step, count);
        }
    }
    printf("%-10s norms: %ld rows (%ld windows accepted), %d rows of chosen variance terms %s\n", table->name, rows,
           accepted, cases * 2, failures + chosen_failures ? "MISMATCH" : "identical");
    return failures + chosen_failures + (accepted == 0);
}

// Every table's integral images against the reference's: odd sizes, padded strides, and frames large and
// bright enough for the squared sums to wrap modulo 2^32 (the contract).
enum { INTEGRAL_SIDE = 420 };
static int check_integral(const edge_haar_kernels *table, int cases) {
    static uint8_t image[INTEGRAL_SIDE * (INTEGRAL_SIDE + 8)];
    static int32_t sum[(INTEGRAL_SIDE + 4) * (INTEGRAL_SIDE + 1)], want_sum[(INTEGRAL_SIDE + 4) * (INTEGRAL_SIDE + 1)];
    static uint32_t sqsum[(INTEGRAL_SIDE + 4) * (INTEGRAL_SIDE + 1)], want_sqsum[(INTEGRAL_SIDE + 4) * (INTEGRAL_SIDE + 1)];
    int failures = 0, wrapped = 0;
    for (int n = 0; n < cases; n++) {
        const int large = n == 0 || chance(30);  // the first: the largest frame, all 255 (its squares wrap)
        const int w = n == 0 ? INTEGRAL_SIDE : uniform(1, large ? INTEGRAL_SIDE : 40);
        const int h = n == 0 ? INTEGRAL_SIDE : uniform(1, large ? INTEGRAL_SIDE : 40);
        const int image_stride = w + uniform(0, 8), stride = w + 1 + uniform(0, 3);
        const int bright = n == 0 ? 1 : uniform(0, 2);
        for (int i = 0; i < image_stride * h; i++)
            image[i] = (uint8_t)(bright == 0 ? uniform(0, 255) : bright == 1 ? 255 : uniform(200, 255));
        memset(sum, 0x5a, sizeof sum), memset(sqsum, 0x5a, sizeof sqsum);
        memset(want_sum, 0x5a, sizeof want_sum), memset(want_sqsum, 0x5a, sizeof want_sqsum);
        edge_haar_integral(image, w, h, image_stride, want_sum, want_sqsum, stride);
        table->integral(image, w, h, image_stride, sum, sqsum, stride);
        wrapped += (uint64_t)w * (uint64_t)h * 255u * 255u > UINT32_MAX && bright == 1;
        const size_t count = (size_t)stride * (size_t)(h + 1);
        if (memcmp(sum, want_sum, sizeof(int32_t) * count) != 0 || memcmp(sqsum, want_sqsum, sizeof(uint32_t) * count) != 0) {
            if (failures++ < 5) printf("%s: integral %dx%d (image stride %d, stride %d) differs\n", table->name, w, h, image_stride, stride);
        }
    }
    printf("%-10s integral: %d images (%d with wrapped squared sums) %s\n", table->name, cases, wrapped,
           failures ? "MISMATCH" : "identical");
    return failures + (wrapped == 0);
}

// One axis of the level resize: OpenCV INTER_LINEAR_EXACT's taps (as EdgeImage's ExactBilinearResizer makes them)
// or, sometimes, arbitrary ones within the contract (any weights 0...256, repeated and skipped taps, edge taps).
static void resize_axis(int32_t source, int32_t destination, int opencv, int32_t *taps, int16_t *weights) {
    const double scale = 1.0 / ((double)destination / (double)source);
    int32_t tap = 0;
    for (int32_t d = 0; d < destination; d++) {
        int32_t w1;
        if (opencv) {
            const double position = ((double)d + 0.5) * scale - 0.5;
            tap = (int32_t)floor(position);
            if (tap >= 0 && source > 1 && tap < source - 1) {
                w1 = (int32_t)rint((position - tap) * 256);
            } else {
                tap = tap < 0 || source == 1 ? 0 : source - 1;
                w1 = 0;
            }
        } else {
            if (d > 0 && chance(60)) tap += uniform(0, 3);
            if (tap > source - 1) tap = source - 1;
            w1 = tap == source - 1 || chance(15) ? 0 : chance(10) ? 256 : uniform(0, 256);
        }
        taps[d] = tap;
        weights[2 * d] = (int16_t)(256 - w1);
        weights[2 * d + 1] = (int16_t)w1;
    }
}

// `size` bytes that end where an inaccessible page begins: reading one byte past them faults.
static uint8_t *guarded_alloc(size_t size, size_t *mapped) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *mapped = (size + page - 1) / page * page + page;
    uint8_t *base = mmap(NULL, *mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED || mprotect(base + *mapped - page, page, PROT_NONE) != 0) {
        perror("haar_check: guarded buffer");
        exit(2);
    }
    return base + *mapped - page - size;
}

// Every table's level resize against the reference's: random sizes (1-pixel and odd ones, down- and upscales,
// the 640x480 pyramid at scale 1.1), row and column ranges and strides. The source ends at an inaccessible page, so
// a variant reading past it (its last columns of the last row) faults; the destination padding between rows must
// stay untouched.
static int check_resize(const edge_haar_kernels *table, int cases) {
    int failures = 0;
    long pixels = 0;
    for (int n = 0; n < cases; n++) {
        int32_t sw, sh, dw, dh;
        const int opencv = n < 8 || chance(70);
        if (n < 8) {  // the detector's first levels of a 640x480 frame at scale 1.1
            const double factor = pow(1.1, n + 1);
            sw = 640, sh = 480, dw = (int32_t)rint(640 / factor), dh = (int32_t)rint(480 / factor);
        } else {
            sw = chance(10) ? 1 : uniform(1, chance(30) ? 700 : 80);
            sh = chance(10) ? 1 : uniform(1, 50);
            dw = chance(10) ? 1 : uniform(1, chance(50) ? sw : 2 * sw + 3);
            dh = chance(10) ? 1 : uniform(1, chance(50) ? sh : 2 * sh + 3);
        }
        // Sometimes only columns left ..< left + dw of a wider level (the plan's column taps offset, as for a band).
        const int32_t level_width = dw, left = chance(25) ? uniform(0, dw - 1) : 0;
        if (left > 0) dw = uniform(1, level_width - left);
        const int32_t source_stride = sw + (chance(50) ? 0 : uniform(1, 9));
        const int32_t destination_stride = dw + (chance(50) ? 0 : uniform(1, 9));
        int32_t row_begin = uniform(0, dh), row_end = uniform(0, dh);
        if (chance(30) || n < 8) row_begin = 0, row_end = dh;
        if (row_begin > row_end) { const int32_t t = row_begin; row_begin = row_end, row_end = t; }
        const size_t source_size = (size_t)source_stride * (size_t)(sh - 1) + (size_t)sw;
        const size_t rows = (size_t)(row_end - row_begin);
        const size_t destination_size = rows ? (size_t)destination_stride * (rows - 1) + (size_t)dw : 1;
        size_t mapped;
        uint8_t *source = guarded_alloc(source_size, &mapped);
        uint8_t *want = malloc(destination_size), *got = malloc(destination_size);
        int32_t *column_taps = malloc(sizeof(int32_t) * (size_t)level_width);
        int32_t *row_taps = malloc(sizeof(int32_t) * (size_t)dh);
        int16_t *column_weights = malloc(sizeof(int16_t) * 2 * (size_t)level_width);
        int16_t *row_weights = malloc(sizeof(int16_t) * 2 * (size_t)dh);
        uint32_t *workspace = malloc(sizeof(uint32_t) * EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE(dw));
        const int kind = uniform(0, 2);
        for (size_t i = 0; i < source_size; i++)
            source[i] = (uint8_t)(kind == 0 ? uniform(0, 255) : kind == 1 ? 255 : (i * 7 + i / 13) & 255);
        resize_axis(sw, level_width, opencv, column_taps, column_weights);
        resize_axis(sh, dh, opencv, row_taps, row_weights);
        const edge_u8_resize_bilinear_exact_plan plan = {
            .source_width = sw, .source_height = sh, .width = dw, .height = dh, .column_taps = column_taps + left,
            .column_weights = column_weights + 2 * left, .row_taps = row_taps, .row_weights = row_weights};
        memset(want, 0x5a, destination_size), memset(got, 0x5a, destination_size);
        memset(workspace, 0xa5, sizeof(uint32_t) * EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE(dw));
        edge_u8_resize_bilinear_exact_rows_ref(&plan, source, source_stride, row_begin, row_end, want,
                                               destination_stride, workspace);
        memset(workspace, 0xa5, sizeof(uint32_t) * EDGE_U8_RESIZE_BILINEAR_EXACT_WORKSPACE(dw));
        table->resize_rows(&plan, source, source_stride, row_begin, row_end, got, destination_stride, workspace);
        pixels += (long)rows * dw;
        if (memcmp(want, got, destination_size) != 0 && failures++ < 5)
            printf("%s: resize %dx%d -> %dx%d (%s taps) rows %d..<%d columns %d..<%d, strides %d/%d differs\n",
                   table->name, sw, sh, level_width, dh, opencv ? "OpenCV" : "random", row_begin, row_end, left,
                   left + dw, source_stride, destination_stride);
        munmap(source + source_size + (size_t)sysconf(_SC_PAGESIZE) - mapped, mapped);
        free(want), free(got), free(column_taps), free(row_taps), free(column_weights);
        free(row_weights), free(workspace);
    }
    printf("%-10s resize: %d size pairs (%ld pixels) %s\n", table->name, cases, pixels, failures ? "MISMATCH" : "identical");
    return failures;
}

int main(int argc, char **argv) {
    const int cases = argc > 1 ? atoi(argv[1]) : 200;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x9E3779B97F4A7C15ull;
    const edge_haar_kernels *tables[4];
    const size_t table_count = edge_haar_kernels_supported(tables, 4);
    static const char *known[] = {"reference", "avx2", "neon"};
    for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
        int present = 0;
        for (size_t t = 0; t < table_count; t++) present |= strcmp(tables[t]->name, known[k]) == 0;
        if (!present) printf("%-10s skipped: not supported by this CPU or not built\n", known[k]);
    }
    static random_cascade cascade;
    static uint8_t image[MAX_SIDE * MAX_SIDE];
    static int32_t sum[(MAX_SIDE + 4) * (MAX_SIDE + 1)];
    static uint32_t sqsum[(MAX_SIDE + 4) * (MAX_SIDE + 1)];
    static int32_t expected[2 * MAX_SIDE * MAX_SIDE], found[2 * MAX_SIDE * MAX_SIDE];
    int ok = 1;
    for (size_t t = 0; t < table_count; t++) {
        if (strcmp(tables[t]->name, "reference") == 0) continue;
        int failures = 0, lane_cases = 0, hits = 0;
        for (int layout = 0; layout < 2; layout++) {
            const int stumps = layout == 0;
            for (int n = 0; n < cases; n++) {
                const int ww = chance(50) ? 24 : uniform(5, 31), wh = chance(50) ? ww : uniform(5, 31);
                const int w = uniform(ww, MAX_SIDE), h = uniform(wh, chance(70) ? wh + 30 : MAX_SIDE);
                const int32_t stride = w + 1 + uniform(0, 3);
                make_cascade(&cascade, stumps, stride, ww, wh);
                lane_cases += cascade.cascade.lane_stumps != NULL;
                make_image(image, w, h);
                edge_haar_integral(image, w, h, w, sum, sqsum, stride);
                const int columns = w + 1 - ww, rows = h + 1 - wh;
                for (int step = 1; step <= 3; step++) {
                    const size_t capacity = chance(10) ? (size_t)uniform(0, 3) : (size_t)(MAX_SIDE * MAX_SIDE);
                    const size_t want = edge_haar_scan_ref(&cascade.cascade, sum, sqsum, stride, columns, rows, step,
                                                           expected, capacity);
                    const size_t got = tables[t]->scan(&cascade.cascade, sum, sqsum, stride, columns, rows, step, found,
                                                       capacity);
                    const size_t written = want < capacity ? want : capacity;
                    hits += (int)want;
                    if (got != want || memcmp(expected, found, sizeof(int32_t) * 2 * written) != 0) {
                        if (failures++ < 5)
                            printf("%s: %s case %d step %d window %dx%d image %dx%d: %zu hits, reference %zu\n",
                                   tables[t]->name, stumps ? "stump" : "tree", n, step, ww, wh, w, h, got, want);
                    }
                }
            }
        }
        printf("%-10s %d stump + %d tree cascades x steps 1-3 (%d on lanes, %d hits) %s\n", tables[t]->name, cases,
               cases, lane_cases, hits, failures ? "MISMATCH" : "identical");
        if (lane_cases < cases / 2) {
            printf("%s: too few cascades on lanes (%d of %d stump cascades)\n", tables[t]->name, lane_cases, cases);
            failures++;
        }
        ok &= failures == 0;
    }
    for (size_t t = 0; t < table_count; t++) ok &= check_integral(tables[t], cases) == 0;
    for (size_t t = 0; t < table_count; t++) ok &= check_norms(tables[t], cases) == 0;
    for (size_t t = 0; t < table_count; t++) ok &= check_resize(tables[t], cases) == 0;
    ok &= check_norm(cases * 5000) == 0;
    printf("haar_check: %s\n", ok ? "every table returns the reference's hits" : "MISMATCHES FOUND");
    return ok ? 0 : 1;
}
