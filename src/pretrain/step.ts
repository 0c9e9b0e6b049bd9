// One pre-training step's forward and backward (recorded, no readback): the masked-LM cross-entropy over the
// labelled positions of every micro-batch through the MLM head with its tied decoder (models/mlm_head.ts),
// plus, for ALIGN-MLM, λ · (−mean cos(E[d], E[d+V])) over the dictionary pairs, once per optimizer step
// (HF computes it at every forward and divides each micro-batch's loss by the accumulation count: the same
// gradient).
//
// Micro-batches: with n_i labelled positions in micro-batch i and N = Σ n_i, micro-batch i back-propagates
// its mean cross-entropy scaled by n_i/N, so the gradient is that of the mean over the effective batch's N
// labels however it is split (as finetune does).
//
// The word table gets its gradient from three places, always added in the same order: the decoder (head
// backward), the input embedding (encoder backward), then the alignment term: deterministic.
import { Tensor } from "../gpu/tensor.ts";
import { crossEntropyBackward, crossEntropyForward, IGNORE_INDEX } from "../kernels/crossentropy.ts";
import { alignCosineBackward, alignCosineForward } from "../kernels/align_cosine.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import type { Batch, Encoder } from "../../models/encoder.ts";
import type { MlmHead } from "../../models/mlm_head.ts";
import { recordMicroBatches } from "../../models/micro_batches.ts";

export interface PretrainBatch {
  batch: Batch;
  /** [B·T] original ids at the selected positions, −100 elsewhere */
  labels: Int32Array;
}

export interface AlignTerm {
  /** dictionary ids d (pairs d ↔ d + V) */
  dict: Int32Array;
  /** one language's vocabulary size */
  V: number;
  lambda: number;
}

/** Loss tensors of a recorded step: weighted MLM parts, and the alignment term's [2] (loss, mean cos). */
export interface StepLosses {
  mlm: { t: Tensor; w: number }[];
  align: Tensor | null;
  /** labelled positions in the step */
  labelled: number;
}

export function labelledRows(labels: Int32Array): { rows: Int32Array; targets: Int32Array } {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) rows.push(i);
  return { rows: Int32Array.from(rows), targets: Int32Array.from(rows, (r) => labels[r]) };
}

/**
 * Records forward + backward of one effective batch, gradients ADDED to the encoder's and the head's
 * buffers (the caller zeroes them). The encoder's word-embedding group must be trainable. Everything lives
 * in the encoder's training state: the micro-batches' frames (models/micro_batches.ts: "pretrain.head",
 * "pretrain.losses") and the alignment term in "pretrain.align" (reused next step, after the step's read
 * has copied the losses).
 */
export function recordPretrainStep(enc: Encoder, head: MlmHead, micro: PretrainBatch[], training: boolean, dropoutSeed: (i: number) => number, align?: AlignTerm): StepLosses {
  const g = enc.gpu;
  const table = enc.p("embeddings.word");
  const dtable = enc.grads.get("embeddings.word");
  if (!dtable) throw new Error("pre-training needs the word embeddings trainable");
  const parts = micro.map((m) => labelledRows(m.labels));
  const mlm = recordMicroBatches(enc, "pretrain", micro, (_, i) => parts[i].rows.length, training, dropoutSeed, (m, hidden, w, _seed, i) => {
    const { rows, targets } = parts[i];
    setProfileContext(g, "mlm head forward");
    const hs = head.forward(hidden, rows, table);
    const lab = Tensor.from(g, targets, [targets.length], "i32", "mlm.labels");
    setProfileContext(g, "loss");
    const ce = crossEntropyForward(hs.logits, lab);
    const dl = crossEntropyBackward(hs.logits, lab, ce.lse, ce.count, w);
    setProfileContext(g, "mlm head backward");
    return { losses: [{ t: ce.loss, w }], dh: head.backward(hs, table, dtable, dl, m.batch.B * m.batch.T) };
  });
  let alignOut: Tensor | null = null;
  if (align) {
    alignOut = enc.state.child("pretrain.align").run(() => {
      setProfileContext(g, "alignment term");
      const st = alignCosineForward(table, align.dict, align.V, align.lambda);
      alignCosineBackward(st, dtable, align.V, align.lambda);
      setProfileContext(g, undefined);
      return st.out;
    });
  }
  return { mlm, align: alignOut, labelled: parts.reduce((a, p) => a + p.rows.length, 0) };
}

/** Reads a recorded step's losses: the MLM mean, the alignment term and its mean cosine, and the total. */
export async function readPretrainLosses(l: StepLosses): Promise<{ mlm: number; align: number; cos: number; total: number }> {
  const vals = await Promise.all(l.mlm.map(({ t }) => t.read()));
  const mlm = vals.reduce((a, v, i) => a + v[0] * l.mlm[i].w, 0);
  let align = 0;
  let cos = NaN;
  if (l.align) {
    const a = await l.align.read();
    align = a[0];
    cos = a[1];
  }
  return { mlm, align, cos, total: mlm + align };
}
