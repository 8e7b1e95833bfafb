// Int8 table lookup on baseline NEON, 16 codes per step: index = code + 128 (XOR 0x80); TBL over
// the first 64 entries, then TBX over each further 64 with the index lowered by 64 (an index out
// of a block's range leaves the lane as it is). Exact: every lane takes one table entry.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "../internal/edge_kernel_variants.h"

void edge_s8_lookup_c16_neon(size_t count, const int8_t *table, const int8_t *input, int8_t *output) {
    const uint8_t *t = (const uint8_t *)table;
    const uint8x16x4_t block0 = vld1q_u8_x4(t), block1 = vld1q_u8_x4(t + 64);
    const uint8x16x4_t block2 = vld1q_u8_x4(t + 128), block3 = vld1q_u8_x4(t + 192);
    const uint8x16_t sign = vdupq_n_u8(0x80), sixty_four = vdupq_n_u8(64);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        uint8x16_t index = veorq_u8(vreinterpretq_u8_s8(vld1q_s8(input + i)), sign);
        uint8x16_t result = vqtbl4q_u8(block0, index);
        index = vsubq_u8(index, sixty_four);
        result = vqtbx4q_u8(result, block1, index);
        index = vsubq_u8(index, sixty_four);
        result = vqtbx4q_u8(result, block2, index);
        index = vsubq_u8(index, sixty_four);
        result = vqtbx4q_u8(result, block3, index);
        vst1q_s8(output + i, vreinterpretq_s8_u8(result));
    }
    if (i < count) edge_s8_lookup_ref(count - i, table, input + i, output + i);
}
#endif
