// The Haar scan on NEON (armv8.0): 4 windows per lane group (int32 feature values, int64 stage sums),
// the contract's lane stumps (haar_kernels.h). A block of 4 consecutive windows loads the integral
// images directly (step 1) or de-interleaves 8 origins with LD2 (step 2); the listed survivors of later
// stages are loaded lane by lane (NEON has no gather).
#if defined(__aarch64__)
#include <arm_neon.h>

#include "../internal/haar_lane_scan.h"
#include "../internal/haar_window.h"

// q = (|T| * N + rounding) >> s on 4 lanes.
static inline int32x4_t lane_thresholds(const edge_haar_lane_stump *stump, uint32x4_t norms, int64x2_t shift) {
    const uint32x2_t magnitude = vdup_n_u32(stump->threshold);
    const uint64x2_t rounding = vdupq_n_u64(stump->rounding);
    const uint64x2_t low = vshlq_u64(vaddq_u64(vmull_u32(vget_low_u32(norms), magnitude), rounding), shift);
    const uint64x2_t high = vshlq_u64(vaddq_u64(vmull_u32(vget_high_u32(norms), magnitude), rounding), shift);
    return vreinterpretq_s32_u32(vcombine_u32(vmovn_u64(low), vmovn_u64(high)));
}

// Adds the stump's left - right to the lanes going left (v < q).
static inline void accumulate(const edge_haar_lane_stump *stump, int32x4_t values, int32x4_t thresholds,
                              int64x2_t *low, int64x2_t *high) {
    const int32x4_t left = vreinterpretq_s32_u32(vcltq_s32(values, thresholds));
    const int64x2_t delta = vdupq_n_s64(stump->left - stump->right);
    *low = vaddq_s64(*low, vandq_s64(delta, vmovl_s32(vget_low_s32(left))));
    *high = vaddq_s64(*high, vandq_s64(delta, vmovl_s32(vget_high_s32(left))));
}

// `threshold`: the stage threshold minus the stage's base (edge_haar_lane_stage_base).
static inline void decide(int64x2_t threshold, int64x2_t low, int64x2_t high, uint8_t *passes) {
    const uint64x2_t pass_low = vcgeq_s64(low, threshold), pass_high = vcgeq_s64(high, threshold);
    passes[0] = (uint8_t)(vgetq_lane_u64(pass_low, 0) & 1);
    passes[1] = (uint8_t)(vgetq_lane_u64(pass_low, 1) & 1);
    passes[2] = (uint8_t)(vgetq_lane_u64(pass_high, 0) & 1);
    passes[3] = (uint8_t)(vgetq_lane_u64(pass_high, 1) & 1);
}

// Corner loads of origins 0..3 (step 1) or the even ones of 0..7 (step 2).
static inline int32x4_t corners4(const int32_t *at, int32_t step) {
    return step == 1 ? vld1q_s32(at) : vld2q_s32(at).val[0];
}

// v' of origins 0..3 (step 1) or of the even ones of 0..7 (step 2), by rectangles.
static inline int32x4_t feature4(const int32_t *origin, int32_t step, const edge_haar_lane_stump *stump) {
    int32x4_t value = vdupq_n_s32(0);
    for (int r = 0; r < 3; r++) {
        if (stump->weights[r] == 0) continue;
        const int32_t *c = stump->offsets[r];
        const int32x4_t area = vaddq_s32(vsubq_s32(corners4(origin + c[0], step), corners4(origin + c[1], step)),
                                         vsubq_s32(corners4(origin + c[3], step), corners4(origin + c[2], step)));
        value = vmlaq_n_s32(value, area, stump->weights[r]);
    }
    return value;
}

static inline int32x4_t gathered4(const int32_t *sum, const int32_t *origins) {
    int32x4_t v = vdupq_n_s32(0);
    v = vld1q_lane_s32(sum + origins[0], v, 0);
    v = vld1q_lane_s32(sum + origins[1], v, 1);
    v = vld1q_lane_s32(sum + origins[2], v, 2);
    return vld1q_lane_s32(sum + origins[3], v, 3);
}

// v' of the 4 windows at sum + origins[0..3].
static inline int32x4_t gathered_feature4(const int32_t *sum, const int32_t *origins, const edge_haar_lane_stump *stump) {
    int32x4_t value = vdupq_n_s32(0);
    for (int32_t k = 0; k < stump->corner_count; k++)
        value = vmlaq_n_s32(value, gathered4(sum + stump->corners[k], origins), stump->coefficients[k]);
    return value;
}

static void list_stage_neon(const edge_haar_cascade *cascade, int32_t index, const int32_t *sum, const int32_t *origins,
                            const uint32_t *norms, int32_t count, int32_t last_origin, uint8_t *passes) {
    (void)last_origin;
    const edge_haar_stage *stage = &cascade->stages[index];
    const edge_haar_lane_stump *stumps = cascade->lane_stumps + stage->first_tree;
    const int64x2_t shift = vdupq_n_s64(-edge_haar_decision_shift(cascade));
    const int64x2_t threshold = vdupq_n_s64(stage->threshold - edge_haar_lane_stage_base(cascade, stage));
    for (int32_t i = 0; i < count; i += 4) {
        const uint32x4_t n = vld1q_u32(norms + i);
        int64x2_t low = vdupq_n_s64(0), high = vdupq_n_s64(0);
        for (int32_t j = 0; j < stage->tree_count; j++)
            accumulate(&stumps[j], gathered_feature4(sum, origins + i, &stumps[j]), lane_thresholds(&stumps[j], n, shift),
                       &low, &high);
        decide(threshold, low, high, passes + i);
    }
}

static void block_stage_neon(const edge_haar_cascade *cascade, int32_t index, const int32_t *origin, int32_t step,
                             const uint32_t *norms, uint8_t *passes) {
    const edge_haar_stage *stage = &cascade->stages[index];
    const edge_haar_lane_stump *stumps = cascade->lane_stumps + stage->first_tree;
    const int64x2_t shift = vdupq_n_s64(-edge_haar_decision_shift(cascade));
    const uint32x4_t n = vld1q_u32(norms);
    int64x2_t low = vdupq_n_s64(0), high = vdupq_n_s64(0);
    for (int32_t j = 0; j < stage->tree_count; j++)
        accumulate(&stumps[j], feature4(origin, step, &stumps[j]), lane_thresholds(&stumps[j], n, shift), &low, &high);
    decide(vdupq_n_s64(stage->threshold - edge_haar_lane_stage_base(cascade, stage)), low, high, passes);
}

// Row blocks stay cheaper than lane-by-lane loads while live windows are dense: the first three stages.
void edge_haar_norms_4x_neon(const edge_haar_cascade *, const int32_t *, const uint32_t *, int32_t, int32_t, uint32_t *);
static const edge_haar_lane_ops neon_ops = {.lanes = 4, .block_stage = block_stage_neon, .list_stage = list_stage_neon,
                                            .row_stages = 3, .norms = edge_haar_norms_4x_neon};

size_t edge_haar_scan_4x_neon(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum,
                              int32_t stride, int32_t columns, int32_t rows, int32_t step, int32_t *hits,
                              size_t capacity) {
    return edge_haar_lane_scan(&neon_ops, cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
}
#endif
