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
