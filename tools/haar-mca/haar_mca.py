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
4. Tracked (TrackingHaarFaceDetector over RegionDetector, README "Tracking-driven scanning"): the same
   profile also runs the region scan edge-run runs while it tracks the frame's largest face
   (`edge-bench haar --profile --track-margin <the board config's detector.trackMargin>`: ScanRegion(around:)
   with the tracker's size range, its counts per scanned level measured by the profiling scan, the face
   checked to be found again). Its cycles are modelled like a full scan's, and its pyramid (the band of
   level rows the region needs) charged at the share measured here for the same region (no-scan kernels).
   Not modelled: the walk back for OpenCV's skip rule left of the region (first stage only), the rescan with
   twice the margin when a face moves fast, the change monitor. A full scan runs every
   detector.fullScanSeconds (board config) on another core; its time is shown amortised over the frames of
   that period (CPU budget, not latency).
5. Frame rate: 1000 / (tracked detect + CNN per face) for one face, capped at the camera's frame rate; the
   CNN time per face is kernel-mca's a16w8 estimate (README) times the passes of the board's model.augment. Camera capture, gray conversion,
   crop and drawing are not counted.
"""
import json
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
# CNN passes per face of each model.augment set (README "Test-time augmentation")
PASSES = {"none": 1, "flip": 2, "flip-shift": 10}


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


def profile(edge_bench, cascade, frames, detector, track_margin, repeat):
    out = subprocess.run([edge_bench, "haar", "--profile", "--lanes", "4", "--repeat", str(repeat), "--cascade", cascade,
                          "--track-margin", str(track_margin),
                          "--scale-factor", str(detector["scaleFactor"]), "--min-neighbors", str(detector["minimumNeighbors"]),
                          "--min-size", str(detector["minimumFaceSize"])] + frames,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def modelled_ms(levels, ms, pyramid_ms, cycles, stages, ghz):
    """MARGIN x (the levels' modelled scan + the pyramid at the share measured here), in ms."""
    scan_ms = sum(a + b for a, b in (level_cycles(level, cycles, stages) for level in levels)) / (ghz * 1e6)
    share = pyramid_ms / ms  # pyramid's share of a detection, measured here
    return MARGIN * (scan_ms + scan_ms * share / (1 - share))


def estimate(records, cycles, stages, ghz):
    """Median over frames of (full detect ms, tracked detect ms, windows per frame, tracked windows, levels tracked)."""
    full, tracked, windows, tracked_windows, scanned = [], [], [], [], []
    for record in records:
        full.append(modelled_ms(record["levels"], record["ms"], record["pyramid_ms"], cycles, stages, ghz))
        windows.append(sum(level["windows"] for level in record["levels"]))
        region = record.get("tracked")
        if region is None:  # no face found in this frame: nothing to track
            continue
        tracked.append(modelled_ms(region["levels"], region["ms"], region["pyramid_ms"], cycles, stages, ghz))
        tracked_windows.append(sum(level["windows"] for level in region["levels"]))
        scanned.append(len(region["levels"]))
    return (statistics.median(full), statistics.median(tracked), statistics.median(windows),
            statistics.median(tracked_windows), statistics.median(scanned), len(tracked))


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
    print("| board (core, GHz) | config: camera, minSize, trackMargin, fullScanSeconds | frame | windows/frame: full, tracked "
          "| full detect ms | levels tracked | tracked detect ms (+ full scan amortised over fullScanSeconds) "
          "| CNN ms x passes | fps tracked, camera cap (uncapped) | fps full scan every frame |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for config, name, cpu, ghz, cnn_ms in BOARDS:
        board = json.load(open(os.path.join(ROOT, "board-configs", config + ".json")))
        camera, detector = board["camera"], board["detector"]
        track_margin, full_scan_seconds = detector.get("trackMargin", 0.15), detector.get("fullScanSeconds", 0.5)
        passes = PASSES[board.get("model", {}).get("augment", "none")]
        sizes = [(camera["width"], camera["height"])]
        if sizes[0] != (640, 480):
            sizes.append((640, 480))
        for width, height in sizes:
            directory = os.path.join(frames_root, f"{width}x{height}")
            frames = sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".pgm"))
            records = profile(edge_bench, cascade, frames, detector, track_margin, repeat)
            full, tracked, windows, tracked_windows, levels, faces = estimate(records, cycles[cpu], stages, ghz)
            cnn = cnn_ms * passes
            fps = 1000 / (tracked + cnn)
            amortised = full / (full_scan_seconds * min(camera["fps"], fps))
            shipped = "shipped" if (width, height) == sizes[0] else "not shipped"
            print(f"| {name} ({cpu}, {ghz}) | {camera['width']}x{camera['height']}@{camera['fps']}, {detector['minimumFaceSize']}, "
                  f"{track_margin}, {full_scan_seconds} s | {width}x{height} ({shipped}) | {windows:.0f}, {tracked_windows:.0f} "
                  f"| {full:.1f} | {levels:.0f} | {tracked:.1f} (+{amortised:.1f}) | {cnn_ms:.2f} x {passes} "
                  f"| {min(camera['fps'], fps):.1f} ({fps:.1f}) | {1000 / (full + cnn):.1f} |")
    print()
    print(f"haar_mca frames={len(frames)} faces_tracked={faces} margin={MARGIN} "
          f"(trackMargin, fullScanSeconds, model.augment: each board's config)")


if __name__ == "__main__":
    main()
