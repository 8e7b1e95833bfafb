#include "internal/haar_lane_scan.h"

#include <stdlib.h>

#include "internal/haar_window.h"

#include <string.h>

// Live windows of a row as bits (window i: bit i % 64 of word i / 64), zero past the row. Blocks have `lanes` <= 8
// windows, a divisor of 64: a block never straddles two words.

// The pass flags (bytes 0/1) of a block of up to 8 windows as bits: byte k -> bit k.
static inline uint64_t pass_bits(const uint8_t *passes, int32_t lanes) {
    uint64_t word = 0;
    memcpy(&word, passes, (size_t)lanes);
    return (word * 0x0102040810204080ull) >> 56;  // each 0/1 byte lands on its own bit of the top byte: no carries
}

// OpenCV's skip rule on one row (see haar_kernels.h): a window rejected by stage 0 (normalised, not passed) skips
// the next one, which then skips nothing itself. In a run of consecutive rejected windows that is not entered by a
// skip, the windows at even distances from the run's start are evaluated (and skip their right neighbours), so a run
// starting at an even bit is evaluated at even bits, one starting at an odd bit at odd bits. Adding a run's start bit
// to the word clears that run (the carry stops at the zero bit after it); `words` rejected words in, skipped out.
static inline void skipped_windows(uint64_t *words, int32_t word_count) {
    const uint64_t even = 0x5555555555555555ull;
    uint64_t carried = 0;  // the last bit of the previous word was evaluated and rejected: bit 0 is skipped
    for (int32_t w = 0; w < word_count; w++) {
        const uint64_t rejected = words[w] & ~carried;  // a skipped window is not evaluated, so not rejected
        const uint64_t starts = rejected & ~(rejected << 1);
        const uint64_t from_even = rejected & ~(rejected + (starts & even));
        const uint64_t evaluated = (from_even & even) | (rejected & ~from_even & ~even);
        words[w] = evaluated << 1 | carried;
        carried = evaluated >> 63;
    }
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
    const int32_t word_count = (per_row + 63) / 64;
    uint64_t *live = malloc(sizeof(uint64_t) * 2 * (size_t)word_count), *skipped = live + word_count;
    uint8_t *passes = calloc(2 * room + 8, 1);
    int32_t *listed = malloc(sizeof(int32_t) * room * 4);  // origins, columns, rows, the gathered origins
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
    int32_t *listed_x = listed + room, *listed_y = listed + 2 * room, *gathered = listed + 3 * room;
    uint32_t *gathered_norms = listed_norms + room;
    uint8_t *gathered_passes = passes + room;
    const uint64_t lane_bits = (1ull << lanes) - 1;
    const int32_t shift = edge_haar_decision_shift(cascade);
    const int32_t row_stages = ops->row_stages < cascade->stage_count ? ops->row_stages : cascade->stage_count;
    size_t count = 0;
    for (int32_t y = 0; y < rows; y += step) {
        const int32_t *row = sum + (size_t)y * (size_t)stride;
        const uint32_t *row_sq = sqsum + (size_t)y * (size_t)stride;
        ops->norms(cascade, row, row_sq, step, per_row, norms);
        uint64_t remaining = 0;
        for (int32_t w = 0; w < word_count; w++) {  // the normalised windows
            const int32_t first = w * 64, end = per_row - first < 64 ? per_row - first : 64;
            uint64_t bits = 0;
            int32_t k = 0;
            for (; k + 8 <= end; k += 8) {
                uint8_t flags[8];
                for (int32_t j = 0; j < 8; j++) flags[j] = norms[first + k + j] != 0;
                bits |= pass_bits(flags, 8) << k;
            }
            for (; k < end; k++) bits |= (uint64_t)(norms[first + k] != 0) << k;
            live[w] = bits, remaining |= bits;
        }
        for (int32_t s = 0; s < row_stages && remaining != 0; s++) {
            const edge_haar_stage *stage = &cascade->stages[s];
            const edge_haar_stump *stumps = cascade->stumps + stage->first_tree;
            if (s == 0) memcpy(skipped, live, sizeof(uint64_t) * (size_t)word_count);  // normalised, for the skip rule
            for (int32_t i = 0; i < per_row; i += lanes) {
                const int32_t bit = i & 63;
                uint64_t block = live[i >> 6] >> bit & lane_bits;  // past the row: zero
                if (block == 0) continue;
                if ((block & (block - 1)) != 0 && i < dense) {  // at least two live windows
                    if (planar)
                        ops->planar_block_stage(cascade, s, planar_sum + (size_t)y * (size_t)pitch + i, norms + i, passes);
                    else
                        ops->block_stage(cascade, s, row + (size_t)i * (size_t)step, step, norms + i, passes);
                    live[i >> 6] &= ~((~pass_bits(passes, lanes) & block) << bit);
                } else {
                    for (; block != 0; block &= block - 1) {
                        const int32_t k = i + __builtin_ctzll(block);
                        if (!edge_haar_stump_stage_passes(stage, stumps, row + (size_t)k * (size_t)step, norms[k], shift))
                            live[i >> 6] &= ~(1ull << (k & 63));
                    }
                }
            }
            if (s == 0) {
                for (int32_t w = 0; w < word_count; w++) skipped[w] &= ~live[w];  // rejected by stage 0
                skipped_windows(skipped, word_count);
                for (int32_t w = 0; w < word_count; w++) live[w] &= ~skipped[w];
            }
            remaining = 0;
            for (int32_t w = 0; w < word_count; w++) remaining |= live[w];
        }
        for (int32_t w = 0; w < word_count; w++)
            for (uint64_t bits = live[w]; bits != 0; bits &= bits - 1) {
                const int32_t i = w * 64 + __builtin_ctzll(bits);
                listed[count] = y * stride + i * step, listed_x[count] = i * step, listed_y[count] = y;
                listed_norms[count++] = norms[i];
            }
    }
    // Survivor stages. A listed window with at least edge_haar_list_block_min listed windows (itself included) among
    // the `lanes` origins from it on (one row; all of them windows, as block_stage needs) goes as that row block;
    // the others to full lane groups of the gathered list (padded with copies of its last window).
    const int32_t block_min = edge_haar_list_block_min(lanes), block_span = lanes * step;
    const int32_t lane_shift = step == 2;  // a block's lane: origin distance / step (blocks have step 1 or 2)
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
                for (size_t m = i; m < end; m++) block_norms[(listed[m] - origin) >> lane_shift] = listed_norms[m];
                if (planar)
                    ops->planar_block_stage(cascade, s, planar_sum + (size_t)listed_y[i] * (size_t)pitch + listed_x[i] / 2,
                                            block_norms, block_passes);
                else
                    ops->block_stage(cascade, s, sum + origin, step, block_norms, block_passes);
                for (size_t m = i; m < end; m++) passes[m] = block_passes[(listed[m] - origin) >> lane_shift];
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
        for (size_t i = 0; i < count; i++)  // branch-free: every survivor is written, a rejected one overwritten next
            listed[kept] = listed[i], listed_x[kept] = listed_x[i], listed_y[kept] = listed_y[i],
            listed_norms[kept] = listed_norms[i], kept += passes[i];
        count = kept;
    }
    for (size_t i = 0; i < count && i < capacity; i++) hits[2 * i] = listed_x[i], hits[2 * i + 1] = listed_y[i];
    free(norms), free(live), free(passes), free(listed), free(listed_norms), free(gathered_index), free(planar_sum);
    return count;
}
