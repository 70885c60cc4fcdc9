"""GPU reference for the fast-encoder issue: the same ViT-B/32 architecture as export_onnx.py,
random weights, run by PyTorch on CUDA (the libtorch kernels DJL's CUDA engine would call).

Not Glimpse: a reference point for what one GPU does with this model. Usage:
    python3 scripts/peer/gpu_reference.py [--seconds 3]
Prints JSON lines: images/s per dtype and batch, text latency per dtype and token count.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import TextTransformer, VisionTransformer  # noqa: E402


def randomize(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("weight") and "ln" in name:
                p.fill_(1.0)
            elif name.endswith("bias"):
                p.zero_()
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
    return module


def timed(fn, seconds, sync):
    for _ in range(3):
        fn()
    sync()
    runs = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(runs) < 5:
        t0 = time.perf_counter()
        fn()
        sync()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    dev = torch.device("cuda")
    sync = torch.cuda.synchronize
    vision = randomize(VisionTransformer(224, 32, 768, 12, 12, 4.0, 512), 1).to(dev).eval()
    text = randomize(TextTransformer(77, 49408, 512, 12, 8, 4.0, 512), 2).to(dev).eval()
    print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__}))
    for dtype in (torch.float32, torch.bfloat16, torch.float16):
        v = vision.to(dtype)
        t = text.to(dtype)
        name = str(dtype).replace("torch.", "")
        with torch.inference_mode():
            for batch in (1, 8, 32, 256):
                x = torch.randn(batch, 3, 224, 224, device=dev, dtype=dtype)
                runs = timed(lambda: v(x), args.seconds, sync)
                med = runs[len(runs) // 2]
                print(json.dumps({"dtype": name, "batch": batch,
                                  "images_per_s": round(batch / med, 1)}))
            for tokens in (10, 77):
                ids = torch.randint(1, 49000, (1, tokens), device=dev)
                ids[0, -1] = 49407
                runs = timed(lambda: t(ids), args.seconds, sync)
                print(json.dumps({"dtype": name, "tokens": tokens,
                                  "p50_ms": round(runs[len(runs) // 2] * 1000, 3),
                                  "p99_ms": round(runs[int(len(runs) * 0.99) - 1] * 1000, 3)}))


if __name__ == "__main__":
    main()
