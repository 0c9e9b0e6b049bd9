// Optimizer kernels: Adam/AdamW update, sum of squares / gradient norm and the clip coefficient:
// shaders/optim.wgsl.
//
// Parameters of multilingual models exceed the 128 MiB binding limit (the word embeddings), so every kernel
// walks a tensor in element chunks whose byte offsets are multiples of minStorageOffsetAlign and whose sizes
// fit one binding; param, grad, m and v are chunked at the same offsets.
// Clipping never reads back: the norm and the clip coefficient stay on the GPU, and the Adam kernel
// multiplies its gradients by a [1] scale tensor.
// Health: the Adam and clip kernels OR bits into a [1] u32 flag tensor (healthFlag) when a gradient, an
// updated weight or the gradient norm is non-finite, so a training loop learns of a NaN from one small read
// it copies next to the loss, never from reading every tensor back.
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel } from "../gpu/recorder.ts";
import { elementChunks as chunksOf, elements } from "../gpu/ranges.ts";
import { expectShape, persistent, Tensor, withScratch } from "../gpu/tensor.ts";
import { strideGrid } from "./grid.ts";

let chunkOverride: number | null = null;

/** Caps the bytes bound per chunk (tests use it to exercise chunking on small tensors); null = maxBinding. */
export function setOptimChunkBytes(bytes: number | null): void {
  chunkOverride = bytes;
}

/** [offset (elements), count] ranges covering n floats, each bindable. */
export function elementChunks(g: Gpu, n: number): [number, number][] {
  return chunksOf(g, n, { limit: chunkOverride ?? undefined, op: "optimizer" }).filter((c) => c.rows > 0).map((c) => [c.row0, c.rows]);
}

const range = elements;

// Per-device constants live as long as the device: never in a training state's frame (src/gpu/workspace.ts),
// which the next step overwrites and the end of a run frees, even when first asked for inside one.
const ones = new WeakMap<Gpu, Tensor>();
function one(g: Gpu): Tensor {
  let t = ones.get(g);
  if (!t) ones.set(g, (t = persistent(g, () => Tensor.from(g, [1], [1], "f32", "optim.one"))));
  return t;
}

/** Bits of a health flag (shaders/lib/nonfinite.wgsl): which kind of value became non-finite. */
export const HEALTH_GRAD = 1;
export const HEALTH_WEIGHT = 2;
export const HEALTH_GRAD_NORM = 4;

/** A zeroed [1] u32 health flag for adamUpdate/adamwUpdate/clipScale; bits stay set until it is zeroed. */
export function healthFlag(g: Gpu, label = "optim.health"): Tensor {
  return Tensor.zeros(g, [1], "u32", label);
}

/** Where a health flag's value says non-finite values appeared ("the gradients", "the updated weights", …). */
export function healthProblems(flags: number): string[] {
  const out: string[] = [];
  if (flags & HEALTH_GRAD) out.push("the gradients");
  if (flags & HEALTH_WEIGHT) out.push("the updated weights");
  if (flags & HEALTH_GRAD_NORM) out.push("the gradient norm");
  return out;
}

// where kernels write their bits when the caller passes no flag
const discardedFlags = new WeakMap<Gpu, Tensor>();
function flagOrDiscard(g: Gpu, flag: Tensor | undefined, op: string): Tensor {
  if (flag) {
    expectShape(op, "flag", flag, [1]);
    if (flag.dtype !== "u32") throw new GpuError(`${op}: the health flag must be u32, got ${flag.dtype}`);
    return flag;
  }
  let t = discardedFlags.get(g);
  if (!t) discardedFlags.set(g, (t = persistent(g, () => healthFlag(g, "optim.health.discarded"))));
  return t;
}

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count of this parameter, for bias correction */
  step: number;
  /** multiplies the gradients first (constant) */
  gradScale?: number;
  /** [1] tensor the gradients are also multiplied by (e.g. clipScale's output): no readback needed */
  gradScaleTensor?: Tensor;
  /** [1] u32 health flag (healthFlag()): HEALTH_GRAD / HEALTH_WEIGHT are ORed in on a non-finite value */
  flag?: Tensor;
}

function update(op: string, decoupled: boolean, param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions) {
  const g = param.gpu;
  for (const [what, t] of [["grad", grad], ["m", m], ["v", v]] as const) expectShape(op, what, t, param.shape);
  if (!(o.step >= 1) || !Number.isInteger(o.step)) throw new GpuError(`${op}: step must be an integer >= 1, got ${o.step}`);
  if (o.gradScaleTensor) expectShape(op, "gradScaleTensor", o.gradScaleTensor, [1]);
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  const l2 = decoupled ? 0 : o.weightDecay;
  const decay = decoupled ? 1 - o.lr * o.weightDecay : 1;
  const scale = o.gradScaleTensor ?? one(g);
  const flag = flagOrDiscard(g, o.flag, op);
  const k = kernel(g, "optim", "adam");
  const n = param.size;
  for (const [off, cnt] of elementChunks(g, n)) {
    const { groups, stride } = strideGrid(g, cnt);
    dispatch(
      g,
      k,
      [range(param, off, cnt), range(grad, off, cnt), range(m, off, cnt), range(v, off, cnt), { buffer: scale.buffer, offset: 0, size: 4 }, range(flag, 0, 1)],
      {
        n: cnt, stride, beta1: o.beta1, beta2: o.beta2, omb1: 1 - o.beta1, omb2: 1 - o.beta2, eps: o.eps, l2, decay,
        stepSize: o.lr / bc1, bc2sqrt: Math.sqrt(bc2), gradScale: o.gradScale ?? 1,
      },
      [groups],
      { flops: cnt * 16, bytes: cnt * 28, detail: `n=${cnt} step=${o.step}${off ? ` chunk@${off}` : ""}` },
    );
  }
}

/** torch.optim.Adam step for one tensor, in place (L2 weight decay added to the gradient). */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void {
  update("adam_update", false, param, grad, m, v, o);
}

/** torch.optim.AdamW step for one tensor, in place (decoupled weight decay p *= 1 − lr·wd). */
export function adamwUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions): void {
  update("adamw_update", true, param, grad, m, v, o);
}

const PARTIAL_GROUPS = 256;

function reduceSquares(tensors: Tensor[], root: boolean, label: string): Tensor {
  if (!tensors.length) throw new GpuError(`${label}: no tensors given`);
  const g = tensors[0].gpu;
  const pieces: { t: Tensor; off: number; cnt: number; groups: number }[] = [];
  let total = 0;
  for (const t of tensors) {
    for (const [off, cnt] of elementChunks(g, t.size)) {
      const groups = Math.min(PARTIAL_GROUPS, Math.ceil(cnt / 256));
      pieces.push({ t, off, cnt, groups });
      total += groups;
    }
  }
  const out = Tensor.empty(g, [1], "f32", label);
  if (total === 0) {
    out.zero();
    return out;
  }
  withScratch(g, () => {
    const partials = Tensor.scratch(g, [total], "f32", `${label}.partials`);
    const kp = kernel(g, "optim", "sumsq_partial");
    let at = 0;
    for (const p of pieces) {
      dispatch(g, kp, [range(p.t, p.off, p.cnt), range(partials, 0, total)], { n: p.cnt, groups: p.groups, outOff: at }, [p.groups], {
        flops: 2 * p.cnt,
        bytes: 4 * p.cnt,
        detail: `n=${p.cnt}`,
      });
      at += p.groups;
    }
    dispatch(g, kernel(g, "optim", "sumsq_final"), [range(partials, 0, total), range(out, 0, 1)], { n: total, root: root ? 1 : 0 }, [1], {
      flops: total,
      bytes: 4 * total,
      detail: `partials=${total}`,
    });
  });
  return out;
}

/** Σ x² over all tensors, as a [1] tensor on the GPU (deterministic two-stage reduction). */
export function sumOfSquares(tensors: Tensor[]): Tensor {
  return reduceSquares(tensors, false, "sum_of_squares");
}

/** sqrt(Σ x²) over all tensors (the global L2 norm of the gradients), as a [1] tensor on the GPU. */
export function gradNorm(grads: Tensor[]): Tensor {
  return reduceSquares(grads, true, "grad_norm");
}

/**
 * [1] = min(1, maxNorm / (sqrt(normSq) + 1e-6)): torch.nn.utils.clip_grad_norm_'s clamped coefficient.
 * A non-finite normSq ORs HEALTH_GRAD_NORM into `flag`.
 */
export function clipScale(normSq: Tensor, maxNorm: number, out?: Tensor, flag?: Tensor): Tensor {
  expectShape("clip_scale", "normSq", normSq, [1]);
  const o = out ?? Tensor.empty(normSq.gpu, [1], "f32", "clip_scale");
  expectShape("clip_scale", "out", o, [1]);
  const g = normSq.gpu;
  const f = flagOrDiscard(g, flag, "clip_scale");
  dispatch(g, kernel(g, "optim", "clip_scale"), [range(normSq, 0, 1), range(o, 0, 1), range(f, 0, 1)], { maxNorm }, [1], { flops: 3, bytes: 8 });
  return o;
}

/** Sets every tensor to zero (recorded clears, ordered with the other GPU work). */
export function zeroGrads(tensors: Tensor[]): void {
  for (const t of tensors) t.zero();
}
