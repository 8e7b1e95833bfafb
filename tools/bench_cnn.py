"""Side-by-side int8 CNN benchmark: LiteRT (XNNPACK) vs edge-bench cnn, same model, same inputs.

Converts the Keras .h5 to a full-int8 .tflite with the calibration images the project's
quantizer uses (FER2013 calibration set, gray, resized to 64x64 with INTER_LINEAR, (x/255-0.5)*2),
writes the benchmark inputs (FER2013 PublicTest images, same resize) as raw 8-bit pixels, then
alternates rounds of LiteRT and edge-bench timings in one run (batch 1, after warm-up) and prints
the medians. With --batches 2,6,10 it also times, per image, batches of N inputs: LiteRT with its input
resized to N images, the project's batched path (edge-bench cnn --batch N) and the project one image at a
time, one line each (`batch images=N ...`, before the last line). Last line: cnn_us edge=<us> litert=<us>
ratio=<edge/litert> threads=<n>.
"""
import argparse
import glob
import hashlib
import os
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np

SIZE = 64


def load_gray(path):
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        sys.exit(f"bench-cnn: cannot read image {path}")
    return cv2.resize(image, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)


def class_images(root, per_class=None):
    if not os.path.isdir(root):
        sys.exit(f"bench-cnn: no image folder {root} (set EDGE_SHARED_DATA to the shared data directory)")
    paths = []
    for folder in sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))):
        files = sorted(glob.glob(os.path.join(root, folder, "*.png")))
        paths += files if per_class is None else files[:: max(1, len(files) // per_class)][:per_class]
    return paths


def convert(h5, calibration, out_path):
    import tensorflow as tf
    import keras

    model = keras.models.load_model(h5, compile=False)
    images = [load_gray(p) for p in calibration]

    def representative():
        for image in images:
            x = (image.astype(np.float32) / 255.0 - 0.5) * 2.0
            yield [x.reshape(1, SIZE, SIZE, 1)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with open(out_path, "wb") as f:
        f.write(converter.convert())


def time_litert(tflite, pixels, runs, warmup, threads, batch=1):
    """Per-image microseconds of `runs` invocations on `batch` consecutive inputs (cycling) each."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=tflite, num_threads=threads)
    detail = interpreter.get_input_details()[0]
    index = detail["index"]
    if batch > 1:
        interpreter.resize_tensor_input(index, [batch, SIZE, SIZE, 1])
    interpreter.allocate_tensors()
    scale, zero_point = detail["quantization"]
    quantized = [
        np.clip(np.round(((p.astype(np.float32) / 255.0 - 0.5) * 2.0) / scale + zero_point), -128, 127)
        .astype(np.int8)
        .reshape(1, SIZE, SIZE, 1)
        for p in pixels
    ]
    samples = []
    for run in range(-warmup, runs):
        first = (run + warmup) * batch
        x = np.concatenate([quantized[(first + i) % len(quantized)] for i in range(batch)])
        start = time.perf_counter_ns()
        interpreter.set_tensor(index, x)
        interpreter.invoke()
        elapsed = time.perf_counter_ns() - start
        if run >= 0:
            samples.append(elapsed / 1000.0 / batch)
    return samples


def time_edge(edge_bench, model, inputs, runs, warmup, threads, batch=1):
    result = subprocess.run(
        [edge_bench, "cnn", "--model", model, "--inputs", inputs, "--runs", str(runs), "--warmup", str(warmup),
         "--threads", str(threads), "--batch", str(batch), "--print-samples"],
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench-cnn: edge-bench failed:\n{result.stderr}{result.stdout}")
    summary, samples = None, []
    for line in result.stdout.splitlines():
        if line.startswith("edge_cnn ") or line.startswith("edge_batch "):
            summary = line
        elif line.startswith("samples_us "):
            samples = [float(v) for v in line.split()[1:]]
    return summary, samples, result.stderr.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=300, help="timed runs per engine (>= 300 for the report)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (spreads machine noise evenly)")
    parser.add_argument("--images", type=int, default=64, help="distinct benchmark inputs")
    parser.add_argument("--batches", default="", help="comma-separated batch sizes > 1 to time per image too (e.g. 2,6,10)")
    parser.add_argument("--h5", required=True)
    parser.add_argument("--model", required=True, help="the project's int8 .edgemodel made from the same .h5")
    parser.add_argument("--shared-data", required=True)
    parser.add_argument("--edge-bench", required=True)
    parser.add_argument("--cache", required=True, help="directory for the .tflite and the input file")
    args = parser.parse_args()

    os.makedirs(args.cache, exist_ok=True)
    calibration = class_images(os.path.join(args.shared_data, "fer2013-calib"))
    with open(args.h5, "rb") as f:
        key = hashlib.sha256(f.read() + "\n".join(calibration).encode()).hexdigest()[:16]
    tflite = os.path.join(args.cache, f"emotion_int8_{key}.tflite")
    if not os.path.exists(tflite):
        print(f"converting {args.h5} to full-int8 {tflite} with {len(calibration)} calibration images", flush=True)
        convert(args.h5, calibration, tflite + ".tmp")
        os.replace(tflite + ".tmp", tflite)

    test = class_images(os.path.join(args.shared_data, "fer2013-public"), per_class=max(1, args.images // 7))
    pixels = [load_gray(p) for p in test]
    inputs = os.path.join(args.cache, "bench_inputs.u8")
    np.stack(pixels).astype(np.uint8).tofile(inputs)

    per_round = max(1, -(-args.runs // args.rounds))
    litert, edge = [], []
    summary = stderr = ""
    for _ in range(args.rounds):
        litert += time_litert(tflite, pixels, per_round, args.warmup, args.threads)
        summary, samples, stderr = time_edge(args.edge_bench, args.model, inputs, per_round, args.warmup, args.threads)
        edge += samples
    litert_us, edge_us = statistics.median(litert), statistics.median(edge)
    if stderr:
        print(stderr)
    for batch in [int(b) for b in args.batches.split(",") if b.strip()]:
        if batch < 2:
            continue
        runs = max(1, args.runs // batch)
        litert_batched = statistics.median(time_litert(tflite, pixels, runs, max(1, args.warmup // batch), args.threads, batch))
        line, _, _ = time_edge(args.edge_bench, args.model, inputs, runs, max(1, args.warmup // batch), args.threads, batch)
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        together = float(fields["batched_us_per_image"])
        print(f"batch images={batch} edge_batched_us_per_image={together:.1f} "
              f"edge_one_at_a_time_us_per_image={float(fields['one_at_a_time_us_per_image']):.1f} "
              f"litert_batched_us_per_image={litert_batched:.1f} ratio_to_litert={together / litert_batched:.2f} "
              f"edge_layer_by_layer_steps={fields['layer_by_layer_steps']} runs={runs}")
    print(summary)
    print(f"litert runs={len(litert)} min_us={min(litert):.1f} median_us={litert_us:.1f}; "
          f"edge runs={len(edge)} min_us={min(edge):.1f} median_us={edge_us:.1f}; {len(pixels)} inputs")
    print(f"cnn_us edge={edge_us:.1f} litert={litert_us:.1f} ratio={edge_us / litert_us:.2f} threads={args.threads}")


if __name__ == "__main__":
    main()
