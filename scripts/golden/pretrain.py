"""MLM heads with the decoder tied to the word embeddings, and the pre-training objectives' losses and
gradients, in plain torch on the tiny encoders of models.py (dropout off, float64 on the stored f32 weights).
Run: /usr/bin/python3 scripts/golden/pretrain.py   (after models.py has written test/fixtures/tiny-*)

For each arch in bert / xlmr / distilbert, one fixed padded batch of 3 sequences with fixed labels
(-100 except at the "selected" positions; the inputs there already corrupted as the collator would):
  head = dense -> GELU (erf) -> LayerNorm -> E^T + bias   (HF BertLMPredictionHead / RobertaLMHead /
         DistilBertForMaskedLM), E = the word-embedding table itself (tied: one tensor, both uses' gradients)
  mlm  = F.cross_entropy(logits, labels, ignore_index=-100)   (mean over the labelled positions)
  align (bert, xlmr) = mlm + LAMBDA * (-mean_i cos(E[d_i], E[d_i + V]))  with V = rows // 2 (the table read
         as the 2V table of an original + derived vocabulary) and the dictionary DICT (ids in [3, V)),
         torch.nn.functional.cosine_similarity (eps 1e-8) as ALIGN-MLM's RobertaForMaskedLM.

Stored in test/fixtures/pretrain.safetensors, prefix `{arch}.`: input_ids, attention_mask, labels [B, T]
(I32), `{obj}.loss` [1] and `{obj}.grad.<HF name>` for the head tensors, the word embeddings and a subset of
encoder tensors (obj = mlm, align); `align.term` [1] = -LAMBDA * mean cos, `align.dict` (I32).
The head tensors are the checkpoint's own (models.py wrote them next to the encoder).

XLM / DICT-MLM batches (bert, xlmr), prefix `{arch}.lang.`: packed rows with padding, explicit position ids
and language ids added from a [4, H] language-embedding table (`lang_table`; ids 2 original, 3 derived,
1 padding): row 0 a TLM row (originals in the first half, their derived twins in the second, positions
restarting), row 1 a packed original row where two selected positions show their translation (id + V) with
language id 3 and the original label (DICT-MLM), row 2 a derived row. Stored: input_ids, attention_mask,
position_ids, lang_ids, labels, lang_table, loss, grad.<HF name> (the language table as
`grad.embeddings.lang`).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, fixture_path, read_safetensors, write_safetensors  # noqa: E402
import models  # noqa: E402

torch.set_default_dtype(torch.float64)
LENGTHS = [9, 6, 11]
LAMBDA = 10.0

HEAD = {
    "bert": ("cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.bias"),
    "xlmr": ("lm_head.dense", "lm_head.layer_norm", "lm_head.bias"),
    "distilbert": ("vocab_transform", "vocab_layer_norm", "vocab_projector.bias"),
}


def main():
    out = {}
    g = torch.Generator().manual_seed(4321)
    for arch in ("bert", "xlmr", "distilbert"):
        c = models.CONFIGS[arch]
        N, H = c["layers"], c["hidden"]
        d = os.path.join(FIXTURES, "tiny-" + arch)
        ck = read_safetensors(os.path.join(d, "model.safetensors"))
        names = models.hf_names(arch, N)
        R = ck[names["embeddings.word"]].shape[0]
        V = R // 2
        dense, ln, bias = HEAD[arch]
        head_names = [dense + ".weight", dense + ".bias", ln + ".weight", ln + ".bias", bias]
        seqs = [torch.randint(5, V, (n,), generator=g).tolist() for n in LENGTHS]
        ids, mask = models.pad_batch(seqs, c["pad"])
        B, T = ids.shape
        labels = torch.full((B, T), -100, dtype=torch.long)
        # selected positions (never the first/last special or padding); some show <mask>, one a random id
        for b, ts in enumerate([[1, 4, 7], [2], [1, 3, 5, 8, 9]]):
            for t in ts:
                labels[b, t] = ids[b, t]
                ids[b, t] = 3
        labels[2, 5] = 2 * V - 7  # a derived-language target: the tied rows above V get softmax gradient too
        ids[2, 8] = 11  # a random replacement
        dict_ids = torch.tensor([3, 5, 8, 13, 21, 34, 40, 55][: 8 if V > 56 else 6])
        out[arch + ".input_ids"] = ids.int()
        out[arch + ".attention_mask"] = mask.int()
        out[arch + ".labels"] = labels.int()
        out[arch + ".align.dict"] = dict_ids.int()
        subset = ["embeddings.word", "embeddings.position", "embeddings.ln.weight", "layer.0.attn.q.weight", f"layer.{N - 1}.ffn_ln.bias"]
        for obj in ("mlm", "align") if arch != "distilbert" else ("mlm",):
            p = {k: ck[n].double().clone().requires_grad_() for k, n in names.items()}
            h = {n: ck[n].double().clone().requires_grad_() for n in head_names}
            hs = models.enc_forward(p, c, arch, ids, mask)[-1]
            x = torch.nn.functional.gelu(hs @ h[dense + ".weight"].t() + h[dense + ".bias"])
            x = torch.nn.functional.layer_norm(x, (H,), h[ln + ".weight"], h[ln + ".bias"], c["eps"])
            logits = x @ p["embeddings.word"].t() + h[bias]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, R), labels.reshape(-1), ignore_index=-100)
            if obj == "align":
                E = p["embeddings.word"]
                cos = torch.nn.functional.cosine_similarity(E[dict_ids], E[dict_ids + V], dim=-1)
                term = LAMBDA * (-cos.mean())
                out[arch + ".align.term"] = term.detach().reshape(1)
                loss = loss + term
            loss.backward()
            out[f"{arch}.{obj}.loss"] = loss.detach().reshape(1)
            for n in head_names:
                out[f"{arch}.{obj}.grad.{n}"] = h[n].grad
            for k in subset:
                out[f"{arch}.{obj}.grad.{names[k]}"] = p[k].grad
            print(arch, obj, "loss", loss.item())
    for arch in ("bert", "xlmr"):
        lang_case(arch, g, out)
    path = fixture_path("pretrain")
    write_safetensors(path, out, {"lambda": LAMBDA, "lengths": str(LENGTHS)})
    print("wrote", path, os.path.getsize(path), "bytes")



def encoder_explicit(p, c, arch, ids, mask, pos, lang, lang_table):
    """models.encoder with explicit position ids and language embeddings added before the LayerNorm."""
    B, L = ids.shape
    H, nh = c["hidden"], c["heads"]
    dh = H // nh
    x = p["embeddings.word"][ids] + p["embeddings.position"][pos] + p["embeddings.token_type"][torch.zeros_like(ids)] + lang_table[lang]
    ln = lambda t, n: torch.nn.functional.layer_norm(t, (H,), p[n + ".weight"], p[n + ".bias"], c["eps"])  # noqa
    lin = lambda t, n: t @ p[n + ".weight"].t() + p[n + ".bias"]  # noqa
    x = ln(x, "embeddings.ln")
    add_mask = (1.0 - mask.double())[:, None, None, :] * torch.finfo(torch.float32).min
    for i in range(c["layers"]):
        pre = f"layer.{i}."
        heads = lambda t: t.view(B, L, nh, dh).transpose(1, 2)  # noqa
        q, k, v = heads(lin(x, pre + "attn.q")), heads(lin(x, pre + "attn.k")), heads(lin(x, pre + "attn.v"))
        a = torch.softmax((q @ k.transpose(-1, -2)) / dh ** 0.5 + add_mask, dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(B, L, H)
        x = ln(lin(ctx, pre + "attn.o") + x, pre + "attn_ln")
        x = ln(lin(torch.nn.functional.gelu(lin(x, pre + "ffn.in")), pre + "ffn.out") + x, pre + "ffn_ln")
    return x


def lang_case(arch, g, out):
    c = models.CONFIGS[arch]
    N, H = c["layers"], c["hidden"]
    d = os.path.join(FIXTURES, "tiny-" + arch)
    ck = read_safetensors(os.path.join(d, "model.safetensors"))
    names = models.hf_names(arch, N)
    R = ck[names["embeddings.word"]].shape[0]
    V = R // 2
    pad = c["pad"]
    off = pad + 1 if arch == "xlmr" else 0
    T = 16
    bos, eos = (0, 2) if arch == "xlmr" else (2, 3)
    sent = lambda n: [bos] + torch.randint(5, V, (n,), generator=g).tolist() + [eos]  # noqa
    ids = torch.full((3, T), pad, dtype=torch.long)
    pos = torch.full((3, T), max(0, off - 1), dtype=torch.long)
    lang = torch.full((3, T), 1, dtype=torch.long)
    # row 0: TLM, a 5-token sentence and its derived twin (ids + V except the specials)
    a = sent(3)
    b = [t if t in (bos, eos) else t + V for t in a]
    for t, (x, y) in enumerate(zip(a, b)):
        ids[0, t], pos[0, t], lang[0, t] = x, off + t, 2
        ids[0, T // 2 + t], pos[0, T // 2 + t], lang[0, T // 2 + t] = y, off + t, 3
    # row 1: two original sentences packed; row 2: one derived sentence
    r1 = sent(4) + sent(5)
    r2 = [t if t in (bos, eos) else t + V for t in sent(8)]
    for row, seq, lg in ((1, r1, 2), (2, r2, 3)):
        for t, x in enumerate(seq):
            ids[row, t], pos[row, t], lang[row, t] = x, off + t, lg
    mask = (ids != pad).long()
    mask[0] = (lang[0] != 1).long()
    labels = torch.full((3, T), -100, dtype=torch.long)
    for row, t in ((0, 1), (0, T // 2 + 2), (1, 2), (1, 8), (2, 3), (2, 5)):
        labels[row, t] = ids[row, t]
        ids[row, t] = 3
    for t in (4, 9):  # DICT-MLM: the translation shown, language flipped, the original id the label
        labels[1, t] = ids[1, t]
        ids[1, t] = ids[1, t] + V
        lang[1, t] = 3
    lang_table = (0.02 * torch.randn((4, H), generator=g)).float().double().requires_grad_()
    p = {k: ck[n].double().clone().requires_grad_() for k, n in names.items()}
    dense, ln, bias = HEAD[arch]
    head_names = [dense + ".weight", dense + ".bias", ln + ".weight", ln + ".bias", bias]
    h = {n: ck[n].double().clone().requires_grad_() for n in head_names}
    hs = encoder_explicit(p, c, arch, ids, mask, pos, lang, lang_table)
    x = torch.nn.functional.gelu(hs @ h[dense + ".weight"].t() + h[dense + ".bias"])
    x = torch.nn.functional.layer_norm(x, (H,), h[ln + ".weight"], h[ln + ".bias"], c["eps"])
    logits = x @ p["embeddings.word"].t() + h[bias]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, R), labels.reshape(-1), ignore_index=-100)
    loss.backward()
    pre = arch + ".lang."
    for k, v in (("input_ids", ids), ("attention_mask", mask), ("position_ids", pos), ("lang_ids", lang), ("labels", labels)):
        out[pre + k] = v.int()
    out[pre + "lang_table"] = lang_table.detach().clone()
    out[pre + "loss"] = loss.detach().reshape(1)
    out[pre + "grad.embeddings.lang"] = lang_table.grad
    for n in head_names:
        out[pre + "grad." + n] = h[n].grad
    for k in ("embeddings.word", "embeddings.position", "embeddings.ln.weight", "layer.0.attn.k.weight", f"layer.{N - 1}.ffn.in.bias"):
        out[pre + "grad." + names[k]] = p[k].grad
    print(arch, "xlm/dict-mlm batch loss", loss.item())


if __name__ == "__main__":
    main()
