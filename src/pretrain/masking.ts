// Masked-LM input corruption (align-mlm-spec.md §1.3, HF DataCollatorForLanguageModeling): every position
// that is not a special token is selected independently with probability p (Bernoulli, not a fixed count)
// and labelled with its original id; of the selected positions 80% become <mask>, 10% a uniform random id
// in [0, V) of the ORIGINAL vocabulary (never a derived-language id; it may be a special token) and 10%
// stay unchanged. All other labels are −100.
//
// The randomness is counter-based: each decision is a hash of (seed, step, position, draw), built from the
// dropout kernels' bijective mixer (lowbias32, shaders/lib/dropout_hash.wgsl) with 32-bit integer math, so
// a batch's masking is reproducible, independent of batch order and identical on Node and Deno.

import { mix } from "../kernels/dropout.ts";

export const IGNORE_INDEX = -100;

export interface MaskingOptions {
  seed: number;
  /** the optimizer step (or any counter) the batch belongs to */
  step: number;
  maskId: number;
  /** random replacements are drawn uniformly from [0, randomVocab): the original vocabulary V */
  randomVocab: number;
  /** ids that are never selected (sequence specials and padding: <s>, </s>, <pad>) */
  specialIds: Iterable<number>;
  /** selection probability, default 0.15 */
  probability?: number;
  /** of the selected: share replaced by <mask> (0.8) and, of the rest, share replaced by a random id (0.5) */
  maskShare?: number;
  randomShare?: number;
}

export interface MaskedBatch {
  inputs: Int32Array;
  labels: Int32Array;
}

/** A u32 hash of (seed, step, position, draw); seed and step may use up to 53 bits. */
export function maskHash(seed: number, step: number, position: number, draw: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const slo = step >>> 0;
  const shi = Math.floor(step / 4294967296) >>> 0;
  let h = mix(lo ^ 0x9e3779b9);
  h = mix((h ^ hi) + 0x632be5ab);
  h = mix((h ^ slo) + 0x85ebca6b);
  h = mix((h ^ shi) + 0xc2b2ae35);
  h = mix((h ^ (position >>> 0)) + Math.imul(draw + 1, 0x27d4eb2f));
  return mix(h);
}

const U32 = 4294967296;

/**
 * Masks a batch of token ids (any shape, flattened; position = flat index). Returns new arrays; `ids` is
 * not modified.
 */
export function maskTokens(ids: ArrayLike<number>, o: MaskingOptions): MaskedBatch {
  const p = o.probability ?? 0.15;
  const pMask = o.maskShare ?? 0.8;
  const pRandom = o.randomShare ?? 0.5;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`masking probability must be in [0, 1], got ${p}`);
  if (!(Number.isInteger(o.randomVocab) && o.randomVocab > 0)) throw new RangeError(`randomVocab must be a positive integer, got ${o.randomVocab}`);
  const special = new Set(o.specialIds);
  // thresholds on the u32 hash: selected ⇔ h < tSelect, and so on
  const tSelect = Math.floor(p * U32);
  const tMask = Math.floor(pMask * U32);
  const tRandom = Math.floor(pRandom * U32);
  const inputs = Int32Array.from(ids);
  const labels = new Int32Array(inputs.length).fill(IGNORE_INDEX);
  for (let i = 0; i < inputs.length; i++) {
    const id = inputs[i];
    if (special.has(id)) continue;
    if (maskHash(o.seed, o.step, i, 0) >= tSelect) continue;
    labels[i] = id;
    if (maskHash(o.seed, o.step, i, 1) < tMask) inputs[i] = o.maskId;
    else if (maskHash(o.seed, o.step, i, 2) < tRandom) inputs[i] = Math.floor((maskHash(o.seed, o.step, i, 3) / U32) * o.randomVocab);
  }
  return { inputs, labels };
}
