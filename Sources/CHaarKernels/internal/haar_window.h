// Scalar pieces shared by the reference scan and the SIMD variants (their tails and set-up), so that
// every variant computes a window's norm and a stage's decision with the very same code.
#ifndef EDGE_HAAR_WINDOW_H
#define EDGE_HAAR_WINDOW_H

#include "haar_kernels.h"

// ceil(sqrt((i + 1) * 2^8)): an upper bound of sqrt(m) for every m < (i + 1) * 2^8 (only 64...255 are used).
__attribute__((unused)) static const uint16_t sqrt_guess[256] = {
    16, 23, 28, 32, 36, 40, 43, 46, 48, 51, 54, 56, 58, 60, 62, 64,
    66, 68, 70, 72, 74, 76, 77, 79, 80, 82, 84, 85, 87, 88, 90, 91,
    92, 94, 95, 96, 98, 99, 100, 102, 103, 104, 105, 107, 108, 109, 110, 111,
    112, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128,
    129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144,
    144, 145, 146, 147, 148, 149, 150, 151, 151, 152, 153, 154, 155, 156, 156, 157,
    158, 159, 160, 160, 161, 162, 163, 164, 164, 165, 166, 167, 168, 168, 169, 170,
    171, 171, 172, 173, 174, 174, 175, 176, 176, 177, 178, 179, 179, 180, 181, 182,
    182, 183, 184, 184, 185, 186, 186, 187, 188, 188, 189, 190, 190, 191, 192, 192,
    193, 194, 194, 195, 196, 196, 197, 198, 198, 199, 200, 200, 201, 202, 202, 203,
    204, 204, 205, 205, 206, 207, 207, 208, 208, 209, 210, 210, 211, 212, 212, 213,
    213, 214, 215, 215, 216, 216, 217, 218, 218, 219, 219, 220, 220, 221, 222, 222,
    223, 223, 224, 224, 225, 226, 226, 227, 227, 228, 228, 229, 230, 230, 231, 231,
    232, 232, 233, 233, 234, 235, 235, 236, 236, 237, 237, 238, 238, 239, 239, 240,
    240, 241, 242, 242, 243, 243, 244, 244, 245, 245, 246, 246, 247, 247, 248, 248,
    249, 249, 250, 250, 251, 251, 252, 252, 253, 253, 254, 254, 255, 255, 256, 256,
};

// ceil(2^48 / sqrt_guess[i]): with it floor(m / sqrt_guess[i]) = (m * entry) >> 48 exactly for m * sqrt_guess[i] < 2^48
// (m * entry / 2^48 = m / g + m * r / (g * 2^48) with r = entry * g - 2^48 < g, and m * r < 2^48 keeps the extra
// term below 1 / g, less than what the fraction of m / g lacks to reach the next integer).
__attribute__((unused)) static const uint64_t sqrt_guess_reciprocal[256] = {
    17592186044416ull, 12238042465681ull, 10052677739667ull, 8796093022208ull,
    7818749353074ull, 7036874417767ull, 6545929690946ull, 6119021232841ull,
    5864062014806ull, 5519117190406ull, 5212499568716ull, 5026338869834ull,
    4853016839839ull, 4691249611845ull, 4539918979205ull, 4398046511104ull,
    4264772374404ull, 4139337892804ull, 4021071095867ull, 3909374676537ull,
    3803715901496ull, 3703618114614ull, 3655519178061ull, 3562974388743ull,
    3518437208884ull, 3432621667204ull, 3350892579889ull, 3311470314244ull,
    3235344559893ull, 3198579280803ull, 3127499741230ull, 3093131612206ull,
    3059510616421ull, 2994414645859ull, 2962894491692ull, 2932031007403ull,
    2872193639905ull, 2843181582936ull, 2814749767107ull, 2759558595203ull,
    2732766764182ull, 2706490160680ull, 2680714063912ull, 2630607258979ull,
    2606249784358ull, 2582339235878ull, 2558863424643ull, 2535810600997ull,
    2513169434917ull, 2469078743076ull, 2447608493137ull, 2426508419920ull,
    2405769031716ull, 2385381158565ull, 2365335938746ull, 2345624805923ull,
    2326239476948ull, 2307171940252ull, 2288414444803ull, 2269959489603ull,
    2251799813686ull, 2233928386593ull, 2216338399297ull, 2199023255552ull,
    2181976563649ull, 2165192128544ull, 2148663944357ull, 2132386187202ull,
    2116353208351ull, 2100559527692ull, 2084999827487ull, 2069668946402ull,
    2054561873801ull, 2039673744281ull, 2024999832451ull, 2010535547934ull,
    1996276430573ull, 1982218145850ull, 1968356480495ull, 1954687338269ull,
    1954687338269ull, 1941206735936ull, 1927910799389ull, 1914795759937ull,
    1901857950748ull, 1889093803428ull, 1876499844738ull, 1864072693449ull,
    1864072693449ull, 1851809057307ull, 1839705730136ull, 1827759589031ull,
    1815967591682ull, 1804326773787ull, 1804326773787ull, 1792834246565ull,
    1781487194372ull, 1770282872395ull, 1759218604442ull, 1759218604442ull,
    1748291780812ull, 1737499856239ull, 1726840347919ull, 1716310833602ull,
    1716310833602ull, 1705908949762ull, 1695632389824ull, 1685478902460ull,
    1675446289945ull, 1675446289945ull, 1665532406572ull, 1655735157122ull,
    1646052495384ull, 1646052495384ull, 1636482422737ull, 1627022986767ull,
    1617672279947ull, 1617672279947ull, 1608428438347ull, 1599289640402ull,
    1599289640402ull, 1590254105710ull, 1581320093881ull, 1572485903412ull,
    1572485903412ull, 1563749870615ull, 1555110368568ull, 1546565806103ull,
    1546565806103ull, 1538114626835ull, 1529755308211ull, 1529755308211ull,
    1521486360599ull, 1513306326402ull, 1513306326402ull, 1505213779202ull,
    1497207322930ull, 1497207322930ull, 1489285591062ull, 1481447245846ull,
    1481447245846ull, 1473690977543ull, 1466015503702ull, 1466015503702ull,
    1458419568449ull, 1450901941808ull, 1450901941808ull, 1443461419030ull,
    1436096819953ull, 1436096819953ull, 1428806988379ull, 1421590791468ull,
    1421590791468ull, 1414447119150ull, 1407374883554ull, 1407374883554ull,
    1400373018461ull, 1393440478766ull, 1393440478766ull, 1386576239954ull,
    1379779297602ull, 1379779297602ull, 1373048666882ull, 1373048666882ull,
    1366383382091ull, 1359782496187ull, 1359782496187ull, 1353245080340ull,
    1353245080340ull, 1346770223496ull, 1340357031956ull, 1340357031956ull,
    1334004628961ull, 1327712154296ull, 1327712154296ull, 1321478763900ull,
    1321478763900ull, 1315303629490ull, 1309185938190ull, 1309185938190ull,
    1303124892179ull, 1303124892179ull, 1297119708345ull, 1291169617939ull,
    1291169617939ull, 1285273866259ull, 1285273866259ull, 1279431712322ull,
    1279431712322ull, 1273642428556ull, 1267905300499ull, 1267905300499ull,
    1262219626506ull, 1262219626506ull, 1256584717459ull, 1256584717459ull,
    1250999896492ull, 1245464498720ull, 1245464498720ull, 1239977870973ull,
    1239977870973ull, 1234539371538ull, 1234539371538ull, 1229148369916ull,
    1223804246569ull, 1223804246569ull, 1218506392687ull, 1218506392687ull,
    1213254209960ull, 1213254209960ull, 1208047110347ull, 1208047110347ull,
    1202884515858ull, 1197765858344ull, 1197765858344ull, 1192690579283ull,
    1192690579283ull, 1187658129581ull, 1187658129581ull, 1182667969373ull,
    1182667969373ull, 1177719567828ull, 1177719567828ull, 1172812402962ull,
    1172812402962ull, 1167945961456ull, 1163119738474ull, 1163119738474ull,
    1158333237493ull, 1158333237493ull, 1153585970126ull, 1153585970126ull,
    1148877455962ull, 1148877455962ull, 1144207222402ull, 1144207222402ull,
    1139574804497ull, 1139574804497ull, 1134979744802ull, 1134979744802ull,
    1130421593216ull, 1130421593216ull, 1125899906843ull, 1125899906843ull,
    1121414249844ull, 1121414249844ull, 1116964193297ull, 1116964193297ull,
    1112549315062ull, 1112549315062ull, 1108169199649ull, 1108169199649ull,
    1103823438082ull, 1103823438082ull, 1099511627776ull, 1099511627776ull,
};

// sqrt(n) for 2^14 <= n < 2^62 to within a relative 2^-26: the table bound (relative error < 2^-6) and two
// Newton steps from above (each squares the relative error and halves it). The first step's n / x with
// x = g * 2^k (g = sqrt_guess[i], k = shift / 2) is floor((n >> k) / g) (floor(n / (a b)) = floor(floor(n / a) / b)),
// computed by the table reciprocal: n >> k has at most bits - (bits - 16) / 2 <= 39 bits and g <= 256, so
// (n >> k) * g < 2^48 as sqrt_guess_reciprocal requires. Same value as a division, half the divisions.
static inline uint64_t approximate_sqrt(uint64_t n) {
    int bits = 64 - __builtin_clzll(n);
    int shift = (bits - 15) & ~1;  // even, leaves 15 or 16 significant bits
    const uint32_t index = (uint32_t)((n >> shift) >> 8), k = (uint32_t)shift >> 1;
    const uint64_t first_quotient = (uint64_t)(((unsigned __int128)(n >> k) * sqrt_guess_reciprocal[index]) >> 48);
    uint64_t x = (((uint64_t)sqrt_guess[index] << k) + first_quotient) >> 1;
    x = (x + n / x) >> 1;
    return x;
}

static inline int32_t rect_sum(const int32_t *window, const int32_t corners[4]) {
    return window[corners[0]] - window[corners[1]] - window[corners[2]] + window[corners[3]];
}

static inline int64_t feature_value(const int32_t *window, const int32_t offsets[3][4], const int32_t weights[3]) {
    int64_t value = (int64_t)weights[0] * rect_sum(window, offsets[0]) + (int64_t)weights[1] * rect_sum(window, offsets[1]);
    if (weights[2] != 0) value += (int64_t)weights[2] * rect_sum(window, offsets[2]);
    return value;
}

// The window's norm N (see the header's contract), or 0 when the variance test rejects the window.
static inline uint32_t edge_haar_window_norm(const edge_haar_cascade *cascade, const int32_t *window,
                                             const uint32_t *window_sq) {
    const int32_t *n = cascade->norm_offsets;
    int64_t sum = window[n[0]] - window[n[1]] - window[n[2]] + window[n[3]];
    uint32_t square_sum = window_sq[n[0]] - window_sq[n[1]] - window_sq[n[2]] + window_sq[n[3]];
    int64_t variance_term = cascade->norm_area * (int64_t)square_sum - sum * sum;
    if (variance_term <= cascade->min_variance_term) return 0;
    // variance_term > 100 * A^2 >= 900, so the shifted value is >= 2^14 as approximate_sqrt requires;
    // N < 2^30 for windows up to 64x64 (see the header), so it is never 0 and fits uint32.
    return (uint32_t)approximate_sqrt((uint64_t)variance_term << (2 * EDGE_HAAR_NORM_SHIFT));
}

static inline int32_t edge_haar_decision_shift(const edge_haar_cascade *cascade) {
    return cascade->threshold_shift + EDGE_HAAR_NORM_SHIFT - EDGE_HAAR_WEIGHT_SHIFT;
}

// Whether stage `s` accepts the window (stump layout); `stumps` are the stage's first stump.
static inline int edge_haar_stump_stage_passes(const edge_haar_stage *stage, const edge_haar_stump *stump,
                                               const int32_t *window, int64_t norm, int32_t shift) {
    int64_t total = 0;
    for (int32_t i = 0; i < stage->tree_count; i++, stump++) {
        int64_t value = feature_value(window, stump->offsets, stump->weights);
        int64_t left = value < ((stump->threshold * norm) >> shift);
        total += stump->right + ((stump->left - stump->right) & -left);
    }
    return total >= stage->threshold;
}

// Whether stage `s` accepts the window (tree layout).
static inline int edge_haar_tree_stage_passes(const edge_haar_cascade *cascade, const edge_haar_stage *stage,
                                              const int32_t *window, int64_t norm, int32_t shift) {
    int64_t total = 0;
    for (int32_t t = 0; t < stage->tree_count; t++) {
        const edge_haar_tree *tree = &cascade->trees[stage->first_tree + t];
        const edge_haar_node *root = &cascade->nodes[tree->first_node];
        int32_t index = 0;
        do {
            const edge_haar_node *node = &root[index];
            const edge_haar_feature *feature = &cascade->features[node->feature];
            int64_t value = feature_value(window, feature->offsets, feature->weights);
            index = value < ((node->threshold * norm) >> shift) ? node->left : node->right;
        } while (index > 0);
        total += cascade->leaves[tree->first_leaf - index];
    }
    return total >= stage->threshold;
}

#endif
