// LayerNorm over the last dimension (shaders/layernorm.wgsl): forward saves mean and rstd per row for the
// backward; dgamma/dbeta are deterministic two-stage column sums (WGSL has no float atomics).
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { type Binding, dispatch, kernel } from "../gpu/recorder.ts";
import { expectShape, Tensor } from "../gpu/tensor.ts";
import { rowLaunch } from "./grid.ts";

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

/**
 * y = (x − mean)/sqrt(var + eps)·gamma + beta over the last dimension of x (leading dims are rows).
 * Returns y (shape of x) and the per-row mean and rstd [R] that the backward needs.
 */
export function layernormForward(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): { y: Tensor; mean: Tensor; rstd: Tensor } {
  const g = x.gpu;
  const C = x.shape[x.shape.length - 1] ?? 0;
  const R = rowsOf("layernorm_forward", x, C);
  expectShape("layernorm_forward", "gamma", gamma, [C]);
  expectShape("layernorm_forward", "beta", beta, [C]);
  const y = Tensor.empty(g, x.shape, "f32", "layernorm.y");
  const mean = Tensor.empty(g, [R], "f32", "layernorm.mean");
  const rstd = Tensor.empty(g, [R], "f32", "layernorm.rstd");
  if (R === 0) return { y, mean, rstd };
  const { defines, gx, grid } = rowLaunch(g, R, C);
  dispatch(g, kernel(g, "layernorm", "forward", defines), [x, gamma, beta, y, mean, rstd].map(bind),
    [["u32", R], ["u32", C], ["f32", eps], ["u32", gx]], grid, {
      flops: 8 * R * C,
      bytes: 4 * (4 * R * C + 2 * C + 2 * R),
      detail: `R=${R} C=${C}`,
    });
  return { y, mean, rstd };
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
  const dx = Tensor.empty(g, x.shape, "f32", "layernorm.dx");
  if (R === 0) {
    if (!grads.accumulate) for (const t of [grads.dgamma, grads.dbeta]) t?.zero();
    return dx;
  }
  const { defines, gx, grid } = rowLaunch(g, R, C);
  // per-row residual of the stored f32 mean (see backward_dx in the shader): keeps xhat accurate at offsets ~1e3
  const mres = Tensor.empty(g, [R], "f32", "layernorm.mres");
  dispatch(g, kernel(g, "layernorm", "backward_dx", defines), [dy, x, mean, rstd, gamma, dx, mres].map(bind),
    [["u32", R], ["u32", C], ["u32", gx]], grid, {
      flops: 12 * R * C,
      bytes: 4 * (3 * R * C + C + 2 * R),
      detail: `R=${R} C=${C}`,
    });

  const outs = [grads.dgamma, grads.dbeta];
  if (!outs.some((t) => t)) {
    mres.release();
    return dx;
  }
  // Stage 1: partial sums over chunks of ≥32 rows (enough parallelism: ⌈C/64⌉ × nChunks workgroups),
  // at most 1024 chunks so stage 2 stays short and the scratch small.
  const nChunks = Math.max(1, Math.min(1024, Math.ceil(R / 32), g.caps.maxWorkgroupsPerDim));
  const rowsPerChunk = Math.ceil(R / nChunks);
  const part = Tensor.empty(g, [2, nChunks, C], "f32", "layernorm.partials");
  dispatch(g, kernel(g, "layernorm", "backward_params_partial", COLUMN_DEFINES), [dy, x, mean, rstd, mres, part].map(bind),
    [["u32", R], ["u32", C], ["u32", rowsPerChunk], ["u32", nChunks]], [Math.ceil(C / 64), nChunks], {
      flops: 5 * R * C,
      bytes: 4 * (2 * R * C + 2 * R + 2 * nChunks * C),
      detail: `R=${R} C=${C} chunks=${nChunks}`,
    });
  outs.forEach((out, which) => {
    if (!out) return;
    dispatch(g, kernel(g, "layernorm", "backward_params_reduce", COLUMN_DEFINES), [part, out].map(bind),
      [["u32", C], ["u32", nChunks], ["u32", which], ["u32", grads.accumulate ? 1 : 0]], [Math.ceil(C / 64)], {
        name: which === 0 ? "layernorm.dgamma" : "layernorm.dbeta",
        flops: nChunks * C,
        bytes: 4 * (nChunks * C + 2 * C),
        detail: `C=${C} chunks=${nChunks}${grads.accumulate ? " +=" : ""}`,
      });
  });
  // Safe to return to the pool now: later users of the buffer are recorded after these dispatches.
  part.release();
  mres.release();
  return dx;
}
