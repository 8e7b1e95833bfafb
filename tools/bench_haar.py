"""tools/bench-haar helper: `frames DIR PHOTO...` writes 640x480 gray PGM frames (each photo converted
BGR->GRAY, scaled to fit 640x480 with INTER_AREA and centred on black; `frames-sized W H DIR PHOTO...`
the same at W x H, for tools/haar-mca); `compare DIR REPEAT EDGE_BENCH CASCADE [OPENCV_XML [EDGE_PEER_CASCADE]]`
times OpenCV (the XML given, default cv2.data's haarcascade_frontalface_default.xml), the project (and, when
EDGE_PEER_CASCADE is given, the project with that cascade too, e.g. its Haar one beside its LBP one) (edge-bench haar --stdin, a persistent process) frame by frame, alternating,
so that load changes on the machine hit both sides alike, and compares their boxes; `reference OUT XML FACES`
writes OpenCV's detections with XML on the shared photos (FACES/with_faces, FACES/no_faces) in the layout of
FACES/reference/opencv_haar_detections.json (both of its parameter sets), for tools/test.d/31-lbp-agreement."""
import json
import os
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np

W, H = 640, 480


def make_frames(out, sources, W=W, H=H):
    names = []
    for source in sources:
        for entry in sorted(os.listdir(source)):
            if entry.lower().endswith((".png", ".jpg", ".jpeg")):
                names.append(os.path.join(source, entry))
    for index, path in enumerate(names):
        bgr = cv2.imread(path, cv2.IMREAD_COLOR)
        if bgr is None:
            sys.exit(f"{path}: OpenCV cannot read it")
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        scale = min(W / gray.shape[1], H / gray.shape[0])
        w, h = max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale))
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        small = cv2.resize(gray, (w, h), interpolation=interpolation)
        frame = np.zeros((H, W), np.uint8)
        y, x = (H - h) // 2, (W - w) // 2
        frame[y:y + h, x:x + w] = small
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(os.path.join(out, f"{index:03d}-{stem}.pgm"), "wb") as f:
            f.write(b"P5\n%d %d\n255\n" % (W, H) + frame.tobytes())
    print(f"{len(names)} frames of {W}x{H} from {', '.join(sources)}", file=sys.stderr)


def iou(a, b):
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    if x2 <= x1 or y2 <= y1:
        return 0.0
    inter = (x2 - x1) * (y2 - y1)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def matched(reference, candidates):
    pairs = sorted(((iou(r, c), i, j) for i, r in enumerate(reference) for j, c in enumerate(candidates)), reverse=True)
    used_r, used_c = set(), set()
    for value, i, j in pairs:
        if value >= 0.5 and i not in used_r and j not in used_c:
            used_r.add(i)
            used_c.add(j)
    return len(used_r)


def compare(out, repeat, edge_bench, cascade_file, opencv_xml=None, peer_cascade=None):
    cv2.setNumThreads(1)
    opencv_xml = opencv_xml or cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(opencv_xml)
    if cascade.empty():
        sys.exit(f"{opencv_xml}: OpenCV cannot load this cascade")
    edge = subprocess.Popen([edge_bench, "haar", "--stdin", "--repeat", str(repeat), "--cascade", cascade_file],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    peer = peer_cascade and subprocess.Popen(
        [edge_bench, "haar", "--stdin", "--repeat", str(repeat), "--cascade", peer_cascade],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    opencv_ms, edge_ms, peer_ms = [], [], []
    total = hits = extra = 0
    for name in sorted(n for n in os.listdir(out) if n.endswith(".pgm")):
        path = os.path.join(out, name)
        frame = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        cascade.detectMultiScale(frame, scaleFactor=1.1, minNeighbors=5, minSize=(30, 30))  # warm-up
        times = []
        for _ in range(max(repeat, 1)):
            start = time.perf_counter()
            boxes = cascade.detectMultiScale(frame, scaleFactor=1.1, minNeighbors=5, minSize=(30, 30))
            times.append((time.perf_counter() - start) * 1e3)
        edge.stdin.write(path + "\n")
        edge.stdin.flush()
        record = json.loads(edge.stdout.readline())
        if peer:
            peer.stdin.write(path + "\n")
            peer.stdin.flush()
            peer_ms.append(json.loads(peer.stdout.readline())["ms"])
        reference = [tuple(int(v) for v in b) for b in boxes]
        candidates = [tuple(b[:4]) for b in record["boxes"]]
        m = matched(reference, candidates)
        total += len(reference)
        hits += m
        extra += len(candidates) - m
        opencv_ms.append(statistics.median(times))
        edge_ms.append(record["ms"])
        print(f"{name}: opencv {len(reference)} boxes {opencv_ms[-1]:.2f} ms, edge {len(candidates)} boxes "
              f"{edge_ms[-1]:.2f} ms, matched {m}")
    for process in (edge, peer):
        if process:
            process.stdin.close()
            process.wait()
    edge_median, opencv_median = statistics.median(edge_ms), statistics.median(opencv_ms)
    agreement = hits / total if total else 1.0
    print(f"frames={len(edge_ms)} opencv_boxes={total} matched={hits} extra={extra} "
          f"edge_mean_ms={statistics.mean(edge_ms):.2f} opencv_mean_ms={statistics.mean(opencv_ms):.2f} "
          f"opencv={cv2.__version__} repeat={repeat} opencv_xml={os.path.basename(opencv_xml)}")
    if peer:
        peer_median = statistics.median(peer_ms)
        print(f"peer {os.path.basename(peer_cascade)}: edge_peer_ms={peer_median:.2f} "
              f"edge/edge_peer={edge_median / peer_median:.3f} (the same frames, interleaved)")
    print(f"haar_ms edge={edge_median:.2f} opencv={opencv_median:.2f} ratio={edge_median / opencv_median:.3f} "
          f"agreement={agreement:.4f}")


def reference(out, xml, faces):
    cascade = cv2.CascadeClassifier(xml)
    if cascade.empty():
        sys.exit(f"{xml}: OpenCV cannot load this cascade")
    params = [{"scaleFactor": 1.1, "minNeighbors": 3, "minSize": [0, 0]},
              {"scaleFactor": 1.1, "minNeighbors": 5, "minSize": [30, 30]}]
    images = {}
    for folder in ("with_faces", "no_faces"):
        for entry in sorted(os.listdir(os.path.join(faces, folder))):
            if not entry.lower().endswith((".png", ".jpg", ".jpeg")):
                continue
            name = f"{folder}/{entry}"
            bgr = cv2.imread(os.path.join(faces, name), cv2.IMREAD_COLOR)
            if bgr is None:
                sys.exit(f"{name}: OpenCV cannot read it")
            gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
            images[name] = [sorted([int(v) for v in box] for box in cascade.detectMultiScale(
                gray, scaleFactor=p["scaleFactor"], minNeighbors=p["minNeighbors"], minSize=tuple(p["minSize"])))
                for p in params]
    with open(out, "w") as f:
        json.dump({"opencv_version": cv2.__version__, "cascade": os.path.basename(xml), "params": params,
                   "images": images}, f)


if __name__ == "__main__":
    if sys.argv[1] == "reference":
        reference(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "frames":
        make_frames(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "frames-sized":
        make_frames(sys.argv[4], sys.argv[5:], int(sys.argv[2]), int(sys.argv[3]))
    else:
        compare(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], *sys.argv[6:8])
