#!/usr/bin/env python3
"""Export an open_clip-layout CLIP checkpoint to ONNX with PyTorch (benchmark peer only).

Usage: python3 export_onnx.py CHECKPOINT_DIR OUT_DIR

CHECKPOINT_DIR holds open_clip_config.json and open_clip_model.safetensors (OpenAI/open_clip
state-dict names). Writes OUT_DIR/vision.onnx, OUT_DIR/text.onnx and OUT_DIR/reference.json
(check values computed by the PyTorch model, not by ONNX). See README.md.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

OPSET = 17
IMAGE_REFERENCE_COUNT = 2
TEXT_REFERENCE_ROWS = [
    [49406, 320, 1929, 49407],  # "a dog"
    [49406, 1237, 3989, 525, 320, 736, 2506, 49407],
]


# ---------------------------------------------------------------------------------------------
# safetensors reader (no safetensors package needed)
# ---------------------------------------------------------------------------------------------

def read_safetensors(path):
    """Returns {name: float32 torch.Tensor}. Supports F32, F16 and BF16."""
    with open(path, "rb") as f:
        header_len = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[start:end]
        dtype = info["dtype"]
        if dtype == "F32":
            arr = np.frombuffer(raw, dtype="<f4")
        elif dtype == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dtype == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            raise ValueError(f"{name}: unsupported dtype {dtype}")
        tensors[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return tensors


# ---------------------------------------------------------------------------------------------
# OpenAI CLIP architecture (parameter names match the open_clip state dict)
# ---------------------------------------------------------------------------------------------

class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    """nn.MultiheadAttention-style: stacked q/k/v in_proj, out_proj. Batch-first [B, L, D]."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.width = width
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * width))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, mask=None):
        b, n = x.shape[0], x.shape[1]
        h, hd = self.heads, self.head_dim
        qkv = nn.functional.linear(x, self.in_proj_weight, self.in_proj_bias)
        q, k, v = qkv.chunk(3, dim=-1)
        # [B, L, D] -> [B, H, L, D/H]
        q = q.reshape(b, n, h, hd).transpose(1, 2)
        k = k.reshape(b, n, h, hd).transpose(1, 2)
        v = v.reshape(b, n, h, hd).transpose(1, 2)
        scores = (q * hd ** -0.5) @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores + mask
        out = scores.softmax(dim=-1) @ v
        out = out.transpose(1, 2).reshape(b, n, self.width)
        return self.out_proj(out)


class Mlp(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.c_fc = nn.Linear(width, hidden)
        self.gelu = QuickGELU()
        self.c_proj = nn.Linear(hidden, width)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class ResidualBlock(nn.Module):
    def __init__(self, width, heads, mlp_ratio):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = Attention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = Mlp(width, int(width * mlp_ratio))

    def forward(self, x, mask=None):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, mlp_ratio):
        super().__init__()
        self.resblocks = nn.ModuleList(
            [ResidualBlock(width, heads, mlp_ratio) for _ in range(layers)])

    def forward(self, x, mask=None):
        for block in self.resblocks:
            x = block(x, mask)
        return x


class VisionTransformer(nn.Module):
    def __init__(self, image_size, patch_size, width, layers, heads, mlp_ratio, embed_dim):
        super().__init__()
        grid = image_size // patch_size
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(width))
        self.positional_embedding = nn.Parameter(torch.empty(grid * grid + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, mlp_ratio)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.empty(width, embed_dim))

    def forward(self, pixel_values):
        x = self.conv1(pixel_values)                      # [B, W, g, g]
        x = x.flatten(2).transpose(1, 2)                  # [B, g*g, W]
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[:, 0]) @ self.proj


class TextTransformer(nn.Module):
    def __init__(self, context_length, vocab_size, width, layers, heads, mlp_ratio, embed_dim):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, width))
        self.transformer = Transformer(width, layers, heads, mlp_ratio)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed_dim))

    def forward(self, input_ids):
        n = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.positional_embedding[:n]
        # Causal mask for the actual sequence length: -inf above the diagonal.
        pos = torch.arange(n, device=input_ids.device)
        mask = torch.zeros(n, n, dtype=x.dtype, device=x.device).masked_fill(
            pos[None, :] > pos[:, None], float("-inf"))
        x = self.ln_final(self.transformer(x, mask))
        # Pool at the end-of-text token (largest id in each row).
        rows = torch.arange(x.shape[0], device=x.device)
        return x[rows, input_ids.argmax(dim=-1)] @ self.text_projection


def build_models(checkpoint_dir):
    with open(os.path.join(checkpoint_dir, "open_clip_config.json")) as f:
        cfg = json.load(f)
    cfg = cfg.get("model_cfg", cfg)
    if not cfg.get("quick_gelu", False):
        raise ValueError("this exporter implements the QuickGELU (OpenAI) variant only")
    embed_dim = cfg["embed_dim"]
    vc, tc = cfg["vision_cfg"], cfg["text_cfg"]
    vision_width = vc["width"]
    vision = VisionTransformer(
        image_size=vc["image_size"], patch_size=vc["patch_size"], width=vision_width,
        layers=vc["layers"], heads=vision_width // vc.get("head_width", 64),
        mlp_ratio=vc.get("mlp_ratio", 4.0), embed_dim=embed_dim)
    text = TextTransformer(
        context_length=tc["context_length"], vocab_size=tc["vocab_size"], width=tc["width"],
        layers=tc["layers"], heads=tc["heads"], mlp_ratio=tc.get("mlp_ratio", 4.0),
        embed_dim=embed_dim)

    weights = read_safetensors(os.path.join(checkpoint_dir, "open_clip_model.safetensors"))
    vision_sd = {k[len("visual."):]: v for k, v in weights.items() if k.startswith("visual.")}
    text_sd = {k: v for k, v in weights.items()
               if not k.startswith("visual.") and k != "logit_scale" and k != "logit_bias"}
    vision.load_state_dict(vision_sd, strict=True)
    text.load_state_dict(text_sd, strict=True)
    return vision.float().eval(), text.float().eval(), cfg


# ---------------------------------------------------------------------------------------------
# Reference inputs (reproducible in Java)
# ---------------------------------------------------------------------------------------------

def reference_pixels(count, image_size):
    """[count, 3, S, S] float32; flat index i (64-bit) -> ((i * 7919) % 1000) / 250.0 - 2.0."""
    i = np.arange(count * 3 * image_size * image_size, dtype=np.int64)
    values = ((i * 7919) % 1000).astype(np.float32) / np.float32(250.0) - np.float32(2.0)
    return torch.from_numpy(values.reshape(count, 3, image_size, image_size))


def summary(embedding):
    e = embedding.double()
    return {"first8": [float(v) for v in e[:8]], "l2_norm": float(e.norm())}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    checkpoint_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    vision, text, cfg = build_models(checkpoint_dir)
    image_size = cfg["vision_cfg"]["image_size"]
    context_length = cfg["text_cfg"]["context_length"]

    with torch.no_grad():
        pixels = reference_pixels(IMAGE_REFERENCE_COUNT, image_size)
        image_embeds = vision(pixels)
        text_embeds = [text(torch.tensor([row], dtype=torch.int64))[0]
                       for row in TEXT_REFERENCE_ROWS]
        # Self-checks: batching and zero padding to the full context must not change results.
        for k in range(IMAGE_REFERENCE_COUNT):
            single = vision(pixels[k:k + 1])[0]
            assert torch.allclose(single, image_embeds[k], rtol=1e-4, atol=1e-4), "vision batch"
        padded = torch.zeros(len(TEXT_REFERENCE_ROWS), context_length, dtype=torch.int64)
        for r, row in enumerate(TEXT_REFERENCE_ROWS):
            padded[r, :len(row)] = torch.tensor(row)
        padded_embeds = text(padded)
        for r in range(len(TEXT_REFERENCE_ROWS)):
            assert torch.allclose(padded_embeds[r], text_embeds[r], rtol=1e-4, atol=1e-4), \
                "text padding"

        vision_path = os.path.join(out_dir, "vision.onnx")
        torch.onnx.export(
            vision, (pixels[:1],), vision_path, opset_version=OPSET,
            do_constant_folding=True, input_names=["pixel_values"],
            output_names=["image_embeds"],
            dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
        # Trace text with a batch of 2 and a length that is neither 1 nor the full context,
        # so neither dimension gets specialised into a constant.
        trace_ids = padded[:, :8].clone()
        text_path = os.path.join(out_dir, "text.onnx")
        torch.onnx.export(
            text, (trace_ids,), text_path, opset_version=OPSET,
            do_constant_folding=True, input_names=["input_ids"],
            output_names=["text_embeds"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                          "text_embeds": {0: "batch"}})

    reference = {
        "generator": "scripts/peer/export_onnx.py (PyTorch model, float32, eval mode)",
        "torch_version": torch.__version__,
        "opset": OPSET,
        "checkpoint_dir": os.path.abspath(checkpoint_dir),
        "vision": {
            "input": "pixel_values",
            "output": "image_embeds",
            "pixels": "float32 [%d, 3, %d, %d]; flat index i over the whole batch, computed in "
                      "64-bit integers: value = ((i * 7919) %% 1000) / 250.0 - 2.0"
                      % (IMAGE_REFERENCE_COUNT, image_size, image_size),
            "embeddings": [summary(e) for e in image_embeds],
        },
        "text": {
            "input": "input_ids",
            "output": "text_embeds",
            "note": "each row run on its own (batch 1, sequence = row length); zero padding "
                    "to %d gives the same result" % context_length,
            "rows": [dict(input_ids=row, **summary(e))
                     for row, e in zip(TEXT_REFERENCE_ROWS, text_embeds)],
        },
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")
    for name in ("vision.onnx", "text.onnx", "reference.json"):
        path = os.path.join(out_dir, name)
        print(f"{path}  {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    main()
