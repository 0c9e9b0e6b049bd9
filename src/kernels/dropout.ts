// Dropout with a stateless counter-based RNG (shaders/dropout.wgsl): the mask of element i is a hash of
// (seed, stream, i), so the backward recomputes the forward's mask and nothing is stored. `stream`
// distinguishes the dropout sites (and steps) that share a seed: give each call site/step its own stream.
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel, recordCopy } from "../gpu/recorder.ts";
import { elementChunks, elements } from "../gpu/ranges.ts";
import { expectShape, Tensor } from "../gpu/tensor.ts";
import { strideGrid } from "./grid.ts";

/** lowbias32 (C. Wellons): a bijective u32 mixer; identical integer math to `dropMix` in shaders/lib/dropout_hash.wgsl. */
export function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export interface DropoutParams {
  k1: number;
  k2: number;
  /** keep ⇔ hash ≥ T */
  T: number;
  /** f32 multiplier of kept elements, 1/(1−p) (0 when p = 1: everything dropped) */
  scale: number;
}

/** A one-line error unless 0 ≤ p ≤ 1 (also for the kernels that fuse dropout). */
export function checkDropoutProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new GpuError(`${op}: dropout probability must be in [0, 1], got ${p}`);
}

/**
 * Host-side derivation of the hash keys and threshold (p checked by the caller); seed may use up to 53 bits,
 * stream up to 32. Also for the kernels that fuse dropout (src/kernels/layernorm.ts).
 */
export function dropoutParams(p: number, seed: number, stream: number): DropoutParams {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const k1 = mix((lo + mix(hi ^ 0x68bc21eb)) >>> 0);
  const k2 = mix((k1 ^ mix((stream >>> 0) ^ 0x02e5be93)) >>> 0);
  if (p >= 1) return { k1, k2, T: 0xffffffff, scale: 0 };
  return { k1, k2, T: Math.min(Math.floor(p * 4294967296), 0xffffffff), scale: Math.fround(1 / (1 - p)) };
}

/** CPU twin of the GPU mask: 1 = kept, 0 = dropped, for elements 0..n−1 (bit-exact with the shader). */
export function dropoutMask(n: number, p: number, seed: number, stream: number): Uint8Array {
  checkDropoutProbability("dropout_mask", p);
  const { k1, k2, T } = dropoutParams(p, seed, stream);
  const out = new Uint8Array(n);
  if (p === 0) return out.fill(1);
  for (let i = 0; i < n; i++) out[i] = mix((mix((i ^ k1) >>> 0) + k2) >>> 0) >= T && p < 1 ? 1 : 0;
  return out;
}

/** Elements per dispatch (default: as many as one binding holds; src/gpu/ranges.ts). Tests may lower it. */
export const dropoutLimits = { chunkElems: 0 };

function apply(op: string, src: Tensor, p: number, seed: number, stream: number, out?: Tensor): Tensor {
  checkDropoutProbability(op, p);
  const g = src.gpu;
  const dst = out ?? Tensor.empty(g, src.shape, "f32", `${op}.out`);
  expectShape(op, "out", dst, src.shape);
  const n = src.size;
  if (n === 0) return dst;
  const inplace = dst.buffer === src.buffer;
  if (p === 0) {
    // plain copy (no scaling, no hash); nothing to do when writing onto itself
    if (!inplace) recordCopy(g, src.buffer, 0, dst.buffer, 0, n * 4);
    return dst;
  }
  const P = dropoutParams(p, seed, stream);
  const k = kernel(g, "dropout", inplace ? "apply_inplace" : "apply");
  for (const { row0: base, rows: len } of elementChunks(g, n, { maxRows: dropoutLimits.chunkElems || undefined, op })) {
    const range = (t: Tensor) => elements(t, base, len);
    const { groups, stride } = strideGrid(g, len);
    dispatch(g, k, inplace ? [range(dst)] : [range(src), range(dst)],
      { n: len, stride, base, k1: P.k1, k2: P.k2, T: P.T, scale: P.scale },
      [groups], { name: op, flops: 12 * len, bytes: 8 * len, detail: `n=${len} p=${p}${inplace ? " in-place" : ""}` });
  }
  return dst;
}

/**
 * y = x·mask/(1−p), mask[i] = hash(seed, stream, i) ≥ p. p = 0 copies x; p = 1 gives zeros.
 * `out` may be x itself (in place).
 */
export function dropoutForward(x: Tensor, p: number, seed: number, stream: number, out?: Tensor): Tensor {
  return apply("dropout_forward", x, p, seed, stream, out);
}

/** dx = dy·mask/(1−p) with the forward's mask, recomputed from the same (seed, stream). `out` may be dy. */
export function dropoutBackward(dy: Tensor, p: number, seed: number, stream: number, out?: Tensor): Tensor {
  return apply("dropout_backward", dy, p, seed, stream, out);
}
