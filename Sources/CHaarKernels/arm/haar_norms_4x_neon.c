// Window norms of a row on NEON (armv8.0), 4 windows per step (haar_kernels.h, "Window norms on lanes"): the
// sums from contiguous loads (step 1) or LD2's even origins of 8 (step 2), nf on 64-bit lanes, the square
// root on double lanes with the contract's exact correction. Other steps and the row's tail: the reference.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "../internal/haar_window.h"

// N of 2 windows from their sums and square sums, 0 where the variance test rejects.
static inline uint64x2_t norms2(uint32x2_t sums, uint32x2_t square_sums, uint32x2_t area, int64x2_t min_term) {
    const uint64x2_t nf = vsubq_u64(vmull_u32(square_sums, area), vmull_u32(sums, sums));
    const uint64x2_t accepted = vcgtq_s64(vreinterpretq_s64_u64(nf), min_term);
    const float64x2_t scaled = vmulq_n_f64(vsqrtq_f64(vcvtq_f64_u64(nf)), (double)(1 << EDGE_HAAR_NORM_SHIFT));
    uint64x2_t r = vcvtq_u64_f64(scaled);  // truncation
    const uint32x2_t r32 = vmovn_u64(r);
    const uint64x2_t n = vshlq_n_u64(nf, 2 * EDGE_HAAR_NORM_SHIFT);
    const uint64x2_t square = vmull_u32(r32, r32);
    const uint64x2_t next = vaddq_u64(square, vaddq_u64(vaddq_u64(r, r), vdupq_n_u64(1)));
    r = vaddq_u64(r, vcgtq_u64(square, n));  // r^2 > n: -1
    r = vsubq_u64(r, vcleq_u64(next, n));    // (r+1)^2 <= n: +1
    return vandq_u64(r, accepted);
}

static inline uint32x4_t norm_corners4(const uint32_t *at, int32_t step) {
    return step == 1 ? vld1q_u32(at) : vld2q_u32(at).val[0];
}

// The norms of the 4 windows at `at` (step 1) or at, at + 2, at + 4, at + 6 (step 2; reads 8 origins).
static inline void norms4(const int32_t *c, const uint32_t *at, const uint32_t *at_sq, int32_t step, uint32x2_t area,
                          int64x2_t min_term, uint32_t *norms) {
    // Window sums < 2^31 (and >= 0), square sums exact modulo 2^32: unsigned wrap-around arithmetic.
    const uint32x4_t sums = vaddq_u32(vsubq_u32(norm_corners4(at + c[0], step), norm_corners4(at + c[1], step)),
                                      vsubq_u32(norm_corners4(at + c[3], step), norm_corners4(at + c[2], step)));
    const uint32x4_t squares = vaddq_u32(vsubq_u32(norm_corners4(at_sq + c[0], step), norm_corners4(at_sq + c[1], step)),
                                         vsubq_u32(norm_corners4(at_sq + c[3], step), norm_corners4(at_sq + c[2], step)));
    const uint64x2_t low = norms2(vget_low_u32(sums), vget_low_u32(squares), area, min_term);
    const uint64x2_t high = norms2(vget_high_u32(sums), vget_high_u32(squares), area, min_term);
    vst1q_u32(norms, vcombine_u32(vmovn_u64(low), vmovn_u64(high)));
}

void edge_haar_norms_4x_neon(const edge_haar_cascade *cascade, const int32_t *row, const uint32_t *row_sq, int32_t step,
                             int32_t count, uint32_t *norms) {
    int32_t i = 0;
    if (step <= 2 && cascade->norm_area > 0 && cascade->norm_area < INT32_MAX) {
        const int32_t *c = cascade->norm_offsets;
        const uint32x2_t area = vdup_n_u32((uint32_t)cascade->norm_area);
        const int64x2_t min_term = vdupq_n_s64(cascade->min_variance_term);
        // Step 2 reads origin 2 * (i + 3) + 1 too: only while that is below the last window's origin.
        const int32_t blocks_end = step == 1 ? count - 3 : count - 4;
        for (; i < blocks_end; i += 4)
            norms4(c, (const uint32_t *)row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step, step, area,
                   min_term, norms + i);
    }
    edge_haar_norms_ref(cascade, row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step, step, count - i,
                        norms + i);
}
#endif
