"""Writes the EdgeImageTests fixtures (see tools/make-image-fixtures)."""
import os
import sys

import cv2
import numpy as np
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261125)


def smooth_noise(h, w, c):
    """Random image with some structure so that interpolation errors show."""
    base = rng.integers(0, 256, (h, w, c), dtype=np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    ramp = ((xx * 7 + yy * 3) % 256).astype(np.uint8)[..., None]
    return np.where(rng.random((h, w, 1)) < 0.5, base, ramp).astype(np.uint8)


def write_pgm(name, gray):
    h, w = gray.shape
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h) + gray.tobytes())


def expect_gray(name):
    bgr = cv2.imread(os.path.join(out, name), cv2.IMREAD_COLOR)
    write_pgm(name + ".expected-gray.pgm", cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))


rgb = smooth_noise(29, 37, 3)
bgr = rgb[..., ::-1]
cv2.imwrite(os.path.join(out, "rgb.png"), bgr)
alpha = rng.integers(0, 256, (29, 37, 1), dtype=np.uint8)
cv2.imwrite(os.path.join(out, "rgba.png"), np.concatenate([bgr, alpha], axis=2))
gray = smooth_noise(29, 37, 1)[..., 0]
cv2.imwrite(os.path.join(out, "gray.png"), gray)
Image.fromarray(np.stack([gray, alpha[..., 0]], axis=2), "LA").save(os.path.join(out, "gray-alpha.png"))
Image.fromarray(rgb, "RGB").quantize(colors=16).save(os.path.join(out, "palette.png"))
cv2.imwrite(os.path.join(out, "rgb16.png"), bgr.astype(np.uint16) * 257 + rng.integers(0, 256, bgr.shape).astype(np.uint16))
cv2.imwrite(os.path.join(out, "rgb.jpg"), bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])
cv2.imwrite(os.path.join(out, "gray.jpg"), gray, [cv2.IMWRITE_JPEG_QUALITY, 90])
write_pgm("gray.pgm", gray)
for name in ["rgb.png", "rgba.png", "gray.png", "gray-alpha.png", "palette.png", "rgb16.png", "rgb.jpg", "gray.jpg"]:
    expect_gray(name)

face = smooth_noise(48, 48, 1)[..., 0]
write_pgm("resize-source-48x48.pgm", face)
write_pgm("resize-source-37x29.pgm", gray)
wide = smooth_noise(40, 90, 1)[..., 0]
write_pgm("resize-source-90x40.pgm", wide)
cases = [("48x48", face, [(64, 64), (24, 24), (30, 30), (100, 17)]),
         ("37x29", gray, [(64, 64), (18, 14), (20, 15), (74, 58), (13, 50), (1, 1)]),
         ("90x40", wide, [(45, 20), (81, 36), (33, 15), (200, 90)])]
for label, src, sizes in cases:
    for w, h in sizes:
        write_pgm("resize-%s-to-%dx%d.pgm" % (label, w, h), cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR))
        write_pgm("exact-%s-to-%dx%d.pgm" % (label, w, h), cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR_EXACT))
print("wrote", len(os.listdir(out)), "files to", out, "with OpenCV", cv2.__version__)
