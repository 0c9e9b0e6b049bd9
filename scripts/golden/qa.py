"""The question-answering span head and its loss, in plain torch, on the tiny encoders of models.py.
Run: /usr/bin/python3 scripts/golden/qa.py   (after models.py has written test/fixtures/tiny-*)

For each arch in bert / xlmr / distilbert, HF's *ForQuestionAnswering head (dropout OFF; only DistilBERT
has one, qa_dropout): logits = qa_outputs(hidden) with qa_outputs = Linear(H, 2); start_logits, end_logits
= logits.split(1, -1) squeezed to [B, T] (padding positions included, as HF computes them);
loss = (F.cross_entropy(start_logits, start) + F.cross_entropy(end_logits, end)) / 2 — HF's total_loss.
One sequence's labels point at position 0 ([CLS]: the answer is not in the window).

Stored in test/fixtures/qa.safetensors (F32), prefix `{arch}.`: input_ids, attention_mask [B, T] (I32),
start, end [B] (I32), head.qa_outputs.{weight,bias}, loss [1], grad.<HF name> for the head and a subset of
encoder tensors.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, fixture_path, read_safetensors, write_safetensors  # noqa: E402
import models  # noqa: E402

torch.set_default_dtype(torch.float64)
LENGTHS = [9, 5, 12]


def main():
    out = {}
    g = torch.Generator().manual_seed(4321)
    for arch in ("bert", "xlmr", "distilbert"):
        c = models.CONFIGS[arch]
        N, H = c["layers"], c["hidden"]
        d = os.path.join(FIXTURES, "tiny-" + arch)
        ck = read_safetensors(os.path.join(d, "model.safetensors"))
        names = models.hf_names(arch, N)
        V = ck[names["embeddings.word"]].shape[0]
        grad_subset = ["embeddings.ln.weight", "layer.0.attn.v.weight", f"layer.{N - 1}.ffn.out.weight", f"layer.{N - 1}.ffn_ln.bias"]
        pre = f"{arch}."
        p = {k: ck[n].double().clone().requires_grad_() for k, n in names.items()}
        seqs = [torch.randint(4, V, (n,), generator=g).tolist() for n in LENGTHS]
        ids, mask = models.pad_batch(seqs, c["pad"])
        start = torch.tensor([3, 0, 6])
        end = torch.tensor([5, 0, 10])
        h = {
            "qa_outputs.weight": (0.2 * torch.randn((2, H), generator=g)).float().double().requires_grad_(),
            "qa_outputs.bias": (0.05 * torch.randn((2,), generator=g)).float().double().requires_grad_(),
        }
        hs = models.enc_forward(p, c, arch, ids, mask)[-1]
        logits = hs @ h["qa_outputs.weight"].t() + h["qa_outputs.bias"]
        start_logits, end_logits = logits.split(1, dim=-1)
        start_logits = start_logits.squeeze(-1)
        end_logits = end_logits.squeeze(-1)
        ce = torch.nn.functional.cross_entropy
        loss = (ce(start_logits, start) + ce(end_logits, end)) / 2
        loss.backward()
        out[pre + "input_ids"] = ids.int()
        out[pre + "attention_mask"] = mask.int()
        out[pre + "start"] = start.int()
        out[pre + "end"] = end.int()
        out[pre + "loss"] = loss.detach().reshape(1)
        for n, t in h.items():
            out[pre + "head." + n] = t.detach().clone()
            out[pre + "grad." + n] = t.grad
        for k in grad_subset:
            out[pre + "grad." + names[k]] = p[k].grad
        print(arch, "loss", loss.item())
    path = fixture_path("qa")
    write_safetensors(path, out, {"lengths": str(LENGTHS)})
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
