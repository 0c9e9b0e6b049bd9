"""Checks that an `xlt pretrain` output directory is a Hugging Face *ForMaskedLM checkpoint.
Run: /usr/bin/python3 scripts/check_mlm_output.py OUT_DIR [--expect FILE]

1. config.json names a *ForMaskedLM architecture; model.safetensors holds exactly the tensor names HF's
   BertForMaskedLM / RobertaForMaskedLM / XLMRobertaForMaskedLM / DistilBertForMaskedLM declare (hard-coded
   below, transformers 4.x; the tied decoder weight may be absent: HF ties it to the word embeddings), with
   the shapes config.json implies. The authors' language embeddings (`use_lang_ids`) are allowed extra.
2. With `transformers` installed: AutoModelForMaskedLM.from_pretrained(OUT_DIR) must load with no missing
   or unexpected weight (other than the tied decoder and language embeddings), and (for a checkpoint without
   language embeddings, which HF's classes do not have) its logits must match check 3's reference.
3. The MLM forward in plain torch (scripts/golden/models.py's encoder + the head, decoder = word embeddings):
   with --expect FILE (input_ids, attention_mask [B, T] and logits [B, T, V], from xlt), the logits must
   match (max abs error <= 1e-3 relative to the largest logit); without it they must be finite.
Prints one line per check and exits non-zero on the first failure.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
from common import read_safetensors  # noqa: E402
import models  # noqa: E402

torch.set_default_dtype(torch.float64)


def expected_names(cfg):
    mt = cfg["model_type"]
    V = cfg["vocab_size"]
    if mt == "distilbert":
        H, F, L, P = cfg["dim"], cfg["hidden_dim"], cfg["n_layers"], cfg["max_position_embeddings"]
        e = {"distilbert.embeddings.word_embeddings.weight": [V, H], "distilbert.embeddings.position_embeddings.weight": [P, H],
             "distilbert.embeddings.LayerNorm.weight": [H], "distilbert.embeddings.LayerNorm.bias": [H]}
        for i in range(L):
            b = f"distilbert.transformer.layer.{i}."
            for n in ("q_lin", "k_lin", "v_lin", "out_lin"):
                e[b + f"attention.{n}.weight"] = [H, H]
                e[b + f"attention.{n}.bias"] = [H]
            for n in ("sa_layer_norm", "output_layer_norm"):
                e[b + n + ".weight"] = [H]
                e[b + n + ".bias"] = [H]
            e[b + "ffn.lin1.weight"], e[b + "ffn.lin1.bias"] = [F, H], [F]
            e[b + "ffn.lin2.weight"], e[b + "ffn.lin2.bias"] = [H, F], [H]
        e.update({"vocab_transform.weight": [H, H], "vocab_transform.bias": [H], "vocab_layer_norm.weight": [H],
                  "vocab_layer_norm.bias": [H], "vocab_projector.bias": [V]})
        return e, {"vocab_projector.weight"}, "distilbert."
    H, F, L, P = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"], cfg["max_position_embeddings"]
    p = "bert." if mt == "bert" else "roberta."
    e = {p + "embeddings.word_embeddings.weight": [V, H], p + "embeddings.position_embeddings.weight": [P, H],
         p + "embeddings.token_type_embeddings.weight": [cfg.get("type_vocab_size", 2), H],
         p + "embeddings.LayerNorm.weight": [H], p + "embeddings.LayerNorm.bias": [H]}
    for i in range(L):
        b = f"{p}encoder.layer.{i}."
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            e[b + n + ".weight"] = [H, H]
            e[b + n + ".bias"] = [H]
        for n in ("attention.output.LayerNorm", "output.LayerNorm"):
            e[b + n + ".weight"] = [H]
            e[b + n + ".bias"] = [H]
        e[b + "intermediate.dense.weight"], e[b + "intermediate.dense.bias"] = [F, H], [F]
        e[b + "output.dense.weight"], e[b + "output.dense.bias"] = [H, F], [H]
    if mt == "bert":
        e.update({"cls.predictions.transform.dense.weight": [H, H], "cls.predictions.transform.dense.bias": [H],
                  "cls.predictions.transform.LayerNorm.weight": [H], "cls.predictions.transform.LayerNorm.bias": [H],
                  "cls.predictions.bias": [V]})
        return e, {"cls.predictions.decoder.weight", "cls.predictions.decoder.bias"}, p
    e.update({"lm_head.dense.weight": [H, H], "lm_head.dense.bias": [H], "lm_head.layer_norm.weight": [H],
              "lm_head.layer_norm.bias": [H], "lm_head.bias": [V]})
    return e, {"lm_head.decoder.weight", "lm_head.decoder.bias"}, p


def fail(msg):
    print("FAIL", msg)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    if not args:
        fail("usage: check_mlm_output.py OUT_DIR [--expect FILE]")
    d = args[0]
    expect = args[args.index("--expect") + 1] if "--expect" in args else None
    cfg = json.load(open(os.path.join(d, "config.json")))
    arch_name = cfg.get("architectures", [""])[0]
    if not arch_name.endswith("ForMaskedLM"):
        fail(f"config.json architectures is {cfg.get('architectures')}, not *ForMaskedLM")
    t = read_safetensors(os.path.join(d, "model.safetensors"))
    want, tied, prefix = expected_names(cfg)
    extra = {prefix + "embeddings.lang_type_embeddings.weight"} if cfg.get("use_lang_ids") else set()
    missing = sorted(set(want) - set(t))
    unexpected = sorted(set(t) - set(want) - tied - extra)
    if missing:
        fail(f"missing tensors: {missing[:5]}")
    if unexpected:
        fail(f"unexpected tensors: {unexpected[:5]}")
    for n, s in want.items():
        if list(t[n].shape) != s:
            fail(f"{n} has shape {list(t[n].shape)}, {arch_name} needs {s}")
    print(f"ok   {arch_name}: {len(want)} tensors with HF's names and shapes")
    hf_model = None
    try:
        import transformers  # noqa: F401
        m, info = transformers.AutoModelForMaskedLM.from_pretrained(d, output_loading_info=True)
        bad = [k for k in [*info["missing_keys"], *info["unexpected_keys"]] if k not in tied and k not in extra and "position_ids" not in k]
        if bad:
            fail(f"transformers loads it with missing/unexpected weights: {bad[:5]}")
        print(f"ok   transformers {transformers.__version__} loads it as {type(m).__name__}")
        # HF's own classes have no language embeddings: their logits are comparable only without them
        hf_model = None if extra else m.eval()
    except ImportError:
        print("skip transformers is not installed: names and shapes checked against the list above")
    # the forward pass in plain torch
    arch = {"bert": "bert", "distilbert": "distilbert"}.get(cfg["model_type"], "xlmr")
    names = models.hf_names(arch, cfg["n_layers"] if arch == "distilbert" else cfg["num_hidden_layers"])
    p = {k: t[n].double() for k, n in names.items()}
    if arch == "distilbert":
        c = dict(layers=cfg["n_layers"], hidden=cfg["dim"], heads=cfg["n_heads"], eps=1e-12, pad=cfg.get("pad_token_id", 0))
        dense, ln, bias = "vocab_transform", "vocab_layer_norm", "vocab_projector.bias"
    else:
        c = dict(layers=cfg["num_hidden_layers"], hidden=cfg["hidden_size"], heads=cfg["num_attention_heads"], eps=cfg.get("layer_norm_eps", 1e-12),
                 pad=cfg.get("pad_token_id", 0 if arch == "bert" else 1))
        dense, ln, bias = (("cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.bias") if arch == "bert"
                           else ("lm_head.dense", "lm_head.layer_norm", "lm_head.bias"))
    if expect:
        e = read_safetensors(expect)
        ids, mask, want_logits = e["input_ids"].long(), e["attention_mask"].long(), e["logits"].double()
    else:
        ids = torch.tensor([[0, 5, 6, 7, 2]]) if arch == "xlmr" else torch.tensor([[2, 5, 6, 7, 3]])
        mask = torch.ones_like(ids)
        want_logits = None
    hs = models.encoder(p, c, arch, ids, mask, torch.zeros_like(ids))[-1]
    x = torch.nn.functional.gelu(hs @ t[dense + ".weight"].double().t() + t[dense + ".bias"].double())
    x = torch.nn.functional.layer_norm(x, (c["hidden"],), t[ln + ".weight"].double(), t[ln + ".bias"].double(), c["eps"])
    logits = x @ p["embeddings.word"].t() + t[bias].double()
    if not torch.isfinite(logits).all():
        fail("the MLM logits are not finite")
    if want_logits is not None:
        err = (logits - want_logits).abs().max().item() / max(want_logits.abs().max().item(), 1e-6)
        if err > 1e-3:
            fail(f"MLM logits differ from xlt's: relative error {err:.2e}")
        print(f"ok   MLM logits in plain torch match xlt's (relative error {err:.1e})")
    else:
        print(f"ok   MLM forward in plain torch: logits {list(logits.shape)}, finite")
    if hf_model is not None:
        with torch.no_grad():
            hf = hf_model.double()(input_ids=ids, attention_mask=mask).logits
        ref = want_logits if want_logits is not None else logits
        err = (hf - ref).abs().max().item() / max(ref.abs().max().item(), 1e-6)
        if err > 1e-3:
            fail(f"{type(hf_model).__name__}'s logits differ from {'xlt' if want_logits is not None else 'plain torch'}: relative error {err:.2e}")
        print(f"ok   {type(hf_model).__name__}'s logits match {'xlt' if want_logits is not None else 'plain torch'}'s (relative error {err:.1e})")


if __name__ == "__main__":
    main()
