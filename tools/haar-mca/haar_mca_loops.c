// The NEON Haar scan's per-stump and per-window work as branch-free loops for llvm-mca (tools/haar-mca):
// arm/haar_scan_4x_neon.c's own inline pieces with the step (1 or 2) and the feature's rectangle count
// (2 or 3) or distinct corner count fixed, so that one loop iteration is one stump on 4 windows as the
// kernel runs it for that kind of stump. Plus the norms of 4 windows (arm/haar_norms_4x_neon.c). Compiled for
// aarch64 only; never linked.
#include "../../Sources/CHaarKernels/arm/haar_scan_4x_neon.c"
#include "../../Sources/CHaarKernels/arm/haar_norms_4x_neon.c"

#define BLOCK_MODEL(name, STEP, RECTS)                                                                        \
    void name(const edge_haar_lane_stump *stumps, int32_t count, const int32_t *origin, const uint32_t *norms, \
              int64x2_t *out) {                                                                              \
        const uint32x4_t n = vld1q_u32(norms);                                                               \
        const int64x2_t shift = vdupq_n_s64(-out[0][0]);                                                     \
        int64x2_t low = vdupq_n_s64(0), high = vdupq_n_s64(0);                                               \
        for (int32_t j = 0; j < count; j++) {                                                                \
            edge_haar_lane_stump s = stumps[j];                                                              \
            __builtin_assume(s.weights[0] != 0 && s.weights[1] != 0);                                        \
            if (RECTS == 2) s.weights[2] = 0;                                                                \
            else __builtin_assume(s.weights[2] != 0);                                                        \
            accumulate(&s, feature4(origin, STEP, &s), lane_thresholds(&s, n, shift), &low, &high);          \
        }                                                                                                    \
        out[0] = low, out[1] = high;                                                                         \
    }
BLOCK_MODEL(model_block_step1_rects2, 1, 2)
BLOCK_MODEL(model_block_step1_rects3, 1, 3)
BLOCK_MODEL(model_block_step2_rects2, 2, 2)
BLOCK_MODEL(model_block_step2_rects3, 2, 3)

#define LIST_MODEL(name, CORNERS)                                                                             \
    void name(const edge_haar_lane_stump *stumps, int32_t count, const int32_t *sum, const int32_t *origins,   \
              const uint32_t *norms, int64x2_t *out) {                                                       \
        const uint32x4_t n = vld1q_u32(norms);                                                               \
        const int64x2_t shift = vdupq_n_s64(-out[0][0]);                                                     \
        int64x2_t low = vdupq_n_s64(0), high = vdupq_n_s64(0);                                               \
        for (int32_t j = 0; j < count; j++) {                                                                \
            edge_haar_lane_stump s = stumps[j];                                                              \
            s.corner_count = CORNERS;                                                                        \
            accumulate(&s, gathered_feature4(sum, origins, &s), lane_thresholds(&s, n, shift), &low, &high); \
        }                                                                                                    \
        out[0] = low, out[1] = high;                                                                         \
    }
LIST_MODEL(model_list_corners6, 6)
LIST_MODEL(model_list_corners8, 8)

// The NEON norms loop (arm/haar_norms_4x_neon.c): one iteration = the norms of 4 windows, step 1 or 2.
#define NORMS_MODEL(name, STEP)                                                                                 \
    void name(const int32_t *c, const int32_t *row, const uint32_t *row_sq, int32_t count, uint32x2_t area,      \
              int64x2_t min_term, uint32_t *norms) {                                                             \
        for (int32_t i = 0; i < count; i += 4)                                                                   \
            norms4(c, (const uint32_t *)row + (size_t)i * STEP, row_sq + (size_t)i * STEP, STEP, area, min_term, \
                   norms + i);                                                                                   \
    }
NORMS_MODEL(model_norms_step1, 1)
NORMS_MODEL(model_norms_step2, 2)
