// GPU memory estimates for a model and a batch shape: printed by `xlt info` and `--dry-run`, so a user
// knows before loading a real checkpoint whether it fits their GPU.
import type { ModelConfig } from "./io/checkpoint.ts";
import { fmtBytes } from "./gpu/tensor.ts";

export interface MemoryEstimate {
  params: number;
  weights: number;
  grads: number;
  adam: number;
  activations: number;
  total: number;
}

export function paramCount(c: ModelConfig): number {
  const H = c.hidden, F = c.ffn;
  const emb = (c.vocab + c.maxPositions + c.typeVocab) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * (H * F) + F + H + 4 * H;
  return emb + c.layers * layer;
}

/**
 * Bytes for training with everything trainable (f32 weights, grads, Adam m and v) and the activations
 * kept for backward for `batch` sequences of `seq` tokens (x2 for realignment's two sides).
 */
export function estimateMemory(c: ModelConfig, batch: number, seq: number, sides = 2): MemoryEstimate {
  const params = paramCount(c);
  const weights = params * 4;
  const BT = batch * seq * sides;
  const H = c.hidden, F = c.ffn;
  // per block: x, q, k, v, ctx, r1, h1, r2 (8·H), f1 and gelu (2·F) per token, probs heads·T per token
  const perLayer = BT * (8 * H + 2 * F + c.heads * seq) * 4;
  const activations = c.layers * perLayer + BT * 3 * H * 4;
  const grads = weights;
  const adam = 2 * weights;
  return { params, weights, grads, adam, activations, total: weights + grads + adam + activations };
}

export function formatMemory(c: ModelConfig, m: MemoryEstimate, batch: number, seq: number): string {
  return [
    `architecture  ${c.arch}: ${c.layers} layers, hidden ${c.hidden}, ${c.heads} heads, FFN ${c.ffn}, vocab ${c.vocab}`,
    `parameters    ${(m.params / 1e6).toFixed(1)} M`,
    `weights       ${fmtBytes(m.weights)} (f32)`,
    `training      + gradients ${fmtBytes(m.grads)} + Adam state ${fmtBytes(m.adam)} (all layers trainable; frozen layers need neither)`,
    `activations   ${fmtBytes(m.activations)} for batch ${batch} × ${seq} tokens × 2 sides`,
    `total         ~${fmtBytes(m.total)} of GPU memory to realign; ~${fmtBytes(m.weights + m.activations / (2 * c.layers))} to embed`,
  ].join("\n");
}

/** Parameters of one group ("embeddings" or "layer.i"), as paramCount counts them. */
export function groupParams(c: ModelConfig, group: string): number {
  const H = c.hidden, F = c.ffn;
  if (group === "embeddings") return (c.vocab + c.maxPositions + c.typeVocab) * H + 2 * H;
  return 4 * (H * H + H) + 2 * (H * F) + F + H + 4 * H;
}

/**
 * Parameters of a group stored in f16 when it is frozen under --f16-frozen: its 2-D ones (Linear weight
 * matrices, embedding tables; models/encoder.ts storedInF16). Biases and LayerNorm stay f32.
 */
export function groupMatrixParams(c: ModelConfig, group: string): number {
  const H = c.hidden, F = c.ffn;
  if (group === "embeddings") return (c.vocab + c.maxPositions + c.typeVocab) * H;
  return 4 * H * H + 2 * H * F;
}

export interface RealignEstimate extends MemoryEstimate {
  trainable: number;
  frozen: number;
  /** of the frozen parameters, those stored in f16 (--f16-frozen: weight matrices and tables; else 0) */
  frozenF16: number;
  /** bytes per frozen weight matrix/table parameter: 4 (f32) or 2 (f16) */
  frozenBytes: 2 | 4;
  /** the projection head H→H→128 (always trained) */
  head: number;
}

/**
 * Bytes to realign with only `trainable` groups trained (realignTrainable's answer for a --freeze spec):
 * frozen groups carry no gradient and no Adam state, and with `f16Frozen` their weight matrices and
 * embedding tables take 2 bytes (biases and LayerNorm 4), as xlt realign --f16-frozen stores them. The
 * blocks the loss reads (`lossLayer`, hidden_states[N-1] by default) keep their activations for backward
 * from the lowest trainable group up; the blocks above the loss layer are loaded but never run.
 */
export function estimateRealign(c: ModelConfig, batch: number, seq: number, trainable: string[], lossLayer: number, f16Frozen = false): RealignEstimate {
  const all = paramCount(c);
  const head = c.hidden * c.hidden + c.hidden * 128;
  const train = trainable.reduce((s, g) => s + groupParams(c, g), 0) + head;
  const frozen = all + head - train;
  const frozenBytes = f16Frozen ? 2 : 4;
  const frozenGroups = allGroupNames(c.layers).filter((g) => !trainable.includes(g));
  const frozenF16 = f16Frozen ? frozenGroups.reduce((s, g) => s + groupMatrixParams(c, g), 0) : 0;
  const weights = train * 4 + (frozen - frozenF16) * 4 + frozenF16 * 2;
  const grads = train * 4, adam = train * 8;
  const lowest = trainable.includes("embeddings") ? 0 : Math.min(lossLayer, ...trainable.map((g) => Number(g.slice(6))));
  const full = estimateMemory(c, batch, seq, 2);
  // per-block activations from estimateMemory, for the blocks backward goes through (≥ 1 block of workspace)
  const perLayer = (full.activations - batch * seq * 2 * 3 * c.hidden * 4) / c.layers;
  const activations = Math.max(lossLayer - lowest, 1) * perLayer + batch * seq * 2 * 3 * c.hidden * 4;
  return { params: all + head, weights, grads, adam, activations, total: weights + grads + adam + activations, trainable: train, frozen, frozenF16, frozenBytes, head };
}

function allGroupNames(layers: number): string[] {
  return ["embeddings", ...Array.from({ length: layers }, (_, i) => `layer.${i}`)];
}

export function formatRealign(m: RealignEstimate, label: string): string {
  const frozen = m.frozenF16
    ? `${fmtBytes(m.frozenF16 * 2)} f16 frozen (+ ${fmtBytes((m.frozen - m.frozenF16) * 4)} f32 frozen biases/LayerNorm)`
    : `${fmtBytes(m.frozen * 4)} f32 frozen`;
  const w = m.frozen ? `${fmtBytes(m.trainable * 4)} f32 trainable + ${frozen}` : `${fmtBytes(m.weights)} f32`;
  return [
    `realign ${label}: ${(m.trainable / 1e6).toFixed(1)} M trainable, ${(m.frozen / 1e6).toFixed(1)} M frozen (head included)`,
    `  weights ${w}; gradients ${fmtBytes(m.grads)}; Adam ${fmtBytes(m.adam)}; activations ${fmtBytes(m.activations)}`,
    `  total   ~${fmtBytes(m.total)}`,
  ].join("\n");
}
