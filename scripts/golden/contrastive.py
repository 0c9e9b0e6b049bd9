"""Golden fixtures for shaders/contrastive.wgsl: the strong contrastive realignment loss (spec §1.1), float64.

Written exactly as the reference code (MAT multilingual_eval/models/realignment_loss.py, strong variant):
  aligned = c[query]; sim = aligned @ cᵀ; sim /= ‖aligned‖; sim /= ‖c‖ᵀ; sim /= τ;
  sim[arange(Q), query] -= 1e6; loss = nll_loss(log_softmax(sim), target)   (mean over the Q rows)
with autograd for dc (through both the query and the candidate role of each row).
Writes test/fixtures/contrastive.safetensors with, per case "<name>.": c [M,E], query/target i32 [Q],
tau [1], loss [1], dc [M,E].
Run: /usr/bin/python3 scripts/golden/contrastive.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fixture_path, write_safetensors  # noqa: E402

# name: (ML left words, MR right words, E, K aligned pairs, tau, input scale)
CASES = {
    "tiny": (1, 1, 1, 1, 0.1, 1.0),  # M=2 E=1 Q=2
    "small": (3, 4, 5, 2, 0.1, 1.0),  # M=7 E=5 Q=4
    "mid": (18, 22, 16, 12, 0.1, 1.0),  # M=40 E=16 Q=24
    "big": (60, 70, 33, 30, 0.1, 1.0),  # M=130 E=33 Q=60
    "sharp": (9, 8, 7, 6, 0.05, 50.0),  # large vectors, lower temperature
}


def realignment_loss(c, query, target, tau):
    aligned = c[query]
    sim = torch.matmul(aligned, c.transpose(0, 1))
    sim = sim / aligned.norm(dim=1, keepdim=True)
    sim = sim / c.norm(dim=1, keepdim=True).transpose(0, 1)
    sim = sim / tau
    sim[torch.arange(query.shape[0]), query] -= 1e6
    return F.nll_loss(F.log_softmax(sim, dim=-1), target)


def main():
    torch.manual_seed(4321)
    tensors = {}
    for name, (ML, MR, E, K, tau, scale) in CASES.items():
        M = ML + MR
        c = ((torch.rand(M, E, dtype=torch.float64) * 2 - 1) * scale).float().double().requires_grad_()
        left = torch.randperm(ML)[:K]
        right = ML + torch.randperm(MR)[:K]
        query = torch.cat((left, right))
        target = torch.cat((right, left))
        loss = realignment_loss(c, query, target, tau)
        loss.backward()
        p = name + "."
        tensors.update({
            p + "c": c, p + "query": query.int(), p + "target": target.int(),
            p + "tau": torch.tensor([tau], dtype=torch.float64), p + "loss": loss.reshape(1), p + "dc": c.grad,
        })
    write_safetensors(fixture_path("contrastive"), tensors, {"generator": "scripts/golden/contrastive.py", "torch": torch.__version__})


if __name__ == "__main__":
    main()
