"""Golden values for shaders/optim.wgsl and src/train/adam.ts: torch.optim.Adam / AdamW (float64), 3 steps
on 4 small tensors with given gradients, optionally after torch.nn.utils.clip_grad_norm_.

Stored: p{i} (initial params), g{s}.{i} (grad of tensor i at step s), and per config k: c{k}.p{i}, c{k}.m{i},
c{k}.v{i} after 3 steps, c{k}.coef{s} (clip coefficient at step s, 1 when unclipped).
The CONFIGS list is mirrored in test/cases/optim.ts.
Run: /usr/bin/python3 scripts/golden/optim.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
from common import fixture_path, write_safetensors  # noqa: E402

# (name, decoupled, lr, weight_decay, betas, eps, max_norm or None, grad multiplier)
CONFIGS = [
    ("adam", False, 1e-3, 0.0, (0.9, 0.999), 1e-8, None, 1.0),
    ("adam_wd_lr2e-5", False, 2e-5, 0.01, (0.9, 0.999), 1e-8, None, 1.0),
    ("adamw_wd", True, 1e-3, 0.01, (0.9, 0.999), 1e-8, None, 1.0),
    ("adamw_lr2e-5", True, 2e-5, 0.0, (0.9, 0.999), 1e-8, None, 1.0),
    ("adam_betas_clip", False, 1e-3, 0.0, (0.8, 0.99), 1e-6, 1.0, 5.0),
    ("adamw_wd_noclip", True, 1e-3, 0.1, (0.9, 0.999), 1e-8, 1000.0, 1.0),
]
SHAPES = [(1,), (3, 5), (17,), (130,)]
STEPS = 3

torch.manual_seed(4321)
f32 = lambda t: t.float().double()  # noqa: E731  values exactly representable in f32
p0 = [f32(torch.randn(*s, dtype=torch.float64) * 2) for s in SHAPES]
grads = [[f32(torch.randn(*s, dtype=torch.float64) * (10.0 if i == 3 else 1.0)) for i, s in enumerate(SHAPES)] for _ in range(STEPS)]
out = {}
for i, p in enumerate(p0):
    out[f"p{i}"] = p
for s in range(STEPS):
    for i in range(len(SHAPES)):
        out[f"g{s}.{i}"] = grads[s][i]
for k, (name, decoupled, lr, wd, betas, eps, max_norm, mul) in enumerate(CONFIGS):
    params = [p.clone().requires_grad_(True) for p in p0]
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    opt = cls(params, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    for s in range(STEPS):
        for i, p in enumerate(params):
            p.grad = grads[s][i] * mul
        coef = 1.0
        if max_norm is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(params, max_norm))
            coef = min(1.0, max_norm / (norm + 1e-6))
        out[f"c{k}.coef{s}"] = torch.tensor([coef], dtype=torch.float64)
        opt.step()
    for i, p in enumerate(params):
        st = opt.state[p]
        out[f"c{k}.p{i}"] = p.detach()
        out[f"c{k}.m{i}"] = st["exp_avg"]
        out[f"c{k}.v{i}"] = st["exp_avg_sq"]
write_safetensors(fixture_path("optim"), out)
print("wrote", fixture_path("optim"))
