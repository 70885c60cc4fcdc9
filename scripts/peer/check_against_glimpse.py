#!/usr/bin/env python3
"""Check the PyTorch model of export_onnx.py against Glimpse's own encoders (benchmark peer only).

Usage: python3 check_against_glimpse.py CHECKPOINT_DIR [GLIMPSE_LAUNCHER]

Runs `glimpse embed --model CHECKPOINT_DIR` on two texts with known CLIP token ids and on a
224x224 RGB PNG (written here; at 224x224 Glimpse neither resizes nor crops it), and compares the
L2-normalised embeddings with the PyTorch model's. Every cosine must be >= 0.99999.
GLIMPSE_LAUNCHER defaults to the `glimpse` script at the repository root.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import build_models  # noqa: E402

MIN_COSINE = 0.99999
# Texts and the ids the CLIP tokenizer gives them (vocab.json: a</w>=320, dog</w>=1929, ...).
TEXTS = [
    ("a dog", [49406, 320, 1929, 49407]),
    ("two cats on a red million", [49406, 1237, 3989, 525, 320, 736, 2506, 49407]),
]


def test_image(size):
    """A deterministic RGB image with gradients and texture, uint8 [size, size, 3]."""
    y, x = np.mgrid[0:size, 0:size]
    r = (x * 255) // (size - 1)
    g = (y * 255) // (size - 1)
    b = ((x * 31 + y * 17) ^ (x * y)) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def write_png(path, pixels):
    from PIL import Image
    Image.fromarray(pixels, "RGB").save(path)


def cosine(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    checkpoint_dir = sys.argv[1]
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    launcher = sys.argv[2] if len(sys.argv) == 3 else os.path.join(repo, "glimpse")

    vision, text, cfg = build_models(checkpoint_dir)
    size = cfg["vision_cfg"]["image_size"]
    # Not the checkpoint's preprocess_cfg: Glimpse's embed uses its own preprocessing, but for
    # OpenAI-style checkpoints these are the same CLIP mean/std.
    mean = np.array([0.48145466, 0.4578275, 0.40821073], np.float32)
    std = np.array([0.26862954, 0.26130258, 0.27577711], np.float32)
    image = test_image(size)

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "check.png")
        try:
            write_png(png, image)
        except ImportError:
            png = None
            print("PIL not available: skipping the image comparison")
        cmd = [launcher, "embed", "--model", checkpoint_dir]
        for t, _ in TEXTS:
            cmd += ["--text", t]
        if png:
            cmd += ["--image", png]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        glimpse = [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    with torch.no_grad():
        for (t, ids), g in zip(TEXTS, glimpse):
            ours = text(torch.tensor([ids]))[0].numpy()
            results.append((f"text {t!r} {ids}", cosine(ours, g["embedding"])))
        if png:
            chw = ((image.astype(np.float32) / np.float32(255) - mean) / std).transpose(2, 0, 1)
            ours = vision(torch.from_numpy(np.ascontiguousarray(chw))[None])[0].numpy()
            results.append((f"image {size}x{size} PNG", cosine(ours, glimpse[len(TEXTS)]["embedding"])))

    ok = True
    for name, c in results:
        passed = c >= MIN_COSINE
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  cosine={c:.9f}  1-cosine={1 - c:.1e}  {name}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
