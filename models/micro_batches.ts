// Gradient accumulation over micro-batches, for the objectives that put a head on the encoder's last hidden
// state (fine-tuning's task heads, pre-training's MLM head). With n_i labels in micro-batch i and
// N = Σ n_i, micro-batch i back-propagates its mean loss scaled by n_i/N, so the summed gradient is that
// of the mean loss over all N labels of the effective batch however it is split.
//
// Everything lives in the encoder's training state: the encoder's frames, the head and loss in frame
// "<name>.head" (reused by each micro-batch), and a copy of each micro-batch's loss in "<name>.losses",
// which the next step's first micro-batch reuses (after the step's read has copied them).
import { recordCopy, setProfileContext } from "../src/gpu/recorder.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import type { Batch, Encoder } from "./encoder.ts";

/** A loss tensor ([1], on the GPU) and its weight in the step's loss (the step's loss is Σ w·t). */
export interface Loss {
  t: Tensor;
  w: number;
}

/** What the head does with one micro-batch: its loss tensors (weighted) and dHidden for the encoder's backward. */
export type HeadStep<M> = (m: M, hidden: Tensor, weight: number, seed: number, i: number) => { losses: Loss[]; dh: Tensor };

/**
 * Records forward + backward of one effective batch given as micro-batches (`n`: the labels of each; one
 * with none contributes nothing), gradients ADDED to the encoder's and the head's buffers (the caller zeroes
 * them). Returns a copy of each micro-batch's loss with its weight in the batch's mean.
 */
export function recordMicroBatches<M extends { batch: Batch }>(
  enc: Encoder, name: string, micro: M[], n: (m: M, i: number) => number, training: boolean, dropoutSeed: (i: number) => number, head: HeadStep<M>,
): Loss[] {
  const g = enc.gpu;
  const L = enc.cfg.layers;
  const counts = micro.map(n);
  const N = counts.reduce((a, c) => a + c, 0);
  const out: Loss[] = [];
  micro.forEach((m, i) => {
    if (counts[i] === 0) return; // contributes nothing
    const seed = dropoutSeed(i);
    const st = enc.forward(m.batch, L, training, seed);
    const hidden = st.hidden[L];
    const { losses, dh } = enc.state.child(`${name}.head`).run(() => {
      const r = head(m, hidden, counts[i] / N, seed, i);
      setProfileContext(g, undefined);
      return r;
    });
    enc.backward(st, new Map([[L, dh]]));
    const kept = enc.state.child(`${name}.losses`);
    for (const { t, w } of losses) {
      const copy = () => Tensor.empty(g, [1], "f32", `${name}.loss`);
      const c = out.length ? kept.resume(copy) : kept.run(copy);
      recordCopy(g, t.buffer, 0, c.buffer, 0, 4);
      out.push({ t: c, w });
    }
  });
  return out;
}

/**
 * Submits everything recorded so far with a copy of each loss, at once, so that work recorded afterwards is
 * not waited for; resolves to the weighted sum.
 */
export function readLoss(losses: Loss[]): Promise<number> {
  return Promise.all(losses.map(({ t }) => t.read())).then((vs) => vs.reduce((a, v, i) => a + v[0] * losses[i].w, 0));
}
