"""Golden values for the alignment metric (src/eval/alignment.ts): cosine nearest-neighbour retrieval
accuracy, weak and strong, both directions, computed as the reference evaluate_alignment_with_cosim
(Gaschi et al. 2023): rows L2-normalised, strong search space = cat(other language, same language) with
the query's own entry set to 0, torch.argmax (first index on ties), float64.

Cases: tgt = src + noise (high but not perfect accuracy) for P = 1, 3, 17, 200; exact duplicate rows
(ties); large values with a common offset.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fixture_path, write_safetensors  # noqa: E402


def accuracy(src, tgt, strong):
    x = src / torch.norm(src, dim=-1, keepdim=True)
    y = tgt / torch.norm(tgt, dim=-1, keepdim=True)
    P = x.shape[0]
    if strong:
        y = torch.cat((y, x), dim=0)
    s = x @ y.T
    if strong:
        s[range(P), range(P, 2 * P)] = 0
    pred = torch.argmax(s, dim=1)
    # hit count (the accuracy is hits / P); stored as an integer so the comparison is exact
    return P - torch.count_nonzero(pred - torch.arange(P)).item()


def main():
    torch.manual_seed(0)
    out = {}

    def add(name, src, tgt):
        # stored as f32: the golden accuracies are computed from the f32-rounded values
        src = src.float().double()
        tgt = tgt.float().double()
        out[f"{name}.src"] = src
        out[f"{name}.tgt"] = tgt
        acc = [accuracy(src, tgt, False), accuracy(tgt, src, False), accuracy(src, tgt, True), accuracy(tgt, src, True)]
        out[f"{name}.hits"] = torch.tensor(acc, dtype=torch.int32)
        print(name, tuple(src.shape), acc)

    for P, H, noise in [(1, 4, 0.5), (3, 5, 0.3), (17, 8, 0.8), (200, 24, 1.2)]:
        src = torch.randn(P, H, dtype=torch.float64)
        add(f"noise{P}", src, src + noise * torch.randn(P, H, dtype=torch.float64))
    # exact ties: duplicated target and source rows, integer-valued (exactly representable)
    src = torch.randint(-3, 4, (17, 6)).double()
    tgt = src + torch.randint(-1, 2, (17, 6)).double()
    tgt[5] = tgt[2]
    tgt[9] = tgt[2]
    src[11] = src[4]
    src[0] = src[1]
    src[src.abs().sum(1) == 0, 0] = 1.0
    tgt[tgt.abs().sum(1) == 0, 0] = 1.0
    add("ties17", src, tgt)
    # large values with a common offset (no centring): every cosine is close to 1, accuracy near chance
    src = 1e3 * torch.randn(33, 7, dtype=torch.float64) + 5e3
    add("offset33", src, src + 3e3 * torch.randn(33, 7, dtype=torch.float64))
    write_safetensors(fixture_path("alignment"), out)


if __name__ == "__main__":
    main()
