"""Golden values for shaders/embedding.wgsl: F.embedding forward and its autograd backward (float64).

Per case c{k}: table [V,H], ids [N] (with repeats), dout [N,H], out [N,H], grad [V,H] = d(sum(out*dout))/dtable.
Run: /usr/bin/python3 scripts/golden/embedding.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import fixture_path, write_safetensors  # noqa: E402

torch.manual_seed(1234)
CASES = [(5, 1, 7), (11, 3, 20), (40, 17, 33), (9, 130, 17)]  # (V, H, N)
out = {}
for k, (V, H, N) in enumerate(CASES):
    table = (torch.randn(V, H, dtype=torch.float64) * 3).float().double().requires_grad_(True)
    ids = torch.randint(0, V, (N,))
    ids[: min(3, N)] = ids[0]  # guaranteed repeats
    ids[-1] = V - 1
    dout = torch.randn(N, H, dtype=torch.float64).float().double()
    y = F.embedding(ids, table)
    (y * dout).sum().backward()
    out[f"c{k}.table"] = table.detach()
    out[f"c{k}.ids"] = ids.int()
    out[f"c{k}.dout"] = dout
    out[f"c{k}.out"] = y.detach()
    out[f"c{k}.grad"] = table.grad
write_safetensors(fixture_path("embedding"), out)
print("wrote", fixture_path("embedding"))
