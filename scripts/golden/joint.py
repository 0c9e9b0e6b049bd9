"""Realignment during fine-tuning (Gaschi et al. 2023 "during", method spec §1.2), in plain torch on tiny-bert:
the gradient of  task_loss + 0.1 * realign_loss  on one fixed task batch and one fixed realignment batch,
dropout off, then one torch.optim.Adam step over encoder + task head + realignment head.
Run: /usr/bin/python3 scripts/golden/joint.py   (after models.py has written test/fixtures/tiny-bert)

- task: POS-style token head (dropout off + Linear(H, 5)) on hidden_states[N], labels [B, T] with -100 on the
  special tokens, padding and two words; loss = F.cross_entropy(..., ignore_index=-100);
- realignment: the batch, links and projection head of tiny-bert/reference.safetensors (models.py: the §1.1
  strong contrastive loss, tau 0.1, hidden_states[N-1], first subword, head H->H->ReLU->16 without bias);
- freeze=lower (AlignFreeze's during_partial_freeze): the realignment grads of blocks 0..N/2-1 are dropped, so
  their grads are the task's alone; every other grad equals freeze=none's.

Writes test/fixtures/joint.safetensors (F32; integers I32):
  task.input_ids, task.attention_mask, task.labels [B, T]; head.classifier.{weight,bias};
  realign.{left,right}.{input_ids,attention_mask,first}, realign.links [K,3], realignment_head.{0,2}.weight;
  loss.task, loss.realign, loss.joint [1];
  none.grad.<name> for every encoder tensor (checkpoint names), classifier.* and realignment_head.*;
  lower.grad.<name> for the tensors of the frozen blocks (task-only gradients);
  after.<name> for AFTER after one Adam step (lr 1e-3) from the freeze=none gradients.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, fixture_path, read_safetensors, write_safetensors  # noqa: E402
import models as M  # noqa: E402

torch.set_default_dtype(torch.float64)
WEIGHT = 0.1
LR = 1e-3
C = 5
LENGTHS = [6, 9, 5]
ARCH = "bert"


def main():
    c = M.CONFIGS[ARCH]
    N, H = c["layers"], c["hidden"]
    d = os.path.join(FIXTURES, "tiny-" + ARCH)
    ck = read_safetensors(os.path.join(d, "model.safetensors"))
    ref = read_safetensors(os.path.join(d, "reference.safetensors"))
    names = M.hf_names(ARCH, N)
    V = ck[names["embeddings.word"]].shape[0]
    p = {k: ck[n].double().clone().requires_grad_() for k, n in names.items()}
    g = torch.Generator().manual_seed(77)
    out = {}

    # the task batch
    seqs = [[2] + torch.randint(5, V, (n - 2,), generator=g).tolist() + [3] for n in LENGTHS]
    ids, mask = M.pad_batch(seqs, c["pad"])
    B, T = ids.shape
    labels = torch.randint(0, C, (B, T), generator=g)
    labels[mask == 0] = -100
    labels[:, 0] = -100
    for b, n in enumerate(LENGTHS):
        labels[b, n - 1] = -100
    labels[0, 2] = -100
    labels[1, 4] = -100
    head = {"classifier.weight": (0.2 * torch.randn(C, H, generator=g)).float().double().requires_grad_(),
            "classifier.bias": (0.05 * torch.randn(C, generator=g)).float().double().requires_grad_()}
    logits = M.enc_forward(p, c, ARCH, ids, mask)[-1] @ head["classifier.weight"].t() + head["classifier.bias"]
    task_loss = torch.nn.functional.cross_entropy(logits.reshape(-1, C), labels.reshape(-1), ignore_index=-100)

    # the realignment batch of the reference fixture
    rh = {n: ref[n].double().clone().requires_grad_() for n in ("realignment_head.0.weight", "realignment_head.2.weight")}
    feats, nwords = {}, {}
    for side in ("left", "right"):
        sids = ref[f"realign.{side}.input_ids"].long()
        smask = ref[f"realign.{side}.attention_mask"].long()
        first = ref[f"realign.{side}.first"].long()
        hs = M.enc_forward(p, c, ARCH, sids, smask)[N - 1]
        feats[side] = torch.stack([hs[b, first[b, w]] for b in range(first.shape[0]) for w in range(first.shape[1]) if first[b, w] >= 0])
        nwords[side] = [int((first[b] >= 0).sum()) for b in range(first.shape[0])]
        for k in ("input_ids", "attention_mask", "first"):
            out[f"realign.{side}.{k}"] = ref[f"realign.{side}.{k}"]
    proj = lambda t: torch.relu(t @ rh["realignment_head.0.weight"].t()) @ rh["realignment_head.2.weight"].t()  # noqa
    A, Bv = proj(feats["left"]), proj(feats["right"])
    ML = A.shape[0]
    offL, offR = [0], [0]
    for nl, nr in zip(nwords["left"], nwords["right"]):
        offL.append(offL[-1] + nl)
        offR.append(offR[-1] + nr)
    links = ref["realign.links"].long()
    li = torch.tensor([offL[b] + lw for b, lw, _ in links.tolist()])
    ri = torch.tensor([offR[b] + rw for b, _, rw in links.tolist()])
    Cn = torch.nn.functional.normalize(torch.cat([A, Bv]), dim=-1)
    Q = torch.nn.functional.normalize(torch.cat([A[li], Bv[ri]]), dim=-1)
    S = (Q @ Cn.t() / M.TAU).masked_fill(torch.nn.functional.one_hot(torch.cat([li, ML + ri]), Cn.shape[0]).bool(), -1e6)
    realign_loss = torch.nn.functional.nll_loss(torch.log_softmax(S, dim=-1), torch.cat([ML + ri, li]))
    assert abs(realign_loss.item() - ref["realign.loss"].item()) < 1e-5 * abs(ref["realign.loss"].item()), "realignment batch differs from models.py"

    # freeze=lower: the frozen blocks' grads are the task's alone
    frozen = [k for k in p if k.startswith("layer.") and int(k.split(".")[1]) < N // 2]
    task_only = torch.autograd.grad(task_loss, [p[k] for k in frozen], retain_graph=True)
    joint = task_loss + WEIGHT * realign_loss
    joint.backward()

    out["task.input_ids"], out["task.attention_mask"], out["task.labels"] = ids.int(), mask.int(), labels.int()
    out["realign.links"] = ref["realign.links"]
    for n, t in head.items():
        out["head." + n] = t.detach().clone()
    for n, t in rh.items():
        out[n] = t.detach().clone()
    out["loss.task"] = task_loss.detach().reshape(1)
    out["loss.realign"] = realign_loss.detach().reshape(1)
    out["loss.joint"] = joint.detach().reshape(1)
    for k, t in p.items():
        out["none.grad." + names[k]] = t.grad if t.grad is not None else torch.zeros_like(t)
    for n, t in list(head.items()) + list(rh.items()):
        out["none.grad." + n] = t.grad
    for k, gr in zip(frozen, task_only):
        out["lower.grad." + names[k]] = gr

    opt = torch.optim.Adam(list(p.values()) + list(head.values()) + list(rh.values()), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    opt.step()
    after = ["embeddings.ln.weight", "layer.0.attn.v.weight", f"layer.{N - 1}.ffn_ln.bias"]
    for k in after:
        out["after." + names[k]] = p[k].detach()
    for n, t in list(head.items()) + list(rh.items()):
        out["after." + n] = t.detach()
    meta = {"arch": ARCH, "weight": WEIGHT, "lr": LR, "layer": N - 1, "tau": M.TAU, "frozen_lower": ",".join(names[k] for k in frozen),
            "loss_task": repr(task_loss.item()), "loss_realign": repr(realign_loss.item())}
    path = fixture_path("joint")
    write_safetensors(path, out, meta)
    print("task", task_loss.item(), "realign", realign_loss.item(), "joint", joint.item(), "wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
