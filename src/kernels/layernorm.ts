// LayerNorm over the last dimension (shaders/layernorm.wgsl): forward saves mean and rstd per row for the
// backward; dgamma/dbeta are deterministic two-stage column sums (WGSL has no float atomics).
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { type Binding, dispatch, kernel } from "../gpu/recorder.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";
import { rowLaunch } from "./grid.ts";
import { checkDropoutProbability, dropoutParams } from "./dropout.ts";

// the column-sum kernels have fixed shapes; their family's row helpers (#common) still need defines
const COLUMN_DEFINES = { WG: 256, LANES: 1, ROW_REDUCE: "rows_shared" };

/** Binds exactly the tensor's bytes (pooled buffers are larger than the tensor). */
function bind(t: Tensor): Binding {
  return { buffer: t.buffer, offset: 0, size: Math.max(4, t.bytes) };
}

function rowsOf(op: string, x: Tensor, C: number): number {
  if (x.shape.length < 1) throw new GpuError(`${op}: x must have at least one dimension, got shape [${x.shape}]`);
  if (C < 1) throw new GpuError(`${op}: the normalized dimension of x [${x.shape}] is empty`);
  return x.size / C;
}

/** Dropout fused into a LayerNorm kernel: probability p, and the seed and stream as for dropoutForward. */
export interface DropoutSpec {
  p: number;
  seed: number;
  stream: number;
}

/** The kernels' dropout parameters: [drop, k1, k2, T, scale] (drop = 0 when there is none or p = 0). */
function dropParams(d: DropoutSpec | undefined): { drop: number; k1: number; k2: number; T: number; scale: number } {
  const on = d !== undefined && d.p > 0;
  const q = on ? dropoutParams(d.p, d.seed, d.stream) : { k1: 0, k2: 0, T: 0, scale: 1 };
  return { drop: on ? 1 : 0, k1: q.k1, k2: q.k2, T: q.T, scale: q.scale };
}

/**
 * y = (x − mean)/sqrt(var + eps)·gamma + beta over the last dimension of x (leading dims are rows).
 * Returns y (shape of x) and the per-row mean and rstd [R] that the backward needs.
 *
 * Residual form (opts.residual = b): x = dropout(a) + b, with a the first argument, as after a transformer
 * block's attention or FFN branch; one kernel instead of dropout, add and LayerNorm. x is returned as `r`
 * (the backward's input). Dropout (opts.dropout, residual form only) keeps exactly the elements
 * dropoutForward(a, p, seed, stream) keeps.
 */
export function layernormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
  opts: { residual?: Tensor; dropout?: DropoutSpec; out?: Tensor } = {},
): { y: Tensor; mean: Tensor; rstd: Tensor; r?: Tensor } {
  return withScratch(x.gpu, () => forward(x, gamma, beta, eps, opts));
}

function forward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
  opts: { residual?: Tensor; dropout?: DropoutSpec; out?: Tensor },
): { y: Tensor; mean: Tensor; rstd: Tensor; r?: Tensor } {
  const g = x.gpu;
  const op = opts.residual ? "layernorm_residual_forward" : "layernorm_forward";
  const C = x.shape[x.shape.length - 1] ?? 0;
  const R = rowsOf(op, x, C);
  expectShape(op, "gamma", gamma, [C]);
  expectShape(op, "beta", beta, [C]);
  if (opts.residual) expectShape(op, "residual", opts.residual, x.shape);
  else if (opts.dropout) throw new GpuError(`${op}: dropout is fused only in the residual form (give opts.residual)`);
  if (opts.dropout) checkDropoutProbability(op, opts.dropout.p);
  if (opts.out) expectShape(op, "out", opts.out, x.shape);
  const y = opts.out ?? Tensor.empty(g, x.shape, "f32", "layernorm.y");
  const mean = Tensor.empty(g, [R], "f32", "layernorm.mean");
  const rstd = Tensor.empty(g, [R], "f32", "layernorm.rstd");
  const r = opts.residual ? Tensor.empty(g, x.shape, "f32", "layernorm.r") : undefined;
  const out = r ? { y, mean, rstd, r } : { y, mean, rstd };
  if (R === 0) return out;
  // without the residual form, b and r are unused: two 1-element dummies (one buffer bound both read-only
  // and writable in a dispatch is a validation error)
  const dummies = r ? [] : [Tensor.scratch(g, [1], "f32", "layernorm.unused"), Tensor.scratch(g, [1], "f32", "layernorm.unused")];
  const { defines, gx, grid } = rowLaunch(g, R, C);
  const res = opts.residual ? 1 : 0;
  dispatch(g, kernel(g, "layernorm", "forward", defines), [x, opts.residual ?? dummies[0], gamma, beta, y, mean, rstd, r ?? dummies[1]].map(bind),
    { rows: R, C, eps, gridX: gx, residual: res, ...dropParams(opts.dropout) }, grid, {
      name: res ? "layernorm.residual_forward" : "layernorm.forward",
      flops: (8 + 2 * res) * R * C,
      bytes: 4 * ((4 + 2 * res) * R * C + 2 * C + 2 * R),
      detail: `R=${R} C=${C}${res ? (opts.dropout && opts.dropout.p > 0 ? ` +residual, dropout ${opts.dropout.p}` : " +residual") : ""}`,
    });
  return out;
}

/**
 * dx of LayerNorm; also dgamma (Σ dy·xhat) and dbeta (Σ dy) over rows when those tensors are given
 * (omitted for a frozen layer). accumulate=true adds into them (gradient accumulation), else overwrites.
 */
export function layernormBackward(
  dy: Tensor,
  x: Tensor,
  mean: Tensor,
  rstd: Tensor,
  gamma: Tensor,
  grads: { dgamma?: Tensor; dbeta?: Tensor; accumulate: boolean },
): Tensor {
  return withScratch(dy.gpu, () => backward(dy, x, mean, rstd, gamma, grads, undefined).dx);
}

/**
 * The backward of the residual form (layernormForward with opts.residual, its `r` as x here): dr, the
 * gradient of r (which is also the residual b's), and da, the gradient of the branch a, i.e. dr through the
 * same dropout (from the same kernel; da is dr itself without dropout). dgamma/dbeta as layernormBackward.
 */
export function residualLayernormBackward(
  dy: Tensor,
  r: Tensor,
  mean: Tensor,
  rstd: Tensor,
  gamma: Tensor,
  grads: { dgamma?: Tensor; dbeta?: Tensor; accumulate: boolean },
  dropout?: DropoutSpec,
): { dr: Tensor; da: Tensor } {
  const { dx, da } = withScratch(dy.gpu, () => backward(dy, r, mean, rstd, gamma, grads, dropout));
  return { dr: dx, da: da ?? dx };
}

function backward(
  dy: Tensor,
  x: Tensor,
  mean: Tensor,
  rstd: Tensor,
  gamma: Tensor,
  grads: { dgamma?: Tensor; dbeta?: Tensor; accumulate: boolean },
  dropout: DropoutSpec | undefined,
): { dx: Tensor; da: Tensor | null } {
  const g = x.gpu;
  const op = "layernorm_backward";
  const C = x.shape[x.shape.length - 1] ?? 0;
  const R = rowsOf(op, x, C);
  expectShape(op, "dy", dy, x.shape);
  expectShape(op, "mean", mean, [R]);
  expectShape(op, "rstd", rstd, [R]);
  expectShape(op, "gamma", gamma, [C]);
  if (grads.dgamma) expectShape(op, "dgamma", grads.dgamma, [C]);
  if (grads.dbeta) expectShape(op, "dbeta", grads.dbeta, [C]);
  if (dropout) checkDropoutProbability(op, dropout.p);
  const dx = Tensor.empty(g, x.shape, "f32", "layernorm.dx");
  const drop = dropout !== undefined && dropout.p > 0;
  const da = drop ? Tensor.empty(g, x.shape, "f32", "layernorm.da") : null;
  if (R === 0) {
    if (!grads.accumulate) for (const t of [grads.dgamma, grads.dbeta]) t?.zero();
    return { dx, da };
  }
  const { defines, gx, grid } = rowLaunch(g, R, C);
  // per-row residual of the stored f32 mean (see backward_dx in the shader): keeps xhat accurate at offsets ~1e3
  const mres = Tensor.scratch(g, [R], "f32", "layernorm.mres");
  const dummy = da ? null : Tensor.scratch(g, [1], "f32", "layernorm.unused");
  dispatch(g, kernel(g, "layernorm", "backward_dx", defines), [dy, x, mean, rstd, gamma, dx, mres, da ?? dummy!].map(bind),
    { rows: R, C, gridX: gx, ...dropParams(dropout) }, grid, {
      flops: (12 + (drop ? 1 : 0)) * R * C,
      bytes: 4 * ((3 + (drop ? 1 : 0)) * R * C + C + 2 * R),
      detail: `R=${R} C=${C}${drop ? ` +dropout ${dropout!.p}` : ""}`,
    });
  const outs = [grads.dgamma, grads.dbeta];
  if (!outs.some((t) => t)) return { dx, da };
  // Stage 1: partial sums over chunks of ≥32 rows (enough parallelism: ⌈C/64⌉ × nChunks workgroups),
  // at most 1024 chunks so stage 2 stays short and the scratch small.
  const nChunks = Math.max(1, Math.min(1024, Math.ceil(R / 32), g.caps.maxWorkgroupsPerDim));
  const rowsPerChunk = Math.ceil(R / nChunks);
  const part = Tensor.scratch(g, [2, nChunks, C], "f32", "layernorm.partials");
  dispatch(g, kernel(g, "layernorm", "backward_params_partial", COLUMN_DEFINES), [dy, x, mean, rstd, mres, part].map(bind),
    { rows: R, C, rowsPerChunk, nChunks }, [Math.ceil(C / 64), nChunks], {
      flops: 5 * R * C,
      bytes: 4 * (2 * R * C + 2 * R + 2 * nChunks * C),
      detail: `R=${R} C=${C} chunks=${nChunks}`,
    });
  outs.forEach((out, which) => {
    if (!out) return;
    dispatch(g, kernel(g, "layernorm", "backward_params_reduce", COLUMN_DEFINES), [part, out].map(bind),
      { C, nChunks, which, accumulate: grads.accumulate ? 1 : 0 }, [Math.ceil(C / 64)], {
        name: which === 0 ? "layernorm.dgamma" : "layernorm.dbeta",
        flops: nChunks * C,
        bytes: 4 * (nChunks * C + 2 * C),
        detail: `C=${C} chunks=${nChunks}${grads.accumulate ? " +=" : ""}`,
      });
  });
  return { dx, da };
}
