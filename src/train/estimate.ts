// GPU memory of training, measured rather than listed: the objective is built on a counting device
// (src/gpu/counting.ts) and the Trainer records one step of it there (forward, backward, the update), so
// the figure comes from the code that allocates, for any model, without a GPU and without its weights. The
// objectives give their own estimates (estimateRealign, estimateFinetune, estimatePretrain in
// src/train/objectives/), each on the largest batch of its shape; `xlt info` and `xlt run --dry-run` print
// them.
import type { Tensor } from "../gpu/tensor.ts";
import { fmtBytes } from "../gpu/tensor.ts";
import { expectedShapes, type ModelConfig } from "../io/checkpoint.ts";
import { LANG_ROWS } from "../../models/encoder.ts";
import type { TrainingState } from "../gpu/workspace.ts";
import type { Gpu } from "../gpu/device.ts";
import type { MemoryEstimate } from "../memory.ts";
import type { Objective } from "./objective.ts";
import { Trainer } from "./trainer.ts";

/** What a training step holds on the GPU, by kind (bytes), and the parameters (counts). */
export interface TrainingMemory extends MemoryEstimate {
  /** parameters that get gradients, the others, and of those the ones stored in f16 (--f16-frozen) */
  trainable: number;
  frozen: number;
  frozenF16: number;
  /** the rest of the training state: activation gradients, the blocks below the lowest trained one, heads and losses, inputs, kernel scratch, the optimizer's workspace */
  workspace: number;
}

/** Tokens per sequence a model can run: `seq`, or its position table's room when that is less (estimates of longer batches measure the longest that can run). */
export function runnableLength(cfg: ModelConfig, seq: number): number {
  return Math.min(seq, cfg.maxPositions - cfg.positionOffset);
}

/** A model's weights by shape only: every tensor of `cfg` (and the language table) with no data (a counting device needs none). */
export function shapesOnly(cfg: ModelConfig, languages = false): Map<string, { shape: number[]; data: Float32Array }> {
  const m = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of expectedShapes(cfg)) m.set(name, { shape, data: new Float32Array(0) });
  if (languages) m.set("embeddings.lang", { shape: [LANG_ROWS, cfg.hidden], data: new Float32Array(0) });
  return m;
}

/**
 * Records one step of an objective built on counting device `g` (`build`) on its batch `batchOf` and sums
 * what it holds: the encoder's and heads' weights and gradients, the optimizer's moments, the training state.
 * Frees it all.
 */
export function measureStep<B>(g: Gpu, build: (state: TrainingState) => Objective<B>, batchOf: (o: Objective<B>) => B): TrainingMemory {
  if (!g.counting) throw new Error("measureStep needs a counting device");
  const trainer = new Trainer(g, build);
  try {
    const { encoder, heads } = trainer.objective;
    trainer.recordGradients(batchOf(trainer.objective), 1);
    trainer.update(1);
    const owners = [encoder, ...heads];
    const params = owners.flatMap((o) => [...o.params].map(([n, t]) => ({ t, trained: o.grads.has(n) })));
    const size = (ts: { t: Tensor }[]) => ts.reduce((a, { t }) => a + t.size, 0);
    const bytes = (ts: Tensor[]) => ts.reduce((a, t) => a + t.bytes, 0);
    const trainable = size(params.filter((p) => p.trained));
    const weights = bytes(params.map((p) => p.t));
    const grads = bytes(owners.flatMap((o) => [...o.grads.values()]));
    const adam = trainer.adam.bytes;
    const activations = encoder.activationBytes;
    const workspace = trainer.state.bytes - activations + adam.workspace + trainer.health.bytes;
    return {
      params: size(params), trainable, frozen: size(params) - trainable, frozenF16: size(params.filter((p) => p.t.dtype === "f16")),
      weights, grads, adam: adam.moments, activations, workspace, total: weights + grads + adam.moments + activations + workspace,
    };
  } finally {
    trainer.dispose();
  }
}

/** Realignment's measure, with the projection head's parameters and the bytes of a frozen matrix element. */
export interface RealignEstimate extends TrainingMemory {
  /** bytes per frozen weight matrix/table parameter: 4 (f32) or 2 (f16) */
  frozenBytes: 2 | 4;
  /** the projection head H→H→P (always trained) */
  head: number;
}

export function formatRealign(m: RealignEstimate, label: string): string {
  const frozen = m.frozenF16
    ? `${fmtBytes(m.frozenF16 * 2)} f16 frozen (+ ${fmtBytes((m.frozen - m.frozenF16) * 4)} f32 frozen biases/LayerNorm)`
    : `${fmtBytes(m.frozen * 4)} f32 frozen`;
  const w = m.frozen ? `${fmtBytes(m.trainable * 4)} f32 trainable + ${frozen}` : `${fmtBytes(m.weights)} f32`;
  return [
    `realign ${label}: ${(m.trainable / 1e6).toFixed(1)} M trainable, ${(m.frozen / 1e6).toFixed(1)} M frozen (head included)`,
    `  weights ${w}; gradients ${fmtBytes(m.grads)}; Adam ${fmtBytes(m.adam)}; activations ${fmtBytes(m.activations)}; workspace ${fmtBytes(m.workspace)}`,
    `  total   ~${fmtBytes(m.total)}`,
  ].join("\n");
}

/** One line: what `what` needs in all, and its parts. */
export function formatTraining(what: string, m: TrainingMemory): string {
  return `${what} ~${fmtBytes(m.total).padStart(10)}  (weights ${fmtBytes(m.weights)}, gradients ${fmtBytes(m.grads)}, Adam ${fmtBytes(m.adam)}, ` +
    `activations ${fmtBytes(m.activations)}, workspace ${fmtBytes(m.workspace)})`;
}
