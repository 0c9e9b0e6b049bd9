"""Golden LayerNorm fixtures: F.layer_norm forward and autograd dx/dgamma/dbeta in float64.

Inputs are rounded to f32 first (the GPU sees f32), then the math runs in float64.
Writes test/fixtures/layernorm.safetensors with, per case `<name>`: <name>.x, .gamma, .beta, .dy, .y, .mean,
.rstd, .dx, .dgamma, .dbeta (metadata: <name>.eps).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import fixture_path, write_safetensors  # noqa: E402

torch.manual_seed(1234)

# (name, rows, C, offset, scale, eps)
CASES = [
    ("r1c1", 1, 1, 0.0, 1.0, 1e-5),
    ("r3c17", 3, 17, 0.0, 3.0, 1e-5),
    ("r33c130", 33, 130, 5.0, 0.1, 1e-12),
    ("r5c768_off1e3", 5, 768, 1000.0, 1.0, 1e-12),
    ("r4c300_big", 4, 300, -1000.0, 100.0, 1e-5),
]


def f32(t):
    return t.float().double()


tensors = {}
meta = {}
for name, R, C, off, scale, eps in CASES:
    # per-row scale variety: rows spread over [scale/10, scale]
    row_scale = torch.linspace(scale / 10, scale, R, dtype=torch.float64).unsqueeze(1)
    x = f32(off + row_scale * torch.randn(R, C, dtype=torch.float64)).requires_grad_(True)
    gamma = f32(1 + 0.5 * torch.randn(C, dtype=torch.float64)).requires_grad_(True)
    beta = f32(0.5 * torch.randn(C, dtype=torch.float64)).requires_grad_(True)
    dy = f32(torch.randn(R, C, dtype=torch.float64))
    y = F.layer_norm(x, (C,), gamma, beta, eps)
    y.backward(dy)
    xd = x.detach()
    mean = xd.mean(-1)
    rstd = 1 / torch.sqrt(xd.var(-1, unbiased=False) + eps)
    for k, v in dict(x=xd, gamma=gamma.detach(), beta=beta.detach(), dy=dy, y=y.detach(), mean=mean, rstd=rstd,
                     dx=x.grad, dgamma=gamma.grad, dbeta=beta.grad).items():
        tensors[f"{name}.{k}"] = v
    meta[f"{name}.eps"] = repr(eps)

path = fixture_path("layernorm")
write_safetensors(path, tensors, meta)
print(f"wrote {path}: {len(CASES)} cases")
