// Reading and writing int8 or int16 activations in the reference kernels: one loop per op serves
// both element types (the s8 and s16 entry points pass a constant, so each inlines to its own loop).
#ifndef EDGE_ACTIVATION_ACCESS_H
#define EDGE_ACTIVATION_ACCESS_H

#include "edge_kernels.h"

typedef enum { EDGE_S8 = 1, EDGE_S16 = 2 } edge_element;  // value = bytes per element

static inline int32_t edge_load(const void *tensor, size_t index, edge_element element) {
    return element == EDGE_S16 ? ((const int16_t *)tensor)[index] : ((const int8_t *)tensor)[index];
}

// clamp(value, lo, hi) stored as the element type; [lo, hi] lies within the element's range.
static inline void edge_store(void *tensor, size_t index, edge_element element, int64_t value, int32_t lo, int32_t hi) {
    const int32_t clamped = (int32_t)(value < lo ? lo : value > hi ? hi : value);
    if (element == EDGE_S16) {
        ((int16_t *)tensor)[index] = (int16_t)clamped;
    } else {
        ((int8_t *)tensor)[index] = (int8_t)clamped;
    }
}

#endif  // EDGE_ACTIVATION_ACCESS_H
