// Kernel tables and their selection. Optimized variants register here as they are added.
#include <string.h>

#include "edge_kernels.h"

static const edge_kernel_table reference_table = {
    .name = "reference",
    .conv2d = edge_s8_conv2d_ref,
    .depthwise_conv2d = edge_s8_depthwise_conv2d_ref,
    .fully_connected = edge_s8_fully_connected_ref,
    .max_pool = edge_s8_max_pool_ref,
    .average_pool = edge_s8_average_pool_ref,
    .add = edge_s8_add_ref,
};

const edge_kernel_table *edge_kernels_reference(void) { return &reference_table; }

const edge_kernel_table *edge_kernels_select(const char *name) {
    if (name == NULL || strcmp(name, "reference") == 0) return &reference_table;
    return NULL;
}
