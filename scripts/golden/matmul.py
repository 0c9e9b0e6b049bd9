"""Golden values for the matmul family: a PyTorch Linear forward (x @ w.T + b) and its autograd
gradients (dx, dw, db) for a few odd shapes, float64 math, stored F32 in test/fixtures/matmul.safetensors.
Inputs include a leading batch dim (x is [B,T,K]) and large values (scale 100) in one case."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fixture_path, write_safetensors  # noqa: E402

# name: (leading dims, K in, N out, scale)
SHAPES = {
    "a": ((3,), 17, 33, 1.0),
    "b": ((2, 5), 130, 3, 1.0),
    "c": ((1,), 1, 17, 1.0),
    "d": ((33,), 65, 70, 100.0),
}

torch.manual_seed(1234)
out = {}
for name, (lead, K, N, scale) in SHAPES.items():
    x = ((torch.rand(*lead, K, dtype=torch.float64) * 2 - 1) * scale).requires_grad_()
    w = ((torch.rand(N, K, dtype=torch.float64) * 2 - 1) * scale).requires_grad_()
    b = ((torch.rand(N, dtype=torch.float64) * 2 - 1) * scale).requires_grad_()
    y = torch.nn.functional.linear(x, w, b)
    dy = (torch.rand(*y.shape, dtype=torch.float64) * 2 - 1) * scale
    y.backward(dy)
    for k, v in {"x": x, "w": w, "b": b, "y": y, "dy": dy, "dx": x.grad, "dw": w.grad, "db": b.grad}.items():
        out[f"{name}.{k}"] = v.detach()

write_safetensors(fixture_path("matmul"), out, {"shapes": SHAPES})
print("wrote", fixture_path("matmul"), len(out), "tensors")
