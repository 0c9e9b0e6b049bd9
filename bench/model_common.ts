// Shared by bench/layer.ts and bench/realign.ts: a BERT-base-shaped ModelConfig with random weights built in
// memory (no checkpoint on disk), the same weights for xlt and for the tfjs peer, and synthetic batches.
import type { ModelConfig } from "../src/io/checkpoint.ts";
import { embeddingParams, LAYER_PARAMS, type Batch, positionIds } from "../models/encoder.ts";
import { gaussian } from "../src/rng.ts";

export type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/** BERT-base layer shapes (H 768, 12 heads, FFN 3072), `layers` blocks, a `vocab`-word embedding table. */
export function bertBaseConfig(layers: number, vocab: number): ModelConfig {
  return {
    arch: "bert", hidden: 768, layers, heads: 12, ffn: 3072, vocab, maxPositions: 512, typeVocab: 2,
    lnEps: 1e-12, padId: 0, dropout: 0, attnDropout: 0, positionOffset: 0,
  };
}

/** HF-style init: normal(0, 0.02) matrices and embeddings, zero biases, LayerNorm 1/0. */
export function randomWeights(cfg: ModelConfig, seed: number): Weights {
  const r = gaussian(seed);
  const H = cfg.hidden, F = cfg.ffn;
  const w: Weights = new Map();
  const normal = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = 0.02 * r();
    return { shape, data: d };
  };
  const fill = (shape: number[], v: number) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v) });
  for (const name of embeddingParams(cfg)) {
    if (name === "embeddings.word") w.set(name, normal([cfg.vocab, H]));
    else if (name === "embeddings.position") w.set(name, normal([cfg.maxPositions, H]));
    else if (name === "embeddings.token_type") w.set(name, normal([cfg.typeVocab, H]));
    else w.set(name, fill([H], name.endsWith("weight") ? 1 : 0));
  }
  const shapes: Record<string, number[]> = {
    "attn.q.weight": [H, H], "attn.k.weight": [H, H], "attn.v.weight": [H, H], "attn.o.weight": [H, H],
    "ffn.in.weight": [F, H], "ffn.in.bias": [F], "ffn.out.weight": [H, F],
  };
  for (let l = 0; l < cfg.layers; l++) {
    for (const p of LAYER_PARAMS) {
      const shape = shapes[p] ?? [H];
      const name = `layer.${l}.${p}`;
      if (p.endsWith("_ln.weight")) w.set(name, fill(shape, 1));
      else if (p.endsWith("bias")) w.set(name, fill(shape, 0));
      else w.set(name, normal(shape));
    }
  }
  return w;
}

/** B sequences of T tokens; sequence b has T - (b % 4) real tokens (some padding, so the mask matters). */
export function randomBatch(cfg: ModelConfig, B: number, T: number, seed: number): Batch {
  const r = gaussian(seed);
  const ids = new Int32Array(B * T).fill(cfg.padId);
  const mask = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = Math.max(2, T - (b % 4));
    for (let t = 0; t < len; t++) {
      ids[b * T + t] = 5 + (Math.floor(Math.abs(r()) * 1e6) % (cfg.vocab - 5));
      mask[b * T + t] = 1;
    }
  }
  return { B, T, ids, mask, typeIds: new Int32Array(B * T), positions: positionIds(cfg, ids, B, T) };
}

export function randomArray(n: number, seed: number, scale = 0.1): Float32Array {
  const r = gaussian(seed);
  return Float32Array.from({ length: n }, () => scale * r());
}

/** Something to time: one call (waited for), and what frees its buffers afterwards. */
export interface Contender {
  call: () => Promise<void>;
  release: () => void;
}

/**
 * Seconds per call of each contender: one warm-up call each (compiles), then `iters` rounds that call
 * every contender once in turn, keeping each one's fastest. Best-of-N, not the mean, and rounds that
 * alternate xlt and the peer, because timings on the 2-core VM drift by up to 2× within minutes: both
 * sides see the same drift. Releases every contender at the end.
 */
export async function bestOfInterleaved(iters: number, contenders: Contender[]): Promise<number[]> {
  try {
    for (const c of contenders) await c.call();
    const best = contenders.map(() => Infinity);
    for (let i = 0; i < iters; i++) {
      for (const [k, c] of contenders.entries()) {
        const t0 = performance.now();
        await c.call();
        best[k] = Math.min(best[k], (performance.now() - t0) / 1000);
      }
    }
    return best;
  } finally {
    for (const c of contenders) c.release();
  }
}
