"""Recomputes `xlt pretrain --dump-grads` in plain torch and compares.
Run: /usr/bin/python3 scripts/check_pretrain_grads.py OUT_DIR DUMP.safetensors

OUT_DIR must hold the weights the dumped batch was run with: a run with `--steps 1 --lr 0 --dropout 0`
(AdamW with lr 0 changes nothing, so the output is the initial model). The dump holds the first batch
(batch.{i}.input_ids / position_ids / attention_mask / labels [/ lang_ids], ids as F32), the dictionary ids
and every gradient (grad.<HF name>). run.json says the objective, λ and V. The loss is the mean
cross-entropy over all labelled positions of the batch (+ λ·(−mean cos(E[d], E[d+V])) for align-mlm),
through the MLM head with the decoder tied to the word embeddings. Every gradient must match within 1e-3
relative to max(max|want|, 1e-4·largest gradient). Prints one line and exits non-zero on a mismatch.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
from common import read_safetensors  # noqa: E402
import models  # noqa: E402
from pretrain import HEAD  # noqa: E402

torch.set_default_dtype(torch.float64)


def main():
    out, dump_path = sys.argv[1], sys.argv[2]
    cfg = json.load(open(os.path.join(out, "config.json")))
    run = json.load(open(os.path.join(out, "run.json")))
    w = read_safetensors(os.path.join(out, "model.safetensors"))
    dump = read_safetensors(dump_path)
    mt = cfg["model_type"]
    arch = {"bert": "bert", "distilbert": "distilbert"}.get(mt, "xlmr")
    if arch == "distilbert":
        c = dict(layers=cfg["n_layers"], hidden=cfg["dim"], heads=cfg["n_heads"], eps=1e-12)
    else:
        c = dict(layers=cfg["num_hidden_layers"], hidden=cfg["hidden_size"], heads=cfg["num_attention_heads"], eps=cfg.get("layer_norm_eps", 1e-12))
    H, nh = c["hidden"], c["heads"]
    dh = H // nh
    names = models.hf_names(arch, c["layers"])
    prefix = {"bert": "bert.", "xlmr": "roberta.", "distilbert": "distilbert."}[arch]
    lang_name = prefix + "embeddings.lang_type_embeddings.weight"
    if lang_name in w:
        names["embeddings.lang"] = lang_name
    p = {k: w[n].double().clone().requires_grad_() for k, n in names.items()}
    dense, ln, bias = HEAD[arch]
    head_names = [dense + ".weight", dense + ".bias", ln + ".weight", ln + ".bias", bias]
    h = {n: w[n].double().clone().requires_grad_() for n in head_names}
    k = 0
    parts = []
    while f"batch.{k}.input_ids" in dump:
        parts.append({n: dump[f"batch.{k}.{n}"] for n in ("input_ids", "position_ids", "attention_mask", "labels", "lang_ids") if f"batch.{k}.{n}" in dump})
        k += 1
    cat = lambda n: torch.cat([b[n] for b in parts]).round().long()  # noqa
    ids, pos, mask, labels = cat("input_ids"), cat("position_ids"), cat("attention_mask"), cat("labels")
    B, L = ids.shape
    x = p["embeddings.word"][ids] + p["embeddings.position"][pos]
    if "embeddings.token_type" in p:
        x = x + p["embeddings.token_type"][torch.zeros_like(ids)]
    if "embeddings.lang" in p and "lang_ids" in parts[0]:
        x = x + p["embeddings.lang"][cat("lang_ids")]
    lnf = lambda t, n: torch.nn.functional.layer_norm(t, (H,), p[n + ".weight"], p[n + ".bias"], c["eps"])  # noqa
    lin = lambda t, n: t @ p[n + ".weight"].t() + p[n + ".bias"]  # noqa
    x = lnf(x, "embeddings.ln")
    add_mask = (1.0 - mask.double())[:, None, None, :] * torch.finfo(torch.float32).min
    for i in range(c["layers"]):
        pre = f"layer.{i}."
        heads = lambda t: t.view(B, L, nh, dh).transpose(1, 2)  # noqa
        q, kk, v = heads(lin(x, pre + "attn.q")), heads(lin(x, pre + "attn.k")), heads(lin(x, pre + "attn.v"))
        a = torch.softmax((q @ kk.transpose(-1, -2)) / dh ** 0.5 + add_mask, dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(B, L, H)
        x = lnf(lin(ctx, pre + "attn.o") + x, pre + "attn_ln")
        x = lnf(lin(torch.nn.functional.gelu(lin(x, pre + "ffn.in")), pre + "ffn.out") + x, pre + "ffn_ln")
    y = torch.nn.functional.gelu(x @ h[dense + ".weight"].t() + h[dense + ".bias"])
    y = torch.nn.functional.layer_norm(y, (H,), h[ln + ".weight"], h[ln + ".bias"], c["eps"])
    logits = y @ p["embeddings.word"].t() + h[bias]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
    if run["objective"] == "align-mlm":
        d = dump["dictionary_ids"].round().long()
        V = run["vocab_per_language"]
        E = p["embeddings.word"]
        loss = loss + run["lambda"] * (-torch.nn.functional.cosine_similarity(E[d], E[d + V], dim=-1).mean())
    loss.backward()
    got = {}
    for kname, n in names.items():
        got[n] = p[kname].grad
    for n in head_names:
        got[n] = h[n].grad
    scale = max(t.abs().max().item() for t in got.values())
    worst = (0.0, "")
    checked = 0
    for n, want in got.items():
        have = dump.get("grad." + n)
        if have is None:
            print(f"FAIL the dump has no gradient of {n}")
            sys.exit(1)
        err = (have.double() - want).abs().max().item() / max(want.abs().max().item(), 1e-4 * scale)
        worst = max(worst, (err, n))
        checked += 1
    if worst[0] > 1e-3:
        print(f"FAIL gradient of {worst[1]}: relative error {worst[0]:.2e}")
        sys.exit(1)
    print(f"ok   {checked} gradients of {run['objective']} (loss {loss.item():.5f}) match torch, worst relative error {worst[0]:.1e} ({worst[1]})")


if __name__ == "__main__":
    main()
