// The scalar reference of the pyramid level resize: the contract of include/resize_bilinear_exact.h, one
// column at a time on uint32 rows.
#include "resize_bilinear_exact.h"
#include "internal/resize_row_walk.h"

static void horizontal_ref(const void *context, const uint8_t *line, void *row) {
    const edge_u8_resize_bilinear_exact_plan *plan = context;
    edge_resize_horizontal_u32(plan, line, 0, plan->width, row);
}

static void blend_ref(const void *context, const void *upper, const void *lower, int32_t v0, int32_t v1, uint8_t *out) {
    const edge_u8_resize_bilinear_exact_plan *plan = context;
    edge_resize_blend_u32(upper, lower, (uint32_t)v0, (uint32_t)v1, 0, plan->width, out);
}

void edge_u8_resize_bilinear_exact_rows_ref(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *source,
                                            int32_t source_stride, int32_t row_begin, int32_t row_end,
                                            uint8_t *destination, int32_t destination_stride, uint32_t *workspace) {
    edge_resize_walk_rows(plan, source, source_stride, row_begin, row_end, destination, destination_stride, workspace,
                          sizeof(uint32_t) * (size_t)plan->width, plan, horizontal_ref, blend_ref);
}
