"""Writes opencv_resize_and_fer_crop.json: OpenCV's cv2.resize (INTER_LINEAR) and fer's face-crop steps
(fer.py FER.detect_emotions: pad 40 with the bottom-rows mean, tosquare, offsets (10, 10), resize 64x64) on
generated patterns, pixel = (x*31 + y*17 + x*y*seed + seed*7) % 256. Outputs are base64 of the 8-bit pixels.
Run once with opencv-python-headless==4.14.0.94: python make_opencv_fixture.py"""
import base64, json
import cv2
import numpy as np

PADDING = 40


def pattern(w, h, seed):
    y, x = np.mgrid[0:h, 0:w]
    return ((x * 31 + y * 17 + x * y * seed + seed * 7) % 256).astype(np.uint8)


def fer_crop(gray, box):
    row, col = gray.shape
    mean = cv2.mean(gray[row - 2:row, 0:col])[0]
    padded = cv2.copyMakeBorder(gray, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=[mean] * 3)
    x, y, w, h = box
    if h > w:
        d = h - w; x -= d // 2; w += d
    elif w > h:
        d = w - h; y -= d // 2; h += d
    x1, x2, y1, y2 = x - 10 + PADDING, x + w + 10 + PADDING, y - 10 + PADDING, y + h + 10 + PADDING
    x1, y1 = max(0, x1), max(0, y1)
    return cv2.resize(padded[y1:y2, x1:x2], (64, 64))


def b64(a):
    return base64.b64encode(a.tobytes()).decode()


resize = [dict(width=w, height=h, seed=s, toWidth=tw, toHeight=th, output=b64(cv2.resize(pattern(w, h, s), (tw, th))))
          for (w, h, tw, th, s) in [(37, 53, 64, 64, 3), (150, 150, 64, 64, 5), (128, 128, 64, 64, 1), (64, 64, 64, 64, 2),
                                    (200, 90, 64, 64, 7), (20, 15, 64, 64, 11), (640, 480, 64, 64, 13), (99, 41, 17, 23, 4)]]
frame = pattern(160, 120, 9)
crops = [dict(box=list(b), output=b64(fer_crop(frame, b)))
         for b in [(40, 30, 50, 50), (0, 0, 60, 70), (120, 80, 45, 38), (-5, 100, 30, 30), (10, 20, 100, 20)]]
json.dump(dict(resize=resize, fer_crop=dict(width=160, height=120, seed=9, crops=crops)),
          open("opencv_resize_and_fer_crop.json", "w"))
