"""Golden cross-entropy fixtures: F.cross_entropy(logits, labels, ignore_index=-100) (mean reduction) and
its autograd dlogits in float64, plus torch.argmax predictions.

Logits are rounded to f32 first (the GPU sees f32). Writes test/fixtures/crossentropy.safetensors with, per
case `<name>`: <name>.logits, .labels (i32), .loss [1], .lse, .dlogits, .argmax (i32).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import fixture_path, write_safetensors  # noqa: E402

torch.manual_seed(4321)

# (name, rows, V, logit scale, fraction of ignored labels)
CASES = [
    ("r1v1", 1, 1, 1.0, 0.0),
    ("r3v17", 3, 17, 2.0, 0.34),
    ("r33v130", 33, 130, 5.0, 0.25),
    ("r17v3_big", 17, 3, 1e4, 0.2),
    ("r5v1000", 5, 1000, 30.0, 0.0),
]

tensors = {}
for name, R, V, scale, ign in CASES:
    logits = (scale * torch.randn(R, V, dtype=torch.float64)).float().double().requires_grad_(True)
    labels = torch.randint(0, V, (R,))
    labels[torch.rand(R) < ign] = -100
    if ign > 0:
        labels[0] = -100  # at least one ignored row
    if R > 1:
        labels[-1] = torch.randint(0, V, ()).item()  # and one kept row: torch 1.13 gives NaN when all are ignored
    loss = F.cross_entropy(logits, labels, ignore_index=-100)
    assert torch.isfinite(loss), name
    loss.backward()
    lse = torch.logsumexp(logits.detach(), -1)
    tensors[f"{name}.logits"] = logits.detach()
    tensors[f"{name}.labels"] = labels.int()
    tensors[f"{name}.loss"] = loss.detach().reshape(1)
    tensors[f"{name}.lse"] = lse
    tensors[f"{name}.dlogits"] = logits.grad
    tensors[f"{name}.argmax"] = logits.detach().argmax(-1).int()

path = fixture_path("crossentropy")
write_safetensors(path, tensors)
print(f"wrote {path}: {len(CASES)} cases")
