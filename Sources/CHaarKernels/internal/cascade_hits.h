// The scans' hit list contract (haar_kernels.h, lbp_kernels.h): accepted origins are written as (x, y) pairs
// while the caller's buffer has room and always counted, so the caller learns how much room a second call needs.
#ifndef EDGE_CASCADE_HITS_H
#define EDGE_CASCADE_HITS_H

#include <stddef.h>
#include <stdint.h>

static inline void edge_cascade_record_hit(int32_t *hits, size_t capacity, size_t *count, int32_t x, int32_t y) {
    if (*count < capacity) {
        hits[2 * *count] = x;
        hits[2 * *count + 1] = y;
    }
    (*count)++;
}

#endif
