"""Classification heads + one fine-tuning step, in plain torch, on the tiny encoders of models.py.
Run: /usr/bin/python3 scripts/golden/finetune.py   (after models.py has written test/fixtures/tiny-*)

For each arch in bert / xlmr / distilbert and each head kind:
- token: dropout (OFF here) + classifier Linear(H, 5) on every position, labels [B, T] with -100 on the
  special tokens, padding and some words (as first-subword alignment does);
- sequence: HF's sequence-classification head on position 0 (BERT pooler dense+tanh -> classifier;
  XLM-R RobertaClassificationHead dense+tanh -> out_proj; DistilBERT pre_classifier+ReLU -> classifier),
  3 labels;
loss = F.cross_entropy(logits, labels, ignore_index=-100) (mean over non-ignored), then one
torch.optim.Adam(lr=1e-3, no weight decay) step over every parameter (encoder + head) with the HF linear
schedule (LambdaLR, warmup = int(0.1 * total), total = 8 -> warmup 0, step-1 factor 1).

Stored in test/fixtures/finetune.safetensors (F32), prefix `{arch}.{kind}.`:
  input_ids, attention_mask [B, T] (I32), labels [B, T] or [B] (I32), head.<HF name> (initial head),
  loss [1], grad.<HF name> for the head and a subset of encoder tensors (GRAD_SUBSET), after.<HF name> for the
  head and AFTER_SUBSET after the step.  `schedule.factors` [25]: the LR factor of optimizer steps 1..25 for
  total 25 (warmup int(2.5) = 2) as torch's LambdaLR applies it.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, fixture_path, read_safetensors, write_safetensors  # noqa: E402
import models  # noqa: E402

torch.set_default_dtype(torch.float64)
LR = 1e-3
TOTAL = 8
LENGTHS = [7, 4, 9]


def linear_lambda(warmup, total):
    # transformers.get_linear_schedule_with_warmup
    def f(step):
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))
    return f


def head_shapes(arch, kind, H, C):
    if kind == "token":
        return {"classifier.weight": (C, H), "classifier.bias": (C,)}
    if arch == "bert":
        return {"bert.pooler.dense.weight": (H, H), "bert.pooler.dense.bias": (H,), "classifier.weight": (C, H), "classifier.bias": (C,)}
    if arch == "xlmr":
        return {"classifier.dense.weight": (H, H), "classifier.dense.bias": (H,), "classifier.out_proj.weight": (C, H), "classifier.out_proj.bias": (C,)}
    return {"pre_classifier.weight": (H, H), "pre_classifier.bias": (H,), "classifier.weight": (C, H), "classifier.bias": (C,)}


def head_forward(arch, kind, h, hs):
    lin = lambda x, n: x @ h[n + ".weight"].t() + h[n + ".bias"]  # noqa
    if kind == "token":
        return lin(hs, "classifier")  # dropout off
    x = hs[:, 0]
    if arch == "bert":
        return lin(torch.tanh(lin(x, "bert.pooler.dense")), "classifier")
    if arch == "xlmr":
        return lin(torch.tanh(lin(x, "classifier.dense")), "classifier.out_proj")
    return lin(torch.relu(lin(x, "pre_classifier")), "classifier")


def main():
    out = {}
    meta = {"lr": LR, "total": TOTAL, "warmup": int(0.1 * TOTAL), "lengths": json.dumps(LENGTHS)}
    g = torch.Generator().manual_seed(1234)
    for arch in ("bert", "xlmr", "distilbert"):
        c = models.CONFIGS[arch]
        N, H = c["layers"], c["hidden"]
        d = os.path.join(FIXTURES, "tiny-" + arch)
        ck = read_safetensors(os.path.join(d, "model.safetensors"))
        names = models.hf_names(arch, N)
        V = ck[names["embeddings.word"]].shape[0]
        grad_subset = ["embeddings.ln.weight", "embeddings.ln.bias", "layer.0.attn.v.weight", f"layer.{N - 1}.ffn.out.weight", f"layer.{N - 1}.ffn_ln.bias"]
        after_subset = ["embeddings.ln.weight", "layer.0.attn.v.bias", f"layer.{N - 1}.ffn_ln.bias"]
        for kind, C in (("token", 5), ("sequence", 3)):
            pre = f"{arch}.{kind}."
            p = {k: ck[n].double().clone().requires_grad_() for k, n in names.items()}
            seqs = [torch.randint(4, V, (n,), generator=g).tolist() for n in LENGTHS]
            ids, mask = models.pad_batch(seqs, c["pad"])
            B, T = ids.shape
            if kind == "token":
                labels = torch.randint(0, C, (B, T), generator=g)
                labels[mask == 0] = -100
                labels[:, 0] = -100
                for b, n in enumerate(LENGTHS):
                    labels[b, n - 1] = -100  # the closing special token
                labels[0, 2] = -100  # a non-first subword
                labels[2, 3] = -100
            else:
                labels = torch.tensor([2, 0, 1])
            h = {}
            for n, s in head_shapes(arch, kind, H, C).items():
                t = (0.2 * torch.randn(s, generator=g)) if n.endswith("weight") else (0.05 * torch.randn(s, generator=g))
                h[n] = t.float().double().requires_grad_()
            hs = models.enc_forward(p, c, arch, ids, mask)[-1]
            logits = head_forward(arch, kind, h, hs)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, C), labels.reshape(-1), ignore_index=-100)
            params = list(p.values()) + list(h.values())
            loss.backward()
            out[pre + "input_ids"] = ids.int()
            out[pre + "attention_mask"] = mask.int()
            out[pre + "labels"] = labels.int()
            out[pre + "loss"] = loss.detach().reshape(1)
            for n, t in h.items():
                out[pre + "head." + n] = t.detach().clone()
                out[pre + "grad." + n] = t.grad
            for k in grad_subset:
                out[pre + "grad." + names[k]] = p[k].grad
            opt = torch.optim.Adam(params, lr=LR, betas=(0.9, 0.999), eps=1e-8)
            sched = torch.optim.lr_scheduler.LambdaLR(opt, linear_lambda(int(0.1 * TOTAL), TOTAL))
            opt.step()
            sched.step()
            for n, t in h.items():
                out[pre + "after." + n] = t.detach()
            for k in after_subset:
                out[pre + "after." + names[k]] = p[k].detach()
            print(arch, kind, "loss", loss.item())
    # the schedule itself, as LambdaLR applies it at optimizer steps 1..25
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([w], lr=1.0)
    total = 25
    sched = torch.optim.lr_scheduler.LambdaLR(opt, linear_lambda(int(0.1 * total), total))
    factors = []
    for _ in range(total):
        factors.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    out["schedule.factors"] = torch.tensor(factors)
    meta["schedule_total"] = total
    path = fixture_path("finetune")
    write_safetensors(path, out, meta)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
