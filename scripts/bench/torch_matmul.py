#!/usr/bin/python3
"""OpenBLAS peer of `npm run bench matmul` (bench/torch_peer.ts runs it): torch.matmul on the CPU with the
transposes of xlt's three Linear products (NT: Y = X·Wᵀ, NN: dX = dY·W, TN: dW = dYᵀ·X), f32.

Usage: torch_matmul.py JOB.json, JOB = {"threads": n, "shapes": [{"M", "N", "K", "iters"}...]}
  ->  one JSON line: version, blas, threads, and per shape and layout the best GFLOP/s of `iters` calls
(or {"skipped": why} when torch or OpenBLAS is missing).
"""
import json
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_realign_step import blas_in_use  # noqa: E402


def main():
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"skipped": "no torch for /usr/bin/python3 (%s)" % e}))
        return
    job = json.load(open(sys.argv[1]))
    torch.set_num_threads(job["threads"])
    torch.ones(8, 8) @ torch.ones(8, 8)
    blas = blas_in_use()
    if "OpenBLAS" not in blas:
        print(json.dumps({"skipped": "torch uses %s, not OpenBLAS: apt-get install libopenblas0-pthread" % blas}))
        return
    torch.manual_seed(0)
    out = []
    for s in job["shapes"]:
        M, N, K = s["M"], s["N"], s["K"]
        x, w, dy = torch.randn(M, K), torch.randn(N, K), torch.randn(M, N)
        calls = {"NT": lambda: x @ w.T, "NN": lambda: dy @ w, "TN": lambda: dy.T @ x}
        row = {"M": M, "N": N, "K": K}
        for name, f in calls.items():
            f()
            best = float("inf")
            for _ in range(max(3, s["iters"])):
                t = time.perf_counter()
                f()
                best = min(best, time.perf_counter() - t)
            row[name] = 2 * M * N * K / best / 1e9
        out.append(row)
    print(json.dumps({"version": torch.__version__, "blas": blas, "threads": torch.get_num_threads(), "gflops": out}))


if __name__ == "__main__":
    main()
