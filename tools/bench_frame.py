"""The Python side of tools/bench-frame: PyPI fer's FER.detect_emotions (OpenCV Haar + its TFLite model),
one thread, timed per frame on the same 640x480 frames as edge-bench frame.

fer imports TensorFlow only to reach tf.lite.Interpreter and keras' load_model; a small stand-in module gives it
LiteRT's Interpreter (the same TFLite runtime) pinned to one thread, so fer's own code runs unchanged.

Usage: bench_frame.py prepare PHOTO_DIR FRAME_DIR   letterboxes photos to 640x480 BGR PNG frames
       bench_frame.py time FER_DIR FRAME_DIR REPEAT  prints one JSON object: per-frame median ms and faces
"""
import json
import os
import statistics
import sys
import time
import types


def prepare(photo_dir, frame_dir):
    import cv2
    import numpy as np
    os.makedirs(frame_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(photo_dir) if n.lower().endswith((".png", ".jpg", ".jpeg")))
    for index, name in enumerate(names):
        image = cv2.imread(os.path.join(photo_dir, name), cv2.IMREAD_COLOR)
        if image is None:
            continue
        scale = min(640 / image.shape[1], 480 / image.shape[0])
        width, height = max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale))
        resized = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
        frame = np.zeros((480, 640, 3), np.uint8)
        x, y = (640 - width) // 2, (480 - height) // 2
        frame[y:y + height, x:x + width] = resized
        cv2.imwrite(os.path.join(frame_dir, f"frame-{index:03d}.png"), frame)
    print(len(os.listdir(frame_dir)))


def install_tensorflow_stand_in():
    from ai_edge_litert.interpreter import Interpreter

    class OneThreadInterpreter(Interpreter):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("num_threads", 1)
            super().__init__(*args, **kwargs)

    def no_keras(*_args, **_kwargs):
        raise RuntimeError("bench-frame runs fer's TFLite path only")

    tensorflow = types.ModuleType("tensorflow")
    tensorflow.lite = types.SimpleNamespace(Interpreter=OneThreadInterpreter)
    keras = types.ModuleType("tensorflow.keras")
    models = types.ModuleType("tensorflow.keras.models")
    models.load_model = no_keras
    keras.models = models
    tensorflow.keras = keras
    sys.modules.update({"tensorflow": tensorflow, "tensorflow.keras": keras, "tensorflow.keras.models": models})


def time_fer(fer_dir, frame_dir, repeat):
    import cv2
    cv2.setNumThreads(1)
    install_tensorflow_stand_in()
    sys.path.insert(0, fer_dir)
    from fer.fer import FER
    detector = FER()  # fer's defaults: Haar, scaleFactor 1.1, minNeighbors 5, min face 50, TFLite model
    names = sorted(os.listdir(frame_dir))
    frames = [cv2.imread(os.path.join(frame_dir, name), cv2.IMREAD_COLOR) for name in names]
    detector.detect_emotions(frames[0])  # warm-up
    per_frame = []
    faces = {}
    for name, frame in zip(names, frames):
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = detector.detect_emotions(frame)
            samples.append((time.perf_counter() - start) * 1000)
        per_frame.append(statistics.median(samples))
        faces[name] = [dict(box=[int(v) for v in face["box"]], emotion=max(face["emotions"], key=face["emotions"].get))
                       for face in result]
    print(json.dumps(dict(median_ms=statistics.median(per_frame), frames=len(frames), faces=faces)))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "time":
        time_fer(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
