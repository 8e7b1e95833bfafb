"""Static throughput of the aarch64 kernels' inner loops (llvm-mca) and a Pi time estimate.

Compiles the NEON kernel files for baseline armv8-a (clang --target=aarch64-linux-gnu -O2 -S),
takes the innermost loop of each kernel that holds the multiply-accumulates (clang marks loop
headers "This Inner Loop Header"), runs llvm-mca on it for Cortex-A53, A72 and A76, and
derives MACs per cycle = int8 MACs per loop iteration / cycles per iteration. MACs per
instruction: SDOT .4s 16, SMULL/SMLAL(2) .8h 8, SMLAL(2) .4s 4. "neon s16" is the int16-activation
model's conv and depthwise (int16 x int16 SMLAL, 4 MACs per instruction; the depthwise is also the
neon-dotprod table's); "neon-dotprod s16" its SDOT conv, where an SDOT's 16 int8 products are 8
int16 MACs (each int16 x is split into two bytes): its MACs are counted as such.

The per-inference estimate charges each op class of the default model (mini-Xception, 64x64x1;
MAC counts from its layer shapes) at its inner loop's rate: a lower bound on time (requantization,
patch building and memory stalls are not counted), to compare with the limits of the issue
(A72 without SDOT: 8 MACs/cycle; A76 with SDOT: 32).
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNELS = os.path.join(ROOT, "Sources", "CEdgeKernels")
CPUS = [("cortex-a53", "Pi Zero 2 W / Pi 3"), ("cortex-a72", "Pi 4"), ("cortex-a76", "Pi 5")]
CLOCK_GHZ = {"cortex-a53": 1.2, "cortex-a72": 1.5, "cortex-a76": 2.4}

# (table, file, function, op class, what to analyze: the innermost loop or the basic block with
# the most multiply-accumulates, e.g. an unrolled 3x3 depthwise step, repeated as if it were a loop)
LOOPS = [
    ("neon", "arm/s8_conv2d_4x4k16_neon.c", "edge_s8_conv2d_4x4k16_neon", "conv", "loop"),
    ("neon-dotprod", "arm/s8_conv2d_4x8k4_neondot.c", "edge_s8_conv2d_4x8k4_neondot", "conv", "loop"),
    ("neon", "arm/s8_depthwise_conv2d_c8_neon.c", "edge_s8_depthwise_conv2d_c8_neon", "depthwise", "block"),
    # int16 activations (a16w8 models), the same in both NEON tables
    ("neon s16", "arm/s16_conv2d_4x8_neon.c", "edge_s16_conv2d_4x8_neon", "conv", "loop"),
    ("neon s16", "arm/s16_depthwise_conv2d_c8_neon.c", "edge_s16_depthwise_conv2d_c8_neon", "depthwise", "block"),
    ("neon-dotprod s16", "arm/s16_conv2d_4x8k4_neondot.c", "edge_s16_conv2d_4x8k4_neondot", "conv", "loop"),
]


def model_macs():
    """MACs of the default model per op class, from its layer shapes."""
    conv = 62 * 62 * 8 * 9 * 1 + 60 * 60 * 8 * 9 * 8  # stem 3x3 convs
    depthwise = 0
    size, channels = 60, 8
    for block in range(4):
        out, half = 16 << block, (size + 1) // 2
        depthwise += size * size * 9 * (channels + out)
        conv += size * size * (channels * out + out * out)  # pointwise halves of the separable convs
        conv += half * half * channels * out  # residual 1x1 stride 2
        size, channels = half, out
    conv += 4 * 4 * 7 * 9 * 128  # final 3x3 conv
    return {"conv": conv, "depthwise": depthwise}


def macs_of(line):
    m = re.match(r"\s*(sdot|smull2?|smlal2?)\s+v\d+\.(\w+)", line)
    if not m:
        return 0
    op, arrangement = m.groups()
    if op == "sdot":
        return 16
    return 8 if arrangement == "8h" else 4


def inner_loops(asm, function):
    """Inner loop bodies (lists of instruction lines) of `function` in clang's assembly."""
    lines = asm.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(function + ":"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(".Lfunc_end")), len(lines))
    loops = []
    for i in range(start, end):
        if "This Inner Loop Header" not in lines[i]:
            continue
        j = i
        while not re.match(r"^\.LBB\d+_\d+:", lines[j]):
            j -= 1
        label = lines[j].split(":")[0]
        body, closed = [], False
        for k in range(i + 1, end):
            text = lines[k].split("//")[0].rstrip()
            if not text.strip() or text.strip().startswith("."):
                continue
            body.append(text)
            if re.search(r"(?<![\w.])" + re.escape(label) + r"\b", text) and re.match(r"\s*(b\.|b\s|cbnz|cbz|tbnz|tbz)", text):
                closed = True
                break
        if closed:  # a loop whose back edge is not at its end (rotated) is skipped
            loops.append(body)
    return loops


def basic_blocks(asm, function):
    """Straight-line instruction runs of `function` (split at labels and branches)."""
    lines = asm.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(function + ":"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(".Lfunc_end")), len(lines))
    blocks, current = [], []
    for line in lines[start + 1:end]:
        text = line.split("//")[0].rstrip()
        if re.match(r"^\.?\w+:", text):
            blocks.append(current)
            current = []
            continue
        if not text.strip() or text.strip().startswith("."):
            continue
        current.append(text)
        if re.match(r"\s*(b\.|b\s|cbnz|cbz|tbnz|tbz|ret|bl\s)", text):
            blocks.append(current)
            current = []
    blocks.append(current)
    return [b for b in blocks if b]


def mca_cycles(body, cpu, mca, triple="aarch64-linux-gnu"):
    """llvm-mca's cycles per iteration of `body` (instruction lines) repeated as a loop."""
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write("\n".join(body) + "\n")
        path = f.name
    try:
        out = subprocess.run([mca, f"-mtriple={triple}", f"-mcpu={cpu}", "-iterations=200", path],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    iterations = int(re.search(r"Iterations:\s+(\d+)", out).group(1))
    cycles = int(re.search(r"Total Cycles:\s+(\d+)", out).group(1))
    return cycles / iterations


def main():
    clang, mca = sys.argv[1], sys.argv[2]
    macs = model_macs()
    rates = {}  # (table, op, cpu) -> MACs/cycle
    print("| kernel (inner loop) | MACs/iter | " + " | ".join(f"{c} cyc/iter, MACs/cyc" for c, _ in CPUS) + " |")
    print("|---|---|" + "---|" * len(CPUS))
    for table, source, function, op, unit in LOOPS:
        asm = subprocess.run([clang, "--target=aarch64-linux-gnu", "-march=armv8-a", "-O2", "-S", "-o", "-",
                              "-I", os.path.join(KERNELS, "include"), os.path.join(KERNELS, source)],
                             capture_output=True, text=True, check=True).stdout
        bodies = inner_loops(asm, function) if unit == "loop" else basic_blocks(asm, function)
        loops = [(sum(macs_of(l) for l in body), body) for body in bodies]
        per_iter, body = max(loops, key=lambda item: item[0])
        if table == "neon-dotprod s16":
            per_iter //= 2  # two int8 products (high and low byte) per int16 MAC
        cells = []
        for cpu, _ in CPUS:
            if table.startswith("neon-dotprod") and cpu != "cortex-a76":
                cells.append("n/a (no SDOT)")
                continue
            cycles = mca_cycles(body, cpu, mca)
            rates[(table, op, cpu)] = per_iter / cycles
            cells.append(f"{cycles:.2f}, {per_iter / cycles:.1f}")
        print(f"| {function} ({unit}, {len(body)} instr) | {per_iter} | " + " | ".join(cells) + " |")

    total = sum(macs.values())
    print()
    print(f"Model: {total / 1e6:.2f} M MACs ({macs['conv'] / 1e6:.2f} M conv/pointwise, "
          f"{macs['depthwise'] / 1e6:.2f} M depthwise), inner loops only, one core:")
    print()
    print("| CPU (board, clock) | table | est. MACs/cycle | est. us/inference | limit us/inference |")
    print("|---|---|---|---|---|")
    for cpu, board in CPUS:
        ghz = CLOCK_GHZ[cpu]
        for table in ("neon", "neon-dotprod", "neon s16", "neon-dotprod s16"):
            if table.startswith("neon-dotprod") and cpu != "cortex-a76":
                continue
            depthwise_table = "neon s16" if table.endswith("s16") else "neon"
            cycles = sum(macs[op] / rates[(table if op == "conv" else depthwise_table, op, cpu)] for op in macs)
            # s16: SMLAL .4s does 4 MACs, SDOT on split bytes 8
            limit_rate = {"neon": 8, "neon-dotprod": 32, "neon s16": 4, "neon-dotprod s16": 16}[table]
            print(f"| {cpu} ({board}, {ghz} GHz) | {table} | {total / cycles:.1f} | {cycles / (ghz * 1e3):.0f} | "
                  f"{total / limit_rate / (ghz * 1e3):.0f} (at {limit_rate} MACs/cycle) |")


if __name__ == "__main__":
    main()
