"""Static throughput of the x86 kernels' inner loops (llvm-mca), AVX2 against AVX-512 VNNI.

No AVX-512 CPU is at hand (this machine is a Zen 3; QEMU's TCG has no AVX-512), so the
avx512vnni table's speed is estimated: each kernel file is compiled as the library compiles it
(clang -O2 -S, ISA from the per-function target attributes), the innermost loop holding the
multiply-accumulates (clang marks loop headers "This Inner Loop Header") goes through llvm-mca for
an Ice Lake / Sapphire Rapids server core and, for the AVX2 loops, this machine's Zen 3, and
MACs per cycle = int8 MACs per iteration / cycles per iteration. MACs per instruction (zmm/ymm):
VPDPBUSD 64/32, VPDPWSSD 32/16, VPMADDWD 32/16. Inner loops only (no requantization, row
building or memory stalls). The per-inference estimate charges every layer of the default model
at its kernel's rate divided by the share of vector lanes holding real channels (channels
rounded up to the kernel's channel block: AVX2 8, avx512vnni conv 16 (its 8 x 16 tile for layers of at
most 16 channels, the 4 x 32 tile otherwise), avx512vnni depthwise 64,
except the avx512vnni depthwise conv's flat path for 1-32 channels dividing 64 at stride 1, which fills every
lane; its border pixels are not modelled), and
the share of real entries in the reduction (rows or taps padded with zero weights to a multiple of
2 for VPMADDWD, 4 for VPDPBUSD: the stem's 3-entry rows, 9 taps in 10 or 12 slots).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_mca import KERNELS, mca_cycles, model_macs  # noqa: E402

# Channel block (lanes per output pixel) of each table's kernels.
BLOCK = {("avx2", "conv"): 8, ("avx2", "depthwise"): 8, ("avx512vnni", "conv"): 16, ("avx512vnni", "conv-narrow"): 16,
         ("avx512vnni", "depthwise"): 64}
# Reduction entries per multiply-accumulate lane: conv rows (kernel_width * input_channels) and
# depthwise taps are padded with zero weights to a multiple of it.
STEP = {("avx2", "conv"): 2, ("avx2", "depthwise"): 2, ("avx512vnni", "conv"): 4, ("avx512vnni", "conv-narrow"): 4,
        ("avx512vnni", "depthwise"): 4}


def model_layers():
    """(op class, MACs, channels of the vector dimension, reduction run: conv kernel_width *
    input_channels, depthwise taps) of every conv and depthwise layer of the default model
    (mini-Xception, 64x64x1), the same shapes as kernel_mca.model_macs."""
    layers = [("conv", 62 * 62 * 8 * 9, 8, 3), ("conv", 60 * 60 * 8 * 9 * 8, 8, 24)]
    size, channels = 60, 8
    for block in range(4):
        out, half = 16 << block, (size + 1) // 2
        layers += [("depthwise", size * size * 9 * channels, channels, 9), ("depthwise", size * size * 9 * out, out, 9),
                   ("conv", size * size * channels * out, out, channels), ("conv", size * size * out * out, out, out),
                   ("conv", half * half * channels * out, out, channels)]
        size, channels = half, out
    layers.append(("conv", 4 * 4 * 7 * 9 * 128, 7, 3 * 128))
    assert sum(m for op, m, _, _ in layers if op == "conv") == model_macs()["conv"]
    assert sum(m for op, m, _, _ in layers if op == "depthwise") == model_macs()["depthwise"]
    return layers

CPUS = ["znver3", "icelake-server", "sapphirerapids"]

# (table, file, function, op class, CPUs it runs on[, weight vectors loaded per iteration: 2 for the
# avx512vnni conv's 4 x 32 tile, 1 for its 8 x 16 tile (layers of <= 16 channels)]). Analyzed: the
# loop (or, without that selector, loop or straight-line block) with the most MACs per iteration.
LOOPS = [
    ("avx2", "x86/s8_conv2d_4x8_avx2.c", "edge_s8_conv2d_4x8_avx2", "conv", CPUS),
    ("avx512vnni", "x86/s8_conv2d_4x16k4_avx512vnni.c", "edge_s8_conv2d_4x16k4_avx512vnni", "conv", CPUS[1:], 2),
    ("avx512vnni", "x86/s8_conv2d_4x16k4_avx512vnni.c", "edge_s8_conv2d_4x16k4_avx512vnni", "conv-narrow", CPUS[1:], 1),
    ("avx2", "x86/s8_depthwise_conv2d_c8_avx2.c", "edge_s8_depthwise_conv2d_c8_avx2", "depthwise", CPUS),
    ("avx512vnni", "x86/s8_depthwise_conv2d_c64_avx512vnni.c", "edge_s8_depthwise_conv2d_c64_avx512vnni",
     "depthwise", CPUS[1:]),
]


def macs_of(line):
    m = re.match(r"\s*(vpdpbusd|vpdpwssd|vpmaddwd)\s+.*%([xyz])mm\d+\s*$", line)
    if not m:
        return 0
    op, width = m.groups()
    lanes = {"x": 4, "y": 8, "z": 16}[width]
    return lanes * (4 if op == "vpdpbusd" else 2)


def inner_loops(asm):
    """Inner loop bodies in the file's AT&T assembly (every function: a kernel's helpers may stay
    outlined; each file holds one kernel)."""
    lines = asm.splitlines()
    loops = []
    for i in range(len(lines)):
        if "This Inner Loop Header" not in lines[i]:
            continue
        j = i
        while not re.match(r"^\.LBB\d+_\d+:", lines[j]):
            j -= 1
        label = lines[j].split(":")[0]
        body = []
        for k in range(i + 1, len(lines)):
            text = lines[k].split("#")[0].rstrip()
            if not text.strip() or text.strip().startswith("."):
                continue
            body.append(text)
            if re.match(r"\s*j\w+\s+" + re.escape(label) + r"\s*$", text):
                loops.append(body)
                break
            if re.match(r"\s*(ret|jmp)\b", text):
                break
    return loops


def basic_blocks(asm):
    """Straight-line instruction runs of the file (split at labels and jumps; `function`'s helpers
    may stay outlined), e.g. the AVX2 depthwise conv's fully unrolled 3x3 step, analyzed as if
    repeated in a loop."""
    blocks, current = [], []
    for line in asm.splitlines():
        text = line.split("#")[0].rstrip()
        if re.match(r"^\.?\w+:", text):
            blocks.append(current)
            current = []
            continue
        if not text.strip() or text.strip().startswith("."):
            continue
        current.append(text)
        if re.match(r"\s*(j\w+|ret|call)\s", text + " "):
            blocks.append(current)
            current = []
    blocks.append(current)
    return [b for b in blocks if b]


def main():
    clang, mca = sys.argv[1], sys.argv[2]
    macs = model_macs()
    rates = {}
    print("| kernel (inner loop) | MACs/iter | " + " | ".join(f"{c} cyc/iter, MACs/cyc" for c in CPUS) + " |")
    print("|---|---|" + "---|" * len(CPUS))
    for table, source, function, op, cpus, *wanted in LOOPS:
        asm = subprocess.run([clang, "--target=x86_64-linux-gnu", "-O2", "-S", "-o", "-",
                              "-I", os.path.join(KERNELS, "include"), os.path.join(KERNELS, source)],
                             capture_output=True, text=True, check=True).stdout
        loops = [(sum(macs_of(l) for l in body), body, "loop") for body in inner_loops(asm)]
        if wanted:
            loops = [item for item in loops if sum(bool(re.match(r"\s*vmovdq[au]64\s+\(", l)) for l in item[1]) == wanted[0]]
        else:  # also straight-line blocks (an unrolled step, e.g. the AVX2 depthwise 3x3), as if looped
            loops += [(sum(macs_of(l) for l in b), b, "block") for b in basic_blocks(asm)]
        # Ties (a kernel's variants with and without the saturating left shift, which the model's
        # layers never need) go to the shorter body: the variant the model runs.
        per_iter, body, unit = max(loops, key=lambda item: (item[0], item[2] == "loop", -len(item[1])))
        cells = []
        for cpu in CPUS:
            if cpu not in cpus:
                cells.append("n/a (no AVX-512)")
                continue
            cycles = mca_cycles(body, cpu, mca, "x86_64-linux-gnu")
            rates[(table, op, cpu)] = per_iter / cycles
            cells.append(f"{cycles:.2f}, {per_iter / cycles:.1f}")
        print(f"| {function}{' 8x16 tile' if op == 'conv-narrow' else ' 4x32 tile' if table == 'avx512vnni' and op == 'conv' else ''} ({unit}, {len(body)} instr) | {per_iter} | " + " | ".join(cells) + " |")

    total = sum(macs.values())
    print()
    print(f"Model: {total / 1e6:.2f} M MACs, inner loops only (idle lanes of narrow layers counted), one core, "
          "cycles per inference (divide by the clock in GHz for us; at 3 GHz shown):")
    print()
    print("| CPU | table | est. MACs/cycle | est. k cycles/inference | est. us at 3 GHz |")
    print("|---|---|---|---|---|")
    for cpu in CPUS:
        for table in ("avx2", "avx512vnni"):
            if (table, "conv", cpu) not in rates:
                continue
            cycles = 0.0
            for op, layer_macs, channels, run in model_layers():
                if table == "avx512vnni" and op == "conv" and channels <= 16:
                    op = "conv-narrow"  # one channel block: the 8 x 16 tile
                block, step = BLOCK[(table, op)], STEP[(table, op)]
                used = run / (-(-run // step) * step)
                used *= channels / (-(-channels // block) * block)
                if (table, op) == ("avx512vnni", "depthwise") and 64 % channels == 0:
                    used = run / (-(-run // step) * step)  # flat (pixel, channel) path: every lane (stride 1)
                cycles += layer_macs / (rates[(table, op, cpu)] * used)
            print(f"| {cpu} | {table} | {total / cycles:.1f} | {cycles / 1e3:.0f} | {cycles / 3e3:.1f} |")


if __name__ == "__main__":
    main()
