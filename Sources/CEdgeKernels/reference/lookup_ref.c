// Reference table lookups (edge_lookup_s8_fn, edge_lookup_s16_fn in edge_kernels.h).
#include "edge_kernels.h"

void edge_s8_lookup_ref(size_t count, const int8_t *table, const int8_t *input, int8_t *output) {
    for (size_t i = 0; i < count; ++i) output[i] = table[(int32_t)input[i] + 128];
}

// Linear interpolation between the entries around each code; the result lies between them.
void edge_s16_lookup_ref(size_t count, const int16_t *table, const int16_t *input, int16_t *output) {
    for (size_t i = 0; i < count; ++i) {
        const int32_t u = (int32_t)input[i] + 32768;
        const int32_t base = table[u >> 7], next = table[(u >> 7) + 1];
        output[i] = (int16_t)(base + (((next - base) * (u & 127) + 64) >> 7));
    }
}
