"""Estimated Haar detection time and pipeline frame rate per Raspberry Pi board (README, "Estimated
frame rate per board").

Method, per board (core model and clock from CORES, detector settings and camera size from its
board-configs/*.json):
1. Work counts: `edge-bench haar --profile --lanes 4` on gray frames of the board's camera size made
   from the shared face photos (one face each) counts, per pyramid level, what the NEON scan
   (arm/haar_scan_4x_neon.c, 4 windows per block, 3 row stages) evaluates: windows (one norm each),
   windows passing the variance test, stump evaluations on 4-window blocks (row stages), on one window
   (lone live windows), on 4-window groups of gathered survivors and on 4-window blocks around survivors
   with a listed neighbour (later stages; both are survivor work below), and windows reaching each stage.
   Its scan returns the reference's windows, checked against the detector's boxes.
2. Cycles: haar_mca_loops.c compiles the NEON kernel's own inline pieces for aarch64 as branch-free
   loops (one iteration = one stump on 4 windows for each step (1, 2) and rectangle count (2, 3), one
   survivor-group stump for 6 and 8 distinct corners, the norms of 4 windows per step (arm/haar_norms_4x_neon.c)),
   and llvm-mca gives cycles per iteration on Cortex-A53, A72 and A76 (LLVM 14 models the A76 like the A72).
   Each count is charged at its loop's
   cycles, mixing 2/3-rectangle stumps (and corner counts) in the proportion of the cascade's stages
   weighted by how many windows reach them. A lone window's stump is charged as a block stump.
3. Not modelled: the lane scan's bookkeeping (live flags, skip pass, compaction), cache misses, the
   pyramid resize and integral images. The pyramid is charged as its share of the detection measured
   here (edge-bench's pyramid_ms / ms, the scan at full speed on this machine's AVX2) applied to the
   modelled scan; then everything is multiplied by MARGIN for the unmodelled work.
4. Tracked (TrackingHaarFaceDetector over RegionDetector, README "Tracking-driven scanning"): for the
   tracked face of width w (the frame's largest detection), the levels whose window s (frame pixels,
   cvRound(24 * factor)) is within floor(SIZE_RANGE[0] w) ... ceil(SIZE_RANGE[1] w) are scanned, each on
   the grid origins whose window lies inside the square centred on the face with half-side
   min(s, WINDOW_GROW_LIMIT w) + trackMargin w (the board config's detector.trackMargin), clipped to
   the frame. A level's norm and block work is scaled by the region's share of its grid origins. The
   profile does not say where a level's survivors (windows past the row stages) are, so their work is
   bounded: low = scaled by the region's share like the rows (survivors spread evenly), high = charged
   in full (every survivor of the level inside the region); the truth lies between. The level
   image is resized and integrated for the region's band of rows across the whole level width, so the
   pyramid is charged by the band's share of each scanned level's rows. Not modelled: the walk back
   for OpenCV's skip rule left of the region, the rescan with twice the margin when a face moves fast,
   the change monitor. A full scan runs every detector.fullScanSeconds (board config) on another core;
   its time is shown amortised over the frames of that period (CPU budget, not latency).
5. Frame rate: 1000 / (detect + CNN per face) for one face, capped at the camera's frame rate; the
   CNN time per board is kernel-mca's a16w8 estimate (README). Camera capture, gray conversion,
   crop and drawing are not counted.
"""
import json
import math
import os
import re
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kernel-mca"))
from kernel_mca import inner_loops, mca_cycles  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
# board config, core, clock GHz, CNN ms per face (a16w8, README "Estimated speed on a Pi")
# (kernel-mca's A53 figure is at 1.2 GHz: scaled to the board's clock)
BOARDS = [("raspberry-pi-zero-2w", "Pi Zero 2 W", "cortex-a53", 1.0, 3.6 * 1.2 / 1.0),
          ("raspberry-pi-3b-plus", "Pi 3B+", "cortex-a53", 1.4, 3.6 * 1.2 / 1.4),
          ("raspberry-pi-4b", "Pi 4B", "cortex-a72", 1.5, 1.84),
          ("raspberry-pi-5", "Pi 5", "cortex-a76", 2.4, 0.53)]
MARGIN = 1.5
# TrackingHaarFaceDetector.sizeRange and ScanRegion(around:)'s windowGrowLimit (1.1 w)
SIZE_RANGE = (0.45, 2.1)
WINDOW_GROW_LIMIT = 1.1


def cascade_stages():
    """Per stage of the shipped cascade (its OpenCV XML): [(rectangles, distinct corners) per stump]."""
    root = ET.parse(os.path.join(ROOT, "models", "opencv", "haarcascade_frontalface_default.xml")).getroot()
    cascade = root.find("cascade")
    features = []
    for feature in cascade.find("features"):
        rects = [list(map(float, r.text.split())) for r in feature.find("rects")]
        corners = set()
        for x, y, w, h, _ in rects:
            corners |= {(x, y), (x + w, y), (x, y + h), (x + w, y + h)}
        features.append((len(rects), len(corners)))
    stages = []
    for stage in cascade.find("stages"):
        stumps = []
        for weak in stage.find("weakClassifiers"):
            index = int(weak.find("internalNodes").text.split()[2])
            stumps.append(features[index])
        stages.append(stumps)
    return stages


def loop_cycles(clang, mca):
    asm = subprocess.run([clang, "--target=aarch64-linux-gnu", "-march=armv8-a", "-O2", "-S", "-o", "-",
                          "-I", os.path.join(ROOT, "Sources", "CHaarKernels", "include"),
                          os.path.join(HERE, "haar_mca_loops.c")], capture_output=True, text=True, check=True).stdout
    bodies = {}
    for name in ["model_block_step1_rects2", "model_block_step1_rects3", "model_block_step2_rects2",
                 "model_block_step2_rects3", "model_list_corners6", "model_list_corners8"]:
        (body,) = inner_loops(asm, name)
        bodies[name] = body
    for name in ["model_norms_step1", "model_norms_step2"]:  # one iteration: 4 windows' norms
        (body,) = inner_loops(asm, name)
        bodies[name] = body
    cpus = sorted({b[2] for b in BOARDS})
    cycles = {cpu: {name: mca_cycles(body, cpu, mca) for name, body in bodies.items()} for cpu in cpus}
    return cycles


def level_cycles(level, cycles, stages):
    """Modelled cycles of one level: (norm + row-stage work, survivor-list work)."""
    reach = level["reach"]

    def mix(selected, key):  # weights of each kind of stump over the stages, by windows reaching them
        weights = {}
        for s in selected:
            if s >= len(reach):
                break
            for stump in stages[s]:
                k = key(stump)
                weights[k] = weights.get(k, 0) + reach[s]
        total = sum(weights.values()) or 1
        return {k: w / total for k, w in weights.items()}

    step = level["step"]
    block_mix = mix(range(3), lambda stump: stump[0])
    block = sum(share * cycles[f"model_block_step{step}_rects{rects}"] for rects, share in block_mix.items())
    list_mix = mix(range(3, len(stages)), lambda stump: stump[1])
    c6, c8 = cycles["model_list_corners6"], cycles["model_list_corners8"]
    listed = sum(share * (c6 + (corners - 6) * (c8 - c6) / 2) for corners, share in list_mix.items())
    survivor_mix = mix(range(3, len(stages)), lambda stump: stump[0])
    survivor_block = sum(share * cycles[f"model_block_step{step}_rects{rects}"] for rects, share in survivor_mix.items())
    norms = level["windows"] / 4 * cycles[f"model_norms_step{min(step, 2)}"]
    rows = norms + (level["block_stumps"] + level["scalar_stumps"]) * block
    return rows, level["list_stumps"] * listed + level["survivor_block_stumps"] * survivor_block


def profile(edge_bench, cascade, frames, detector, repeat):
    out = subprocess.run([edge_bench, "haar", "--profile", "--lanes", "4", "--repeat", str(repeat), "--cascade", cascade,
                          "--scale-factor", str(detector["scaleFactor"]), "--min-neighbors", str(detector["minimumNeighbors"]),
                          "--min-size", str(detector["minimumFaceSize"])] + frames,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def origins_inside(low, high, size, factor, step, count):
    """Grid origins x = 0, step, 2 step ... < count whose frame box [x * factor, x * factor + size) lies in [low, high)."""
    first = max(0.0, low) / factor
    last = min((high - size) / factor, count - 1)
    return max(0, math.floor(last / step) - math.ceil(first / step) + 1)


def estimate(records, cycles, stages, ghz, track_margin):
    """Median over frames of (full detect ms, tracked detect ms low, high, windows per frame, levels tracked)."""
    full, low_ms, high_ms, windows, scanned = [], [], [], [], []
    for record in records:
        per_level = [level_cycles(level, cycles, stages) for level in record["levels"]]
        scan_cycles = sum(a + b for a, b in per_level)
        scan_ms = scan_cycles / (ghz * 1e6)
        share = record["pyramid_ms"] / record["ms"]  # pyramid's share of a detection, measured here
        pyramid_ms = scan_ms * share / (1 - share)
        full.append(MARGIN * (scan_ms + pyramid_ms))
        windows.append(sum(level["windows"] for level in record["levels"]))
        width, height = record["width"], record["height"]
        if record["boxes"]:
            x, y, w, h, _ = max(record["boxes"], key=lambda b: b[2] * b[3])
        else:  # no face found: a face of a third of the frame's height in the middle
            w = h = min(width, height) // 3
            x, y = (width - w) // 2, (height - h) // 2
        cx, cy = x + w / 2, y + h / 2
        low, high = int(SIZE_RANGE[0] * w), -int(-SIZE_RANGE[1] * w // 1)
        region_low, region_high, band_pixels, levels = 0.0, 0.0, 0.0, 0
        all_pixels = sum((level["columns"] + 23) * (level["rows"] + 23) for level in record["levels"])
        for level, (rows_cycles, list_cycles) in zip(record["levels"], per_level):
            factor = width / (level["columns"] + 23)
            s = int(24 * factor + 0.5)
            if not low <= s <= high:
                continue
            half = min(s, WINDOW_GROW_LIMIT * w) + track_margin * w
            step = level["step"]
            nx = origins_inside(cx - half, cx + half, s, factor, step, level["columns"])
            ny = origins_inside(cy - half, cy + half, s, factor, step, level["rows"])
            grid = -(-level["columns"] // step) * -(-level["rows"] // step)
            if nx * ny == 0:
                continue
            levels += 1
            share = min(1.0, nx * ny / grid)
            region_low += share * (rows_cycles + list_cycles)
            region_high += share * rows_cycles + list_cycles
            band_rows = min(level["rows"] + 23, (ny - 1) * step + 24)
            band_pixels += band_rows * (level["columns"] + 23)
        band_ms = pyramid_ms * band_pixels / all_pixels
        low_ms.append(MARGIN * (region_low / (ghz * 1e6) + band_ms))
        high_ms.append(MARGIN * (region_high / (ghz * 1e6) + band_ms))
        scanned.append(levels)
    return (statistics.median(full), statistics.median(low_ms), statistics.median(high_ms), statistics.median(windows),
            statistics.median(scanned))


def main():
    clang, mca, edge_bench, frames_root, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    cascade = os.path.join(ROOT, "models", "face_frontal.edgecascade")
    stages = cascade_stages()
    cycles = loop_cycles(clang, mca)
    print("| loop (llvm-mca, cycles per iteration) | " + " | ".join(cycles) + " |")
    print("|---|" + "---|" * len(cycles))
    for name in next(iter(cycles.values())):
        print(f"| {name} | " + " | ".join(f"{cycles[cpu][name]:.2f}" for cpu in cycles) + " |")
    print()
    print("| board (core, GHz) | config: camera, minSize, trackMargin, fullScanSeconds | frame | windows/frame | full detect ms "
          "| levels tracked | tracked detect ms low ... high (+ full scan amortised over fullScanSeconds, at the high) "
          "| CNN ms | fps tracked at high ... low detect, camera cap (uncapped) | fps full scan every frame |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for config, name, cpu, ghz, cnn_ms in BOARDS:
        board = json.load(open(os.path.join(ROOT, "board-configs", config + ".json")))
        camera, detector = board["camera"], board["detector"]
        track_margin, full_scan_seconds = detector.get("trackMargin", 0.25), detector.get("fullScanSeconds", 0.5)
        sizes = [(camera["width"], camera["height"])]
        if sizes[0] != (640, 480):
            sizes.append((640, 480))
        for width, height in sizes:
            directory = os.path.join(frames_root, f"{width}x{height}")
            frames = sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".pgm"))
            records = profile(edge_bench, cascade, frames, detector, repeat)
            full, low, high, windows, levels = estimate(records, cycles[cpu], stages, ghz, track_margin)
            slow, fast = 1000 / (high + cnn_ms), 1000 / (low + cnn_ms)
            amortised = full / (full_scan_seconds * min(camera["fps"], slow))
            shipped = "shipped" if (width, height) == sizes[0] else "not shipped"
            print(f"| {name} ({cpu}, {ghz}) | {camera['width']}x{camera['height']}@{camera['fps']}, {detector['minimumFaceSize']}, "
                  f"{track_margin}, {full_scan_seconds} s | {width}x{height} ({shipped}) | {windows:.0f} | {full:.1f} | {levels:.0f} "
                  f"| {low:.1f} ... {high:.1f} (+{amortised:.1f}) | {cnn_ms:.2f} "
                  f"| {min(camera['fps'], slow):.1f} ... {min(camera['fps'], fast):.1f} ({slow:.1f} ... {fast:.1f}) "
                  f"| {1000 / (full + cnn_ms):.1f} |")
    print()
    print(f"haar_mca frames={len(frames)} margin={MARGIN} size_range={SIZE_RANGE[0]}...{SIZE_RANGE[1]} "
          f"window_grow_limit={WINDOW_GROW_LIMIT} (trackMargin, fullScanSeconds: each board's config)")


if __name__ == "__main__":
    main()
