"""Realignment reference WITHOUT the projection head (`xlt realign --projection none`): the §1.1 strong
contrastive loss directly on the first-subword vectors of hidden_states[N-1], for the same batch, links and
tiny checkpoints as scripts/golden/models.py (run that first). Writes
test/fixtures/tiny-{bert,distilbert,xlmr}/reference-nohead.safetensors: `realign.loss` and
`grad.<checkpoint tensor name>` of every encoder parameter (dropout off).
Run: /usr/bin/python3 scripts/golden/realign_nohead.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models as M  # noqa: E402
from common import FIXTURES, read_safetensors, write_safetensors  # noqa: E402
import tokenizer_json as tj  # noqa: E402


def build(arch, vocab):
    c = M.CONFIGS[arch]
    d = os.path.join(FIXTURES, "tiny-" + arch)
    names = M.hf_names(arch, c["layers"])
    stored = read_safetensors(os.path.join(d, "model.safetensors"))
    p = {k: stored[names[k]].double().requires_grad_() for k in M.shapes(c, len(vocab))}
    kind = "xlmr" if arch == "xlmr" else "bert"
    enc = lambda words: tj.encode_words(words, kind, vocab, 96)  # noqa
    N = c["layers"]
    pairs = [M.PAIRS[i] for i in M.REALIGN_PAIRS]
    feats = {}
    for side, si in (("left", 0), ("right", 1)):
        encs = [enc(pr[si]) for pr in pairs]
        ids, mask = M.pad_batch([e[0] for e in encs], c["pad"])
        hs = M.enc_forward(p, c, arch, ids, mask)
        feats[side] = torch.stack([hs[N - 1][b, f] for b, e in enumerate(encs) for f in e[1]])
    A, Bv = feats["left"], feats["right"]
    ML = A.shape[0]
    offL, offR = [0], [0]
    for pr in pairs:
        offL.append(offL[-1] + len(pr[0]))
        offR.append(offR[-1] + len(pr[1]))
    links = [(b, lw, rw) for b, pi in enumerate(M.REALIGN_PAIRS) for lw, rw in M.REALIGN_LINKS[pi]]
    li = torch.tensor([offL[b] + lw for b, lw, _ in links])
    ri = torch.tensor([offR[b] + rw for b, _, rw in links])
    C = torch.nn.functional.normalize(torch.cat([A, Bv]), dim=-1)
    Q = torch.nn.functional.normalize(torch.cat([A[li], Bv[ri]]), dim=-1)
    S = Q @ C.t() / M.TAU
    selfidx = torch.cat([li, ML + ri])
    target = torch.cat([ML + ri, li])
    S = S.masked_fill(torch.nn.functional.one_hot(selfidx, C.shape[0]).bool(), -1e6)
    loss = torch.nn.functional.nll_loss(torch.log_softmax(S, dim=-1), target)
    loss.backward()
    ref = {"realign.loss": loss.detach().reshape(1)}
    for k, v in p.items():
        ref["grad." + names[k]] = v.grad if v.grad is not None else torch.zeros_like(v)
    write_safetensors(os.path.join(d, "reference-nohead.safetensors"), ref, {"arch": arch, "loss": repr(loss.item()), "projection": "none"})
    print(arch, "loss", loss.item())


def main():
    bv = tj.build_bert_vocab(M.PAIRS)
    build("bert", bv)
    build("distilbert", bv)
    build("xlmr", tj.build_xlmr_pieces(M.PAIRS))


if __name__ == "__main__":
    main()
