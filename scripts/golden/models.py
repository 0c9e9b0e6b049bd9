"""Tiny BERT / DistilBERT / XLM-R checkpoints in the exact Hugging Face layout, plus PyTorch reference
outputs, for the TS loader/tokenizer/model tests.  Run: /usr/bin/python3 scripts/golden/models.py

The `transformers` package is not available, so the three encoders are written in plain torch, following
modeling_bert / modeling_roberta / modeling_distilbert: post-LN blocks, erf GELU, learned absolute
positions, XLM-R position ids = cumsum(ids != pad) * (ids != pad) + pad, DistilBERT without token types,
padded keys masked with finfo(float32).min.  All math is float64 on the F32-rounded stored weights.

Writes test/fixtures/tiny-{bert,distilbert,xlmr}/{config.json,model.safetensors,tokenizer.json,
reference.safetensors} and tiny-bert/model-{oldnames,f16}.safetensors (loader variants).

reference.safetensors holds
- `input_ids`, `attention_mask`, `token_type_ids` [3, L]: a padded batch of 3 sentences of different lengths,
  `hidden.{l}` [3, L, H] for l = 0..N (0 = embeddings output), dropout off;
- `tok.ids.{k}`, `tok.first.{k}`: encodeWords() result for every sentence of parallel-tiny.txt
  (k = 2*pair + side), max_length 96;
- the realignment reference (§1.1 strong contrastive loss, tau 0.1, hidden_states[N-1], first subword,
  projection head Linear(H,H,no bias) -> ReLU -> Linear(H,16,no bias)) for pairs REALIGN_PAIRS:
  `realign.{left,right}.{input_ids,attention_mask,first}`, `realign.links` [K,3] = (pair-in-batch,
  left word, right word), `realignment_head.{0,2}.weight`, `realign.loss` [1], and `grad.<checkpoint
  tensor name>` for every encoder parameter and the head (the last block's grads are 0: it is not on the
  loss path).  freeze=lower (blocks 0..N/2-1 frozen) leaves the trainable params' grads identical
  (freezing only stops updates), so one set of grads serves both; metadata `frozen_lower` lists them.
"""
import json
import math
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, write_safetensors  # noqa: E402
import tokenizer_json as tj  # noqa: E402

torch.set_default_dtype(torch.float64)
PAIRS = tj.read_parallel(os.path.join(FIXTURES, "parallel-tiny.txt"))
REF_SENTENCES = [(1, 0), (10, 1), (6, 1)]  # (pair, side) of the 3-sentence hidden-state batch
REALIGN_PAIRS = [0, 1, 5, 10]
REALIGN_LINKS = {0: [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)], 1: [(0, 0), (1, 2), (2, 5), (3, 4)],
                 5: [(0, 0), (1, 1), (3, 2)], 10: [(0, 0), (1, 1), (3, 6)]}
PROJ = 16
TAU = 0.1

CONFIGS = {
    "bert": dict(layers=4, hidden=32, heads=2, ffn=64, maxpos=64, types=2, eps=1e-12, pad=0),
    "distilbert": dict(layers=4, hidden=32, heads=2, ffn=64, maxpos=64, types=0, eps=1e-12, pad=0),
    "xlmr": dict(layers=4, hidden=48, heads=3, ffn=96, maxpos=66, types=1, eps=1e-5, pad=1),
}


def hf_names(arch, n_layers):
    """canonical name -> HF checkpoint name."""
    m = {}
    if arch == "distilbert":
        p = "distilbert."
        m["embeddings.word"] = p + "embeddings.word_embeddings.weight"
        m["embeddings.position"] = p + "embeddings.position_embeddings.weight"
        for wb in ("weight", "bias"):
            m["embeddings.ln." + wb] = p + "embeddings.LayerNorm." + wb
        for i in range(n_layers):
            b = f"{p}transformer.layer.{i}."
            for wb in ("weight", "bias"):
                for c, h in (("attn.q", "attention.q_lin"), ("attn.k", "attention.k_lin"), ("attn.v", "attention.v_lin"),
                             ("attn.o", "attention.out_lin"), ("attn_ln", "sa_layer_norm"), ("ffn.in", "ffn.lin1"),
                             ("ffn.out", "ffn.lin2"), ("ffn_ln", "output_layer_norm")):
                    m[f"layer.{i}.{c}.{wb}"] = f"{b}{h}.{wb}"
        return m
    p = "bert." if arch == "bert" else "roberta."
    m["embeddings.word"] = p + "embeddings.word_embeddings.weight"
    m["embeddings.position"] = p + "embeddings.position_embeddings.weight"
    m["embeddings.token_type"] = p + "embeddings.token_type_embeddings.weight"
    for wb in ("weight", "bias"):
        m["embeddings.ln." + wb] = p + "embeddings.LayerNorm." + wb
    for i in range(n_layers):
        b = f"{p}encoder.layer.{i}."
        for wb in ("weight", "bias"):
            for c, h in (("attn.q", "attention.self.query"), ("attn.k", "attention.self.key"),
                         ("attn.v", "attention.self.value"), ("attn.o", "attention.output.dense"),
                         ("attn_ln", "attention.output.LayerNorm"), ("ffn.in", "intermediate.dense"),
                         ("ffn.out", "output.dense"), ("ffn_ln", "output.LayerNorm")):
                m[f"layer.{i}.{c}.{wb}"] = f"{b}{h}.{wb}"
    return m


def shapes(c, V):
    H, F = c["hidden"], c["ffn"]
    s = {"embeddings.word": (V, H), "embeddings.position": (c["maxpos"], H), "embeddings.ln.weight": (H,),
         "embeddings.ln.bias": (H,)}
    if c["types"]:
        s["embeddings.token_type"] = (c["types"], H)
    for i in range(c["layers"]):
        for x in ("q", "k", "v", "o"):
            s[f"layer.{i}.attn.{x}.weight"] = (H, H)
            s[f"layer.{i}.attn.{x}.bias"] = (H,)
        s[f"layer.{i}.ffn.in.weight"] = (F, H)
        s[f"layer.{i}.ffn.in.bias"] = (F,)
        s[f"layer.{i}.ffn.out.weight"] = (H, F)
        s[f"layer.{i}.ffn.out.bias"] = (H,)
        for ln in ("attn_ln", "ffn_ln"):
            s[f"layer.{i}.{ln}.weight"] = (H,)
            s[f"layer.{i}.{ln}.bias"] = (H,)
    return s


def init_param(name, shape, g):
    """LN weights 1 + noise, biases small noise, matrices N(0, 0.1) (larger than HF's 0.02 so attention is far
    from uniform and layout/scaling bugs show); rounded to f32 since that is what the checkpoint stores."""
    if name.endswith("ln.weight") or name.endswith("_ln.weight"):
        t = 1.0 + 0.1 * torch.randn(shape, generator=g)
    elif name.endswith("bias"):
        t = 0.05 * torch.randn(shape, generator=g)
    elif name.startswith("embeddings."):
        t = 0.5 * torch.randn(shape, generator=g)
    else:
        t = 0.1 * torch.randn(shape, generator=g)
    return t.float().double()


def encoder(p, c, arch, ids, mask, types):
    """Returns hidden_states (embeddings, block 1..N) like output_hidden_states=True."""
    B, L = ids.shape
    H, nh = c["hidden"], c["heads"]
    dh = H // nh
    if arch == "xlmr":
        nz = (ids != c["pad"]).long()
        pos = torch.cumsum(nz, dim=1) * nz + c["pad"]
    else:
        pos = torch.arange(L).unsqueeze(0).expand(B, L)
    x = p["embeddings.word"][ids] + p["embeddings.position"][pos]
    if arch != "distilbert":
        x = x + p["embeddings.token_type"][types]
    ln = lambda t, n: torch.nn.functional.layer_norm(t, (H,), p[n + ".weight"], p[n + ".bias"], c["eps"])  # noqa
    lin = lambda t, n: t @ p[n + ".weight"].t() + p[n + ".bias"]  # noqa
    x = ln(x, "embeddings.ln")
    hs = [x]
    add_mask = (1.0 - mask.double())[:, None, None, :] * torch.finfo(torch.float32).min
    for i in range(c["layers"]):
        pre = f"layer.{i}."
        heads = lambda t: t.view(B, L, nh, dh).transpose(1, 2)  # noqa
        q, k, v = heads(lin(x, pre + "attn.q")), heads(lin(x, pre + "attn.k")), heads(lin(x, pre + "attn.v"))
        if arch == "distilbert":
            s = (q / math.sqrt(dh)) @ k.transpose(-1, -2)
        else:
            s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        a = torch.softmax(s + add_mask, dim=-1)
        ctx = (a @ v).transpose(1, 2).reshape(B, L, H)
        x = ln(lin(ctx, pre + "attn.o") + x, pre + "attn_ln")
        h = torch.nn.functional.gelu(lin(x, pre + "ffn.in"))
        x = ln(lin(h, pre + "ffn.out") + x, pre + "ffn_ln")
        hs.append(x)
    return hs


def pad_batch(seqs, pad):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def config_json(arch, c, V):
    if arch == "distilbert":
        return {"activation": "gelu", "architectures": ["DistilBertForMaskedLM"], "attention_dropout": 0.1,
                "dim": c["hidden"], "dropout": 0.1, "hidden_dim": c["ffn"], "initializer_range": 0.02,
                "max_position_embeddings": c["maxpos"], "model_type": "distilbert", "n_heads": c["heads"],
                "n_layers": c["layers"], "output_past": True, "pad_token_id": c["pad"], "qa_dropout": 0.1,
                "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": False, "tie_weights_": True,
                "torch_dtype": "float32", "transformers_version": "4.40.0", "vocab_size": V}
    d = {"architectures": ["BertForMaskedLM" if arch == "bert" else "XLMRobertaForMaskedLM"],
         "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": "gelu",
         "hidden_dropout_prob": 0.1, "hidden_size": c["hidden"], "initializer_range": 0.02,
         "intermediate_size": c["ffn"], "layer_norm_eps": c["eps"], "max_position_embeddings": c["maxpos"],
         "model_type": "bert" if arch == "bert" else "xlm-roberta", "num_attention_heads": c["heads"],
         "num_hidden_layers": c["layers"], "pad_token_id": c["pad"], "position_embedding_type": "absolute",
         "torch_dtype": "float32", "transformers_version": "4.40.0", "type_vocab_size": c["types"],
         "use_cache": True, "vocab_size": V}
    if arch == "xlmr":
        d.update(bos_token_id=0, eos_token_id=2)
    return d


def extra_tensors(arch, c, V, g):
    """Heads and buffers a real checkpoint carries next to the encoder (loaders must ignore them)."""
    H = c["hidden"]
    r = lambda *s: (0.02 * torch.randn(s, generator=g)).float()  # noqa
    if arch == "bert":
        return {"bert.embeddings.position_ids": torch.arange(c["maxpos"]).unsqueeze(0),
                "bert.pooler.dense.weight": r(H, H), "bert.pooler.dense.bias": r(H),
                "cls.predictions.bias": r(V), "cls.predictions.transform.dense.weight": r(H, H),
                "cls.predictions.transform.dense.bias": r(H), "cls.predictions.transform.LayerNorm.weight": r(H) + 1,
                "cls.predictions.transform.LayerNorm.bias": r(H)}
    if arch == "distilbert":
        return {"vocab_transform.weight": r(H, H), "vocab_transform.bias": r(H), "vocab_layer_norm.weight": r(H) + 1,
                "vocab_layer_norm.bias": r(H), "vocab_projector.bias": r(V)}
    return {"lm_head.bias": r(V), "lm_head.dense.weight": r(H, H), "lm_head.dense.bias": r(H),
            "lm_head.layer_norm.weight": r(H) + 1, "lm_head.layer_norm.bias": r(H)}


def realign(p, c, arch, enc, g):
    """§1.1 strong contrastive loss; returns (tensors, metadata)."""
    H, N = c["hidden"], c["layers"]
    pairs = [PAIRS[i] for i in REALIGN_PAIRS]
    out, meta = {}, {}
    feats = {}
    head0 = (0.2 * torch.randn(H, H, generator=g)).float().double().requires_grad_()
    head2 = (0.2 * torch.randn(PROJ, H, generator=g)).float().double().requires_grad_()
    for side, si in (("left", 0), ("right", 1)):
        encs = [enc(pr[si]) for pr in pairs]
        ids, mask = pad_batch([e[0] for e in encs], c["pad"])
        maxw = max(len(pr[si]) for pr in pairs)
        first = torch.full((len(pairs), maxw), -1, dtype=torch.long)
        for b, e in enumerate(encs):
            first[b, : len(e[1])] = torch.tensor(e[1])
        hs = enc_forward(p, c, arch, ids, mask)
        vecs = []
        for b in range(len(pairs)):
            for w in range(maxw):
                if first[b, w] >= 0:
                    vecs.append(hs[N - 1][b, first[b, w]])
        feats[side] = torch.stack(vecs)
        out[f"realign.{side}.input_ids"] = ids.int()
        out[f"realign.{side}.attention_mask"] = mask.int()
        out[f"realign.{side}.first"] = first.int()
        meta[f"realign_{side}_words"] = json.dumps([pr[si] for pr in pairs], ensure_ascii=False)
    proj = lambda t: torch.relu(t @ head0.t()) @ head2.t()  # noqa
    A, Bv = proj(feats["left"]), proj(feats["right"])
    ML = A.shape[0]
    # global word index of (pair, word) on each side (all words kept: nothing is truncated here)
    offL, offR, links = [0], [0], []
    for b, pr in enumerate(pairs):
        offL.append(offL[-1] + len(pr[0]))
        offR.append(offR[-1] + len(pr[1]))
    for b, pi in enumerate(REALIGN_PAIRS):
        for lw, rw in REALIGN_LINKS[pi]:
            links.append((b, lw, rw))
    li = torch.tensor([offL[b] + lw for b, lw, _ in links])
    ri = torch.tensor([offR[b] + rw for b, _, rw in links])
    C = torch.nn.functional.normalize(torch.cat([A, Bv]), dim=-1)
    Q = torch.nn.functional.normalize(torch.cat([A[li], Bv[ri]]), dim=-1)
    S = Q @ C.t() / TAU
    selfidx = torch.cat([li, ML + ri])
    target = torch.cat([ML + ri, li])
    S = S.masked_fill(torch.nn.functional.one_hot(selfidx, C.shape[0]).bool(), -1e6)
    loss = torch.nn.functional.nll_loss(torch.log_softmax(S, dim=-1), target)
    loss.backward()
    out["realign.links"] = torch.tensor(links, dtype=torch.int32)
    out["realignment_head.0.weight"] = head0.detach()
    out["realignment_head.2.weight"] = head2.detach()
    out["realign.loss"] = loss.detach().reshape(1)
    out["grad.realignment_head.0.weight"] = head0.grad
    out["grad.realignment_head.2.weight"] = head2.grad
    meta.update(tau=TAU, proj_dim=PROJ, layer=N - 1, pairs=json.dumps(REALIGN_PAIRS),
                links="(pair-in-batch, left word, right word)", loss=repr(loss.item()))
    return out, meta


def enc_forward(p, c, arch, ids, mask):
    return encoder(p, c, arch, ids, mask, torch.zeros_like(ids))


def build(arch, vocab, tok_json):
    c = CONFIGS[arch]
    V = len(vocab)
    d = os.path.join(FIXTURES, "tiny-" + arch)
    os.makedirs(d, exist_ok=True)
    g = torch.Generator().manual_seed({"bert": 1, "distilbert": 2, "xlmr": 3}[arch])
    names = hf_names(arch, c["layers"])
    p = {k: init_param(k, s, g) for k, s in shapes(c, V).items()}
    extras = extra_tensors(arch, c, V, g)
    ckpt = {names[k]: v for k, v in p.items()}
    ckpt.update(extras)
    ckpt = dict(sorted(ckpt.items()))  # HF writes names sorted
    write_safetensors(os.path.join(d, "model.safetensors"), ckpt, {"format": "pt"})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config_json(arch, c, V), f, indent=2)
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok_json, f, ensure_ascii=False, indent=2)
    kind = "xlmr" if arch == "xlmr" else "bert"
    enc = lambda words: tj.encode_words(words, kind, vocab, 96)  # noqa
    ref, meta = {}, {"arch": arch}
    # hidden states of a padded batch of 3
    seqs = [enc(PAIRS[pi][si])[0] for pi, si in REF_SENTENCES]
    ids, mask = pad_batch(seqs, c["pad"])
    with torch.no_grad():
        hs = enc_forward(p, c, arch, ids, mask)
    ref["input_ids"], ref["attention_mask"], ref["token_type_ids"] = ids.int(), mask.int(), torch.zeros_like(ids).int()
    for l, h in enumerate(hs):
        ref[f"hidden.{l}"] = h
    meta["ref_sentences"] = json.dumps([PAIRS[pi][si] for pi, si in REF_SENTENCES], ensure_ascii=False)
    # tokenization of every fixture sentence
    for k in range(2 * len(PAIRS)):
        i, f = enc(PAIRS[k // 2][k % 2])
        ref[f"tok.ids.{k}"] = torch.tensor(i, dtype=torch.int32)
        ref[f"tok.first.{k}"] = torch.tensor(f, dtype=torch.int32)
    # realignment loss and grads
    for v in p.values():
        v.requires_grad_()
    rr, rm = realign(p, c, arch, enc, g)
    ref.update(rr)
    meta.update(rm)
    for k, v in p.items():
        ref["grad." + names[k]] = v.grad if v.grad is not None else torch.zeros_like(v)
    frozen = [names[k] for k in p if k.startswith("layer.") and int(k.split(".")[1]) < c["layers"] // 2]
    meta["frozen_lower"] = json.dumps(frozen)
    meta["freeze_note"] = ("freeze=lower: blocks 0..N/2-1 frozen; grads of the trainable params equal the "
                           "freeze=none grads stored here (freezing only stops updates)")
    write_safetensors(os.path.join(d, "reference.safetensors"), ref, meta)
    if arch == "bert":
        # loader variants: old gamma/beta LayerNorm names without the `bert.` prefix; F16 (+ one BF16) copy
        old = {}
        for k, v in ckpt.items():
            k2 = k[len("bert."):] if k.startswith("bert.") else k
            if "LayerNorm" in k2:
                k2 = k2.replace(".weight", ".gamma").replace(".bias", ".beta")
            old[k2] = v
        write_safetensors(os.path.join(d, "model-oldnames.safetensors"), old, {"format": "pt"})
        half = {}
        for k, v in ckpt.items():
            if not v.is_floating_point():
                half[k] = v
            elif k.startswith("bert.embeddings.LayerNorm"):
                half[k] = v.float().bfloat16()
            else:
                half[k] = v.float().half()
        write_safetensors(os.path.join(d, "model-f16.safetensors"), half, {"format": "pt"})
    print(arch, "V", V, "loss", rm["loss"], "sizes", {f: os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)})


def main():
    bv = tj.build_bert_vocab(PAIRS)
    build("bert", bv, tj.bert_tokenizer_json(bv))
    build("distilbert", bv, tj.bert_tokenizer_json(bv))
    pieces = tj.build_xlmr_pieces(PAIRS)
    build("xlmr", pieces, tj.xlmr_tokenizer_json(pieces))
    for w in ["xylophone", "Xylophon", "☃", "schläft", "J", "..."]:
        print(w, tj.encode_words([w], "bert", bv)[0], tj.encode_words([w], "xlmr", pieces)[0])


if __name__ == "__main__":
    main()
