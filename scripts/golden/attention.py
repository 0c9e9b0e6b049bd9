"""Golden fixtures for shaders/attention.wgsl: Hugging Face BERT self-attention (float64), with autograd.

scores = q·kᵀ/√D + (1 − mask)·finfo(float32).min  (HF's extended attention mask), softmax over keys, ·v.
Writes test/fixtures/attention.safetensors with, per case "<name>.": q, k, v ([B*T, H*D]), mask [B,T],
dout (padded query rows zeroed, as the model does), out, probs, dq, dk, dv.
Run: /usr/bin/python3 scripts/golden/attention.py
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fixture_path, write_safetensors  # noqa: E402

# name: (B, T, H, D, lengths of the sequences, input scale)
CASES = {
    "tiny": (1, 1, 1, 1, [1], 1.0),
    "small": (2, 3, 2, 4, [3, 3], 1.0),
    "padded": (2, 17, 3, 8, [17, 11], 1.0),
    "odd": (1, 33, 2, 16, [33], 1.0),
    "large": (2, 9, 2, 8, [9, 5], 4.0),  # logits up to ~±45
}


def hf_attention(q, k, v, mask, B, T, H, D):
    def heads(x):  # [B*T, H*D] -> [B, H, T, D]
        return x.view(B, T, H, D).permute(0, 2, 1, 3)

    scores = heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(D)
    ext = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
    probs = torch.softmax(scores + ext, dim=-1)
    out = (probs @ heads(v)).permute(0, 2, 1, 3).reshape(B * T, H * D)
    return out, probs


def main():
    torch.manual_seed(1234)
    tensors = {}
    for name, (B, T, H, D, lens, scale) in CASES.items():
        shape = (B * T, H * D)
        q = ((torch.rand(shape, dtype=torch.float64) * 2 - 1) * scale).requires_grad_()
        k = ((torch.rand(shape, dtype=torch.float64) * 2 - 1) * scale).requires_grad_()
        v = (torch.rand(shape, dtype=torch.float64) * 2 - 1).requires_grad_()
        mask = torch.zeros(B, T, dtype=torch.float64)
        for b, n in enumerate(lens):
            mask[b, :n] = 1
        dout = (torch.rand(shape, dtype=torch.float64) * 2 - 1) * mask.reshape(B * T, 1)
        # round inputs to f32 first so the f32 kernels see exactly the same values
        for t in (q, k, v):
            t.data = t.data.float().double()
        dout = dout.float().double()
        out, probs = hf_attention(q, k, v, mask, B, T, H, D)
        out.backward(dout)
        p = name + "."
        tensors.update({
            p + "q": q, p + "k": k, p + "v": v, p + "mask": mask, p + "dout": dout,
            p + "out": out, p + "probs": probs, p + "dq": q.grad, p + "dk": k.grad, p + "dv": v.grad,
        })
    write_safetensors(fixture_path("attention"), tensors, {"generator": "scripts/golden/attention.py", "torch": torch.__version__})


if __name__ == "__main__":
    main()
