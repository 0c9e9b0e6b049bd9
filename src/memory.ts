// GPU memory of a model from its config: the parameters, and what a forward pass needs (`xlt info`,
// `embed --dry-run`), so a user knows before loading a real checkpoint whether it fits their GPU. What
// training needs is measured from the training code itself (src/train/estimate.ts).
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

/**
 * The model and what a forward pass needs (`xlt info`, `embed --dry-run`): `m` from estimateMemory with the
 * sides the command runs (1 to embed). Training needs are measured (src/train/estimate.ts), printed beside it by xlt info.
 */
export function formatMemory(c: ModelConfig, m: MemoryEstimate, batch: number, seq: number, sides = 2): string {
  // one block's activations at a time: the forward frees each block's tensors before the next
  const io = batch * seq * sides * 3 * c.hidden * 4;
  const forward = m.weights + (m.activations - io) / c.layers + io;
  return [
    `architecture  ${c.arch}: ${c.layers} layers, hidden ${c.hidden}, ${c.heads} heads, FFN ${c.ffn}, vocab ${c.vocab}`,
    `parameters    ${(m.params / 1e6).toFixed(1)} M`,
    `weights       ${fmtBytes(m.weights)} (f32)`,
    `forward       ~${fmtBytes(forward)} for batch ${batch} × ${seq} tokens${sides === 2 ? " × 2 sides" : ""} (weights + one block's activations: embed, evaluate)`,
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
