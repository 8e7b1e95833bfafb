"""Writes EdgeDetectTests' synthetic scenes and OpenCV's detections on them (see tools/make-haar-fixtures)."""
import json
import os
import sys

import cv2
import numpy as np

out, cascade_path = sys.argv[1], sys.argv[2]
cascade = cv2.CascadeClassifier(cascade_path)
cv2.setNumThreads(1)
rng = np.random.default_rng(11)


def face(img, cx, cy, r, skin, dark):
    cv2.ellipse(img, (cx, cy), (r, int(r * 1.25)), 0, 0, 360, int(skin), -1)
    for dx in (-r // 2.6, r // 2.6):
        cv2.ellipse(img, (int(cx + dx), int(cy - r // 4)), (r // 4, r // 7), 0, 0, 360, int(dark), -1)
    cv2.ellipse(img, (cx, int(cy - r // 2.2)), (int(r * 0.9), r // 10), 0, 0, 360, int(dark) + 20, -1)
    cv2.line(img, (cx, cy - r // 8), (cx, cy + r // 4), int(skin) - 40, max(1, r // 10))
    cv2.ellipse(img, (cx, int(cy + r * 0.55)), (r // 3, r // 9), 0, 0, 360, int(dark) + 10, -1)


scenes = {}
for index in range(40):
    w, h = 200, 150
    yy, xx = np.mgrid[0:h, 0:w]
    img = (60 + 80 * (xx / w) + 40 * np.sin(yy / (7 + index % 5))).astype(np.float64)
    img += rng.normal(0, 12, (h, w))
    img = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(1 + index % 3):
        r = int(rng.integers(14, 40))
        face(img, int(rng.integers(r, w - r)), int(rng.integers(r, h - r)), r, rng.integers(150, 230), rng.integers(10, 70))
    img = cv2.GaussianBlur(img, (3, 3), 0)
    raw = cascade.detectMultiScale(img, 1.1, 0, minSize=(0, 0))
    if len(raw) >= 3:
        scenes[index] = (img, raw)
    if len(scenes) == 6:
        break

record = {"opencv_version": cv2.__version__, "cascade": os.path.basename(cascade_path),
          "params": [{"scaleFactor": 1.1, "minNeighbors": 3, "minSize": [0, 0]},
                     {"scaleFactor": 1.1, "minNeighbors": 5, "minSize": [30, 30]},
                     {"scaleFactor": 1.2, "minNeighbors": 1, "minSize": [40, 40]}],
          "images": {}}
for index, (img, raw) in scenes.items():
    name = f"synthetic-{index:02d}.png"
    cv2.imwrite(os.path.join(out, name), img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    grouped = []
    for p in record["params"]:
        boxes, neighbours = cascade.detectMultiScale2(img, p["scaleFactor"], p["minNeighbors"], minSize=tuple(p["minSize"]))
        grouped.append(sorted([int(v) for v in b] + [int(n)] for b, n in zip(boxes, neighbours)))
    record["images"][name] = {"raw": sorted([int(v) for v in b] for b in raw), "grouped": grouped}
with open(os.path.join(out, "opencv-detections.json"), "w") as f:
    json.dump(record, f, indent=0)
print(f"{len(scenes)} scenes:", {k: len(v["raw"]) for k, v in record["images"].items()},
      {k: [len(g) for g in v["grouped"]] for k, v in record["images"].items()})
