#include "internal/haar_lane_scan.h"

#include <stdlib.h>

#include "internal/haar_window.h"

#include <string.h>

// Live flags (bytes 0/1) of the block at `live`: padded by 8 zero bytes past the row, so a block is one word.
static inline uint64_t block_word(const uint8_t *live) {
    uint64_t word;
    memcpy(&word, live, sizeof word);
    return word;
}

size_t edge_haar_lane_scan(const edge_haar_lane_ops *ops, const edge_haar_cascade *cascade, const int32_t *sum,
                           const uint32_t *sqsum, int32_t stride, int32_t columns, int32_t rows, int32_t step,
                           int32_t *hits, size_t capacity) {
    if (cascade->lane_stumps == NULL || cascade->stage_count == 0 || columns <= 0 || rows <= 0 || step <= 0)
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    const int32_t per_row = (columns + step - 1) / step, lanes = ops->lanes;
    // Blocks [0, dense) are evaluated on lanes: step 1 or 2 and every origin they read is a window.
    const int32_t dense = step <= 2 ? columns / (lanes * step) * lanes : 0;
    const size_t room = (size_t)per_row * (size_t)((rows + step - 1) / step) + (size_t)lanes;
    uint32_t *norms = malloc(sizeof(uint32_t) * (size_t)per_row);
    uint8_t *live = malloc((size_t)per_row + 8), *passes = calloc(2 * room + 8, 1);
    int32_t *listed = malloc(sizeof(int32_t) * room * 3);  // origins, then columns, then the gathered origins
    uint32_t *listed_norms = malloc(sizeof(uint32_t) * room * 2);  // norms, then the gathered norms
    uint32_t *gathered_index = malloc(sizeof(uint32_t) * room);
    if (!norms || !live || !passes || !listed || !listed_norms || !gathered_index) {
        free(norms), free(live), free(passes), free(listed), free(listed_norms), free(gathered_index);
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    }
    // Step 2 with a planar variant and more than one row of windows (a region scan's single rows are not worth the
    // copy): the rows and columns of the integral image the windows read (the window's extent from the
    // normalisation rectangle, the contract) in the planar layout, for the blocks.
    const int planar = step == 2 && ops->planar_block_stage != NULL && rows > step;
    const int32_t pitch = 2 * edge_haar_planar_half(stride);
    int32_t *planar_sum = NULL;
    if (planar) {
        const int32_t integral_rows = rows + cascade->norm_offsets[3] / stride + 1;
        const int32_t integral_columns = columns + cascade->norm_offsets[3] % stride + 1;
        planar_sum = malloc(sizeof(int32_t) * (size_t)integral_rows * (size_t)pitch);
        if (!planar_sum) {
            free(norms), free(live), free(passes), free(listed), free(listed_norms), free(gathered_index);
            return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
        }
        ops->planar_rows(sum, stride, integral_rows, integral_columns, planar_sum);
    }
    int32_t *listed_x = listed + room, *gathered = listed + 2 * room;
    uint32_t *gathered_norms = listed_norms + room;
    uint8_t *gathered_passes = passes + room;
    memset(live + per_row, 0, 8);
    // A block's lanes in its word (lanes <= 8; the bytes past the block belong to the next one).
    const uint64_t lane_bytes = lanes >= 8 ? ~0ull : (1ull << (8 * lanes)) - 1;
    const int32_t shift = edge_haar_decision_shift(cascade);
    const int32_t row_stages = ops->row_stages < cascade->stage_count ? ops->row_stages : cascade->stage_count;
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        ops->norms(cascade, row, row_sq, step, per_row, norms);
        int32_t remaining = 0;
        for (int32_t i = 0; i < per_row; i++) remaining += live[i] = norms[i] != 0;
        for (int32_t s = 0; s < row_stages && remaining > 0; s++) {
            const edge_haar_stage *stage = &cascade->stages[s];
            const edge_haar_stump *stumps = cascade->stumps + stage->first_tree;
            remaining = 0;
            for (int32_t i = 0; i < per_row; i += lanes) {
                const uint64_t word = block_word(live + i) & lane_bytes;  // past the row: zero padding
                if (word == 0) continue;
                if ((word & (word - 1)) != 0 && i < dense) {  // at least two live windows
                    if (planar)
                        ops->planar_block_stage(cascade, s, planar_sum + (size_t)y * (size_t)pitch + i, norms + i, passes + i);
                    else
                        ops->block_stage(cascade, s, row + (size_t)i * (size_t)step, step, norms + i, passes + i);
                    const uint64_t kept = word & block_word(passes + i);
                    memcpy(live + i, &kept, (size_t)lanes);
                    remaining += __builtin_popcountll(kept);
                } else {
                    const int32_t end = i + lanes < per_row ? i + lanes : per_row;
                    for (int32_t k = i; k < end; k++)
                        if (live[k])
                            remaining += live[k] = (uint8_t)edge_haar_stump_stage_passes(
                                stage, stumps, row + (size_t)k * (size_t)step, norms[k], shift);
                }
            }
            if (s == 0) {
                // OpenCV: a window rejected by stage 0 (not by the variance test) skips the next one, which then
                // skips nothing itself. Branch-free: `skipped` is whether window i is skipped.
                uint8_t skipped = 0;
                remaining = 0;
                for (int32_t i = 0; i < per_row; i++) {
                    const uint8_t rejected = (uint8_t)((norms[i] != 0) & !live[i] & !skipped);
                    live[i] &= (uint8_t)!skipped;
                    remaining += live[i];
                    skipped = rejected;
                }
            }
        }
        for (int32_t i = 0; i < per_row && remaining > 0; i++)
            if (live[i])
                listed[count] = y * stride + i * step, listed_x[count] = i * step, listed_norms[count] = norms[i], count++;
    }
    // Survivor stages. A listed window with at least edge_haar_list_block_min listed windows (itself included) among
    // the `lanes` origins from it on (one row; all of them windows, as block_stage needs) goes as that row block;
    // the others to full lane groups of the gathered list (padded with copies of its last window).
    const int32_t block_min = edge_haar_list_block_min(lanes), block_span = lanes * step;
    for (int32_t s = row_stages; s < cascade->stage_count && count > 0; s++) {
        size_t gathered_count = 0;
        for (size_t i = 0; i < count;) {
            const int32_t origin = listed[i];
            size_t end = i + 1;
            if (step <= 2 && listed_x[i] + block_span <= columns)
                while (end < count && listed[end] < origin + block_span) end++;
            if (end - i >= (size_t)block_min) {
                uint32_t block_norms[8];
                uint8_t block_passes[8];
                for (int32_t k = 0; k < lanes; k++) block_norms[k] = listed_norms[i];  // any window's norm: unused
                for (size_t m = i; m < end; m++) block_norms[(listed[m] - origin) / step] = listed_norms[m];
                if (planar)
                    ops->planar_block_stage(cascade, s, planar_sum + (size_t)(origin / stride) * (size_t)pitch + listed_x[i] / 2,
                                            block_norms, block_passes);
                else
                    ops->block_stage(cascade, s, sum + origin, step, block_norms, block_passes);
                for (size_t m = i; m < end; m++) passes[m] = block_passes[(listed[m] - origin) / step];
                i = end;
            } else {
                gathered_index[gathered_count] = (uint32_t)i, gathered[gathered_count] = origin;
                gathered_norms[gathered_count++] = listed_norms[i++];
            }
        }
        if (gathered_count > 0) {
            const size_t padded = (gathered_count + (size_t)lanes - 1) / (size_t)lanes * (size_t)lanes;
            for (size_t i = gathered_count; i < padded; i++)
                gathered[i] = gathered[gathered_count - 1], gathered_norms[i] = gathered_norms[gathered_count - 1];
            ops->list_stage(cascade, s, sum, gathered, gathered_norms, (int32_t)padded, (rows - 1) * stride + columns - 1,
                            gathered_passes);
            for (size_t i = 0; i < gathered_count; i++) passes[gathered_index[i]] = gathered_passes[i];
        }
        size_t kept = 0;
        for (size_t i = 0; i < count; i++)
            if (passes[i])
                listed[kept] = listed[i], listed_x[kept] = listed_x[i], listed_norms[kept] = listed_norms[i], kept++;
        count = kept;
    }
    for (size_t i = 0; i < count && i < capacity; i++) hits[2 * i] = listed_x[i], hits[2 * i + 1] = listed[i] / stride;
    free(norms), free(live), free(passes), free(listed), free(listed_norms), free(gathered_index), free(planar_sum);
    return count;
}
