// The reference row of window norms: edge_haar_window_norm per window (haar_kernels.h, the norm's contract).
#include "haar_kernels.h"
#include "internal/haar_window.h"

void edge_haar_norms_ref(const edge_haar_cascade *cascade, const int32_t *row, const uint32_t *row_sq, int32_t step,
                         int32_t count, uint32_t *norms) {
    for (int32_t i = 0; i < count; i++)
        norms[i] = edge_haar_window_norm(cascade, row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step);
}
