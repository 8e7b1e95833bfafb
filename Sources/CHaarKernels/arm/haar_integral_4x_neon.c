// Integral and squared integral images, 8 pixels of a row per step as two 4-lane halves (NEON, armv8.0):
// the running sums by a log-step prefix within 4 lanes plus the carry so far, then the row above added.
// Every addition is uint32 wrap-around, so the result equals edge_haar_integral's bit for bit (header).
#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

#include "haar_kernels.h"

// Inclusive prefix sums of the 4 lanes plus `carry` (all lanes equal).
static inline uint32x4_t prefix_4x(uint32x4_t v, uint32x4_t carry) {
    const uint32x4_t zero = vdupq_n_u32(0);
    v = vaddq_u32(v, vextq_u32(zero, v, 3));
    v = vaddq_u32(v, vextq_u32(zero, v, 2));
    return vaddq_u32(v, carry);
}

void edge_haar_integral_4x_neon(const uint8_t *image, int32_t width, int32_t height, int32_t image_stride,
                                int32_t *sum, uint32_t *sqsum, int32_t stride) {
    memset(sum, 0, sizeof(int32_t) * (size_t)(width + 1));
    memset(sqsum, 0, sizeof(uint32_t) * (size_t)(width + 1));
    for (int32_t y = 0; y < height; y++) {
        const uint8_t *row = image + (size_t)y * (size_t)image_stride;
        const uint32_t *above = (const uint32_t *)(sum + (size_t)y * (size_t)stride);
        const uint32_t *above_sq = sqsum + (size_t)y * (size_t)stride;
        uint32_t *line = (uint32_t *)(sum + (size_t)(y + 1) * (size_t)stride);
        uint32_t *line_sq = sqsum + (size_t)(y + 1) * (size_t)stride;
        line[0] = 0;
        line_sq[0] = 0;
        uint32x4_t carry = vdupq_n_u32(0), carry_sq = vdupq_n_u32(0);
        int32_t x = 0;
        for (; x + 8 <= width; x += 8) {
            const uint8x8_t pixels = vld1_u8(row + x);
            const uint16x8_t wide = vmovl_u8(pixels);
            const uint16x8_t squares = vmull_u8(pixels, pixels);  // <= 255^2 fits 16 bits
            const uint32x4_t low = prefix_4x(vmovl_u16(vget_low_u16(wide)), carry);
            const uint32x4_t high = prefix_4x(vmovl_u16(vget_high_u16(wide)), vdupq_laneq_u32(low, 3));
            const uint32x4_t low_sq = prefix_4x(vmovl_u16(vget_low_u16(squares)), carry_sq);
            const uint32x4_t high_sq = prefix_4x(vmovl_u16(vget_high_u16(squares)), vdupq_laneq_u32(low_sq, 3));
            carry = vdupq_laneq_u32(high, 3);
            carry_sq = vdupq_laneq_u32(high_sq, 3);
            vst1q_u32(line + x + 1, vaddq_u32(low, vld1q_u32(above + x + 1)));
            vst1q_u32(line + x + 5, vaddq_u32(high, vld1q_u32(above + x + 5)));
            vst1q_u32(line_sq + x + 1, vaddq_u32(low_sq, vld1q_u32(above_sq + x + 1)));
            vst1q_u32(line_sq + x + 5, vaddq_u32(high_sq, vld1q_u32(above_sq + x + 5)));
        }
        uint32_t running = vgetq_lane_u32(carry, 0), running_sq = vgetq_lane_u32(carry_sq, 0);
        for (; x < width; x++) {
            const uint32_t pixel = row[x];
            running += pixel;
            running_sq += pixel * pixel;
            line[x + 1] = above[x + 1] + running;
            line_sq[x + 1] = above_sq[x + 1] + running_sq;
        }
    }
}
#endif
