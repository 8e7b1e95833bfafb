// Work counts of the lane scan (haar_lane_scan.c) for a speed model: the same per-row structure
// (norm per window, row stages on blocks of `lanes` windows, a lone live window scalar, the stage-0
// skip rule, survivors listed and compacted stage by stage) with every decision taken by the
// reference's scalar code, counting what a variant with `lanes` windows per block would evaluate.
// Not a scan table: tools (edge-bench haar --profile) install it through edge_haar_profile_kernels.
#include "haar_kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal/haar_lane_scan.h"
#include "internal/haar_window.h"

static _Thread_local edge_haar_scan_profile profile;
static _Thread_local int32_t profile_lanes = 4, profile_row_stages = 3, profile_merging = 0;

// Adds one call's counts into the record: a new entry, or (merging) into the single entry.
static void profile_commit(const edge_haar_level_profile *counted) {
    if (!profile_merging) {
        profile.levels[profile.level_count++] = *counted;
        return;
    }
    edge_haar_level_profile *into = &profile.levels[0];
    if (profile.level_count == 0) {
        *into = *counted;
        profile.level_count = 1;
        return;
    }
    into->columns = counted->columns > into->columns ? counted->columns : into->columns;
    into->rows += counted->rows, into->step = counted->step;
    into->windows += counted->windows, into->normalized += counted->normalized;
    into->block_stumps += counted->block_stumps, into->scalar_stumps += counted->scalar_stumps;
    into->list_stumps += counted->list_stumps, into->survivor_block_stumps += counted->survivor_block_stumps;
    into->hits += counted->hits;
    for (int32_t s = 0; s < EDGE_HAAR_PROFILE_STAGES; s++) into->reach[s] += counted->reach[s];
}

static size_t profile_scan(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum, int32_t stride,
                           int32_t columns, int32_t rows, int32_t step, int32_t *hits, size_t capacity) {
    if ((!profile_merging && profile.level_count >= EDGE_HAAR_PROFILE_LEVELS) || cascade->stumps == NULL || columns <= 0 ||
        rows <= 0)
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    edge_haar_level_profile counted, *level = &counted;
    memset(level, 0, sizeof *level);
    level->columns = columns, level->rows = rows, level->step = step;
    const int32_t lanes = profile_lanes, per_row = (columns + step - 1) / step;
    const int32_t dense = step <= 2 ? columns / (lanes * step) * lanes : 0;
    const int32_t row_stages = profile_row_stages < cascade->stage_count ? profile_row_stages : cascade->stage_count;
    const int32_t shift = edge_haar_decision_shift(cascade);
    uint32_t *norms = malloc(sizeof(uint32_t) * (size_t)per_row);
    uint8_t *live = malloc((size_t)per_row);
    // Per survivor of the row stages: its row pointer and norm, for the list stages.
    size_t room = (size_t)per_row * (size_t)((rows + step - 1) / step), count = 0;
    const int32_t **listed = malloc(sizeof(int32_t *) * room);
    uint32_t *listed_norms = malloc(sizeof(uint32_t) * room);
    int32_t *listed_x = malloc(sizeof(int32_t) * room);
    if (!norms || !live || !listed || !listed_norms || !listed_x) {
        free(norms), free(live), free(listed), free(listed_norms), free(listed_x);
        return edge_haar_scan_ref(cascade, sum, sqsum, stride, columns, rows, step, hits, capacity);
    }
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        level->windows += (uint64_t)per_row;
        for (int32_t i = 0; i < per_row; i++) {
            norms[i] = edge_haar_window_norm(cascade, row + (size_t)i * (size_t)step, row_sq + (size_t)i * (size_t)step);
            live[i] = norms[i] != 0;
            level->normalized += live[i];
        }
        int32_t remaining = 0;
        for (int32_t s = 0; s < row_stages; s++) {
            const edge_haar_stage *stage = &cascade->stages[s];
            const edge_haar_stump *stumps = cascade->stumps + stage->first_tree;
            for (int32_t i = 0; i < per_row; i++) level->reach[s < EDGE_HAAR_PROFILE_STAGES ? s : EDGE_HAAR_PROFILE_STAGES - 1] += live[i];
            for (int32_t i = 0; i < per_row; i += lanes) {
                const int32_t end = i + lanes < per_row ? i + lanes : per_row;
                int32_t alive = 0;
                for (int32_t k = i; k < end; k++) alive += live[k];
                if (alive == 0) continue;
                if (alive > 1 && i < dense) level->block_stumps += (uint64_t)stage->tree_count;
                else level->scalar_stumps += (uint64_t)stage->tree_count * (uint64_t)alive;
                for (int32_t k = i; k < end; k++)
                    if (live[k])
                        live[k] = (uint8_t)edge_haar_stump_stage_passes(stage, stumps, row + (size_t)k * (size_t)step, norms[k], shift);
            }
            if (s == 0)
                for (int32_t i = 0; i < per_row; i++)
                    if (norms[i] != 0 && !live[i] && i + 1 < per_row) live[++i] = 0;
            remaining = 0;
            for (int32_t i = 0; i < per_row; i++) remaining += live[i];
            if (remaining == 0) break;
        }
        for (int32_t i = 0; i < per_row && remaining > 0; i++)
            if (live[i])
                listed[count] = row + (size_t)i * (size_t)step, listed_x[count] = i * step, listed_norms[count] = norms[i], count++;
    }
    for (int32_t s = row_stages; s < cascade->stage_count && count > 0; s++) {
        const edge_haar_stage *stage = &cascade->stages[s];
        level->reach[s < EDGE_HAAR_PROFILE_STAGES ? s : EDGE_HAAR_PROFILE_STAGES - 1] += count;
        // A listed window with enough listed windows among the block from it on goes as a row block (lane scan).
        size_t gathered = 0;
        for (size_t i = 0; i < count;) {
            size_t end = i + 1;
            if (step <= 2 && listed_x[i] + lanes * step <= columns)
                while (end < count && listed[end] < listed[i] + lanes * step) end++;
            if (end - i >= (size_t)edge_haar_list_block_min(lanes)) level->survivor_block_stumps += (uint64_t)stage->tree_count, i = end;
            else gathered++, i++;
        }
        level->list_stumps += (uint64_t)((gathered + (size_t)lanes - 1) / (size_t)lanes) * (uint64_t)stage->tree_count;
        size_t kept = 0;
        for (size_t i = 0; i < count; i++)
            if (edge_haar_stump_stage_passes(stage, cascade->stumps + stage->first_tree, listed[i], listed_norms[i], shift))
                listed[kept] = listed[i], listed_x[kept] = listed_x[i], listed_norms[kept] = listed_norms[i], kept++;
        count = kept;
    }
    for (size_t i = 0; i < count && i < capacity; i++) {
        const ptrdiff_t at = listed[i] - sum;
        hits[2 * i] = (int32_t)(at % stride), hits[2 * i + 1] = (int32_t)(at / stride);
    }
    level->hits = count;
    free(norms), free(live), free(listed), free(listed_norms), free(listed_x);
    profile_commit(level);
    return count;
}

static size_t no_scan(const edge_haar_cascade *cascade, const int32_t *sum, const uint32_t *sqsum, int32_t stride,
                      int32_t columns, int32_t rows, int32_t step, int32_t *hits, size_t capacity) {
    (void)cascade, (void)sum, (void)sqsum, (void)stride, (void)columns, (void)rows, (void)step, (void)hits, (void)capacity;
    return 0;
}

// The fastest table's resize (chosen once): the pyramid these tables time is the one detections run.
static void fastest_resize_rows(const edge_u8_resize_bilinear_exact_plan *plan, const uint8_t *source,
                                int32_t source_stride, int32_t row_begin, int32_t row_end, uint8_t *destination,
                                int32_t destination_stride, uint32_t *workspace) {
    static _Atomic(edge_u8_resize_bilinear_exact_rows_fn) fastest;
    edge_u8_resize_bilinear_exact_rows_fn resize = atomic_load_explicit(&fastest, memory_order_relaxed);
    if (resize == NULL) {
        resize = edge_haar_kernels_select(NULL)->resize_rows;
        atomic_store_explicit(&fastest, resize, memory_order_relaxed);
    }
    resize(plan, source, source_stride, row_begin, row_end, destination, destination_stride, workspace);
}

static const edge_haar_kernels profile_kernels = {.name = "profile", .scan = profile_scan, .integral = edge_haar_integral, .norms = edge_haar_norms_ref,
                                                  .resize_rows = fastest_resize_rows};
static const edge_haar_kernels no_scan_kernels = {.name = "no-scan", .scan = no_scan, .integral = edge_haar_integral, .norms = edge_haar_norms_ref,
                                                  .resize_rows = fastest_resize_rows};

const edge_haar_kernels *edge_haar_profile_kernels(int32_t lanes, int32_t row_stages) {
    profile_lanes = lanes > 0 ? lanes : 1;
    profile_row_stages = row_stages > 0 ? row_stages : 1;
    profile_merging = 0;
    memset(&profile, 0, sizeof profile);
    return &profile_kernels;
}

void edge_haar_profile_merge_calls(int32_t merge) { profile_merging = merge != 0; }

const edge_haar_kernels *edge_haar_no_scan_kernels(void) { return &no_scan_kernels; }

edge_haar_scan_profile edge_haar_profile_take(void) {
    edge_haar_scan_profile taken = profile;
    memset(&profile, 0, sizeof profile);
    return taken;
}
