#!/usr/bin/python3
"""PyTorch peer of `npm run bench realign-full` (bench/torch_peer.ts runs it): one realignment training step
on the CPU with the same shapes as xlt's -- a DistilBERT-shaped encoder run up to hidden_states[layer],
first-subword gathers, head H->H->ReLU->P without bias, the strong contrastive loss of Gaschi et al. (2023)
(cosine / tau against every word of the batch, own entry lowered by 1e6, NLL of the partner, both
directions, mean), backward, torch.optim.Adam over the trainable tensors (--freeze lower: blocks
0..N/2-1 frozen). Random weights: only the time matters. As a user would run it: dense embedding
gradients (nn.Embedding's default), the BLAS Debian's torch finds.

Usage: torch_realign_step.py JOB.json  ->  one JSON line: version, blas, threads, firstMs, stepMs, loss
(or {"skipped": why} when torch or OpenBLAS is missing). The job's "threads", when given, is passed to
torch.set_num_threads (intra-op threads; OpenBLAS keeps its own pool unless OPENBLAS_NUM_THREADS is set).
"""
import json
import sys
import time


def blas_in_use():
    """The BLAS library mapped into this process (Debian's torch links libblas.so.3, an alternative)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if ".so" in line}
    for lib in sorted(libs):
        if "openblas" in lib:
            return "OpenBLAS (" + lib + ")"
    for lib in sorted(libs):
        if "libblas" in lib or "blis" in lib or "mkl" in lib:
            return lib
    return "unknown"


def main():
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:
        print(json.dumps({"skipped": "no torch for /usr/bin/python3 (%s)" % e}))
        return
    job = json.load(open(sys.argv[1]))
    torch.ones(8, 8) @ torch.ones(8, 8)  # loads the BLAS
    blas = blas_in_use()
    if "OpenBLAS" not in blas:
        print(json.dumps({"skipped": "torch uses %s, not OpenBLAS: apt-get install libopenblas0-pthread "
                          "(update-alternatives selects it)" % blas}))
        return
    if job.get("threads"):
        torch.set_num_threads(job["threads"])
    c = job["config"]
    H, heads, FF, V, layer = c["hidden"], c["heads"], c["ffn"], c["vocab"], job["layer"]
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(H, eps=c["lnEps"]), nn.LayerNorm(H, eps=c["lnEps"])
            self.f1, self.f2 = nn.Linear(H, FF), nn.Linear(FF, H)

        def forward(self, x, bias):
            B, T, _ = x.shape
            split = lambda t: t.view(B, T, heads, H // heads).transpose(1, 2)
            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            p = torch.softmax(q @ k.transpose(-1, -2) / (H // heads) ** 0.5 + bias, dim=-1)
            ctx = (p @ v).transpose(1, 2).reshape(B, T, H)
            x = self.ln1(x + self.o(ctx))
            return self.ln2(x + self.f2(F.gelu(self.f1(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(V, H)
            self.pos = nn.Embedding(c["maxPositions"], H)
            self.ln = nn.LayerNorm(H, eps=c["lnEps"])
            self.blocks = nn.ModuleList(Block() for _ in range(c["layers"]))
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, std=0.02)

        def forward(self, ids, mask):
            B, T = ids.shape
            x = self.ln(self.word(ids) + self.pos(torch.arange(T).expand(B, T)))
            bias = (1.0 - mask)[:, None, None, :] * -1e9
            for blk in self.blocks[:layer]:
                x = blk(x, bias)
            return x.reshape(B * T, H)

    enc = Encoder()
    head = nn.Sequential(nn.Linear(H, H, bias=False), nn.ReLU(), nn.Linear(H, job["projection"], bias=False))
    nn.init.normal_(head[0].weight, std=0.02)
    nn.init.normal_(head[2].weight, std=0.02)
    if job["freeze"] == "lower":
        for blk in enc.blocks[: c["layers"] // 2]:
            blk.requires_grad_(False)
    elif job["freeze"] != "none":
        raise SystemExit("freeze must be lower or none")
    enc.blocks[layer:].requires_grad_(False)  # never run: no gradient, as in xlt
    params = [p for p in list(enc.parameters()) + list(head.parameters()) if p.requires_grad]
    opt = torch.optim.Adam(params, lr=job["lr"])

    def side(s):
        return (torch.tensor(s["ids"]).view(s["B"], s["T"]), torch.tensor(s["mask"]).view(s["B"], s["T"]), torch.tensor(s["rows"]))

    (il, ml, rl), (ir, mr, rr) = side(job["left"]), side(job["right"])
    links = torch.tensor(job["links"])
    ML = len(job["left"]["rows"])
    query = torch.cat([links[:, 0], ML + links[:, 1]])
    target = torch.cat([ML + links[:, 1], links[:, 0]])

    def step():
        opt.zero_grad()
        words = torch.cat([enc(il, ml)[rl], enc(ir, mr)[rr]])
        z = F.normalize(head(words), dim=-1)
        sim = (z[query] @ z.T) / job["tau"]
        sim[torch.arange(len(query)), query] -= 1e6
        loss = F.cross_entropy(sim, target)
        loss.backward()
        opt.step()
        return loss.item()

    t = time.perf_counter()
    step()
    first = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    for _ in range(job["steps"]):
        loss = step()
    per = (time.perf_counter() - t) * 1000 / job["steps"]
    print(json.dumps({"version": torch.__version__, "blas": blas, "threads": torch.get_num_threads(),
                      "firstMs": first, "stepMs": per, "loss": loss}))


if __name__ == "__main__":
    main()
