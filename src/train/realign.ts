// One realignment step (Gaschi et al. 2023 / AlignFreeze): both sides of a batch of sentence pairs go
// through the same encoder separately, first-subword vectors of every word at hidden_states[L] go through
// the projection head (H→H, ReLU, H→P, no bias), and the strong contrastive loss pulls aligned words
// together against every other word of the batch. As in the papers' code
// (posos-tech/multilingual-alignment-and-transfer, multilingual_eval/models/realignment_loss.py).
import { recordCopy } from "../gpu/recorder.ts";
import { Tensor } from "../gpu/tensor.ts";
import type { Encoder } from "../../models/encoder.ts";
import type { HeadWeights } from "../../models/realignment_head.ts";
import type { SideBatch } from "../data/side_batch.ts";
import { activationBackward, activationForward } from "../kernels/elementwise.ts";
import { linear, linearBackward } from "../kernels/matmul.ts";
import { embeddingBackward, embeddingForward } from "../kernels/embedding.ts";
import { contrastiveBackward, contrastiveForward } from "../kernels/contrastive.ts";
import { setProfileContext } from "../gpu/recorder.ts";

export type { HeadWeights };

export interface StepResult {
  loss: Tensor; // [1], on the GPU: read it only when logging
  pairs: number; // aligned word pairs in the batch
}

export interface RealignSetup {
  encoder: Encoder;
  layer: number; // hidden_states index the loss reads
  /** the projection head (models/realignment_head.ts) and its gradient buffers; null without a head */
  head: HeadWeights | null;
  headGrads: HeadWeights | null;
  tau: number;
}

/**
 * Forward + backward of the realignment loss for one batch of pairs; gradients are added into the
 * encoder's trainable gradient buffers and into headGrads, scaled by `lossScale` (the weight of the loss in
 * a joint objective, src/train/objectives/joint.ts). Returns the unscaled loss (on the GPU).
 */
export function realignStep(s: RealignSetup, left: SideBatch, right: SideBatch, links: { l: number; r: number }[], step: number, training = true, lossScale = 1): StepResult {
  const enc = s.encoder;
  // distinct dropout streams for the two sides and each step; each side's activations in its own frame
  const stL = enc.forward(left, s.layer, training, step * 2 + 1, "forward.left");
  const stR = enc.forward(right, s.layer, training, step * 2 + 2, "forward.right");
  const { loss, dL, dR } = enc.state.child("realign.head").run(() => headStep(s, stL.hidden[s.layer], stR.hidden[s.layer], left, right, links, lossScale));
  enc.backward(stL, new Map([[s.layer, dL]]));
  enc.backward(stR, new Map([[s.layer, dR]]));
  setProfileContext(enc.gpu, undefined);
  return { loss, pairs: links.length };
}

/**
 * The projection head and the loss, forward and backward, from the two sides' hidden states at the loss
 * layer to their gradients (dL, dR). Its tensors live in the training state's frame "realign.head".
 */
function headStep(s: RealignSetup, hL: Tensor, hR: Tensor, left: SideBatch, right: SideBatch, links: { l: number; r: number }[], lossScale: number): { loss: Tensor; dL: Tensor; dR: Tensor } {
  const g = s.encoder.gpu;
  const H = s.encoder.cfg.hidden;
  const ML = left.wordRows.length;
  const MR = right.wordRows.length;
  const M = ML + MR;
  // gather first-subword vectors: rows 0..ML-1 from the left side, ML..M-1 from the right
  setProfileContext(g, "head");
  const words = Tensor.empty(g, [M, H], "f32", "words");
  const wl = embeddingForward(hL, left.wordRows);
  const wr = embeddingForward(hR, right.wordRows);
  recordCopy(g, wl.buffer, 0, words.buffer, 0, ML * H * 4);
  recordCopy(g, wr.buffer, 0, words.buffer, ML * H * 4, MR * H * 4);
  // projection head
  let c = words;
  let a0: Tensor | null = null;
  if (s.head) {
    a0 = activationForward("relu", linear(words, s.head.w0));
    c = linear(a0, s.head.w2);
  }
  const query = new Int32Array(2 * links.length);
  const target = new Int32Array(2 * links.length);
  links.forEach(({ l, r }, i) => {
    query[i] = l;
    target[i] = ML + r;
    query[links.length + i] = ML + r;
    target[links.length + i] = l;
  });
  const qT = Tensor.from(g, query, [query.length], "i32", "query");
  const tT = Tensor.from(g, target, [target.length], "i32", "target");
  setProfileContext(g, "loss");
  const fwd = contrastiveForward(c, qT, tT, s.tau);
  const dc = contrastiveBackward(c, qT, tT, s.tau, fwd.saved, lossScale);
  // head backward
  setProfileContext(g, "head");
  let dWords = dc;
  if (s.head && s.headGrads) {
    const da0 = linearBackward(a0!, s.head.w2, dc, { dw: s.headGrads.w2, accumulate: true })!;
    const dz0 = activationBackward("relu", a0!, da0);
    dWords = linearBackward(words, s.head.w0, dz0, { dw: s.headGrads.w0, accumulate: true })!;
  }
  // scatter word gradients back into the hidden states they came from
  const dL = Tensor.zeros(g, [left.B * left.T, H], "f32", "dHidden.left");
  const dR = Tensor.zeros(g, [right.B * right.T, H], "f32", "dHidden.right");
  const dwl = Tensor.empty(g, [ML, H], "f32", "dWords.left");
  const dwr = Tensor.empty(g, [MR, H], "f32", "dWords.right");
  recordCopy(g, dWords.buffer, 0, dwl.buffer, 0, ML * H * 4);
  recordCopy(g, dWords.buffer, ML * H * 4, dwr.buffer, 0, MR * H * 4);
  embeddingBackward(dwl, left.wordRows, dL);
  embeddingBackward(dwr, right.wordRows, dR);
  return { loss: fwd.loss, dL, dR };
}
