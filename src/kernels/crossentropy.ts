// Softmax cross-entropy with ignore index −100 (shaders/crossentropy.wgsl), PyTorch
// `F.cross_entropy(logits, labels, ignore_index=-100)` semantics: the mean over non-ignored rows, and a loss
// of 0 with zero gradients when every row is ignored. The forward saves each row's logsumexp so the fused
// softmax backward needs no second reduction; the loss and count stay on the GPU (no readback per step).
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel } from "../gpu/recorder.ts";
import { elements, rowChunks as chunksOf, whole } from "../gpu/ranges.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";
import { rowLaunch, strideGrid } from "./grid.ts";

const WG = 256; // the elementwise backward's workgroup, and at most this many invocations per row
const REDUCE_DEFINES = { WG, LANES: WG, ROW_REDUCE: "rows_shared" }; // forward_reduce: one workgroup, a single row

export const IGNORE_INDEX = -100;

const bind = whole;
const sub = elements;

/** Test hook: force smaller row chunks (a multiple of 64) to exercise the big-logits path. */
export const crossEntropyLimits = { chunkRows: 0 };

/**
 * Row ranges whose logits fit one storage binding (a vocabulary-sized MLM head easily exceeds 128 MiB);
 * each chunk's offsets in the logits (V per row) and in the per-row tensors (1 per row) are aligned.
 */
function rowChunks(op: string, g: Gpu, R: number, V: number): [number, number][] {
  return chunksOf(g, R, [V, 1], { maxRows: crossEntropyLimits.chunkRows || undefined, op }).map((c) => [c.row0, c.rows]);
}

function dims(op: string, logits: Tensor): [number, number] {
  if (logits.shape.length !== 2) throw new GpuError(`${op}: logits must be [R, V], got shape [${logits.shape}]`);
  const [R, V] = logits.shape;
  if (V < 1) throw new GpuError(`${op}: logits [${logits.shape}] have no classes`);
  return [R, V];
}

function checkLabels(op: string, labels: Tensor, R: number) {
  expectShape(op, "labels", labels, [R]);
  if (labels.dtype !== "i32") throw new GpuError(`${op}: labels must be i32, got ${labels.dtype}`);
}

/**
 * loss [1] = mean over rows with label ≠ −100 of (logsumexp(logits[r]) − logits[r, label]); lse [R] is saved
 * for the backward; count [1] (f32) is the number of non-ignored rows. Labels outside [0, V) are ignored.
 */
export function crossEntropyForward(logits: Tensor, labels: Tensor): { loss: Tensor; lse: Tensor; count: Tensor } {
  const op = "cross_entropy_forward";
  const g = logits.gpu;
  const [R, V] = dims(op, logits);
  checkLabels(op, labels, R);
  const loss = Tensor.empty(g, [1], "f32", "ce.loss");
  const lse = Tensor.empty(g, [R], "f32", "ce.lse");
  const count = Tensor.empty(g, [1], "f32", "ce.count");
  withScratch(g, () => {
    const rowloss = Tensor.scratch(g, [R], "f32", "ce.rowloss");
    for (const [r0, n] of R > 0 ? rowChunks(op, g, R, V) : []) {
      const { defines, grid } = rowLaunch(g, n, V, WG);
      dispatch(g, kernel(g, "crossentropy", "forward_rows", defines),
        [sub(logits, r0 * V, n * V), sub(labels, r0, n), sub(lse, r0, n), sub(rowloss, r0, n)],
        { rows: n, V, gridX: grid[0] }, grid, {
          flops: 5 * n * V,
          bytes: 4 * (n * V + 3 * n),
          detail: `R=${n} V=${V}${n < R ? ` rows ${r0}+` : ""}`,
        });
    }
    // runs even for R = 0 so loss and count are defined (0)
    dispatch(g, kernel(g, "crossentropy", "forward_reduce", REDUCE_DEFINES), [rowloss, labels, loss, count].map(bind),
      { rows: R, V }, [1], { flops: 2 * R, bytes: 8 * R + 8, detail: `R=${R}` });
  });
  return { loss, lse, count };
}

/**
 * dlogits [R, V] = dloss/count · (softmax(logits) − onehot(label)) on non-ignored rows, 0 on ignored rows
 * (and everywhere when count is 0). `lse` and `count` come from crossEntropyForward.
 */
export function crossEntropyBackward(logits: Tensor, labels: Tensor, lse: Tensor, count: Tensor, dloss = 1, out?: Tensor): Tensor {
  const op = "cross_entropy_backward";
  const g = logits.gpu;
  const [R, V] = dims(op, logits);
  checkLabels(op, labels, R);
  expectShape(op, "lse", lse, [R]);
  expectShape(op, "count", count, [1]);
  const dl = out ?? Tensor.empty(g, [R, V], "f32", "ce.dlogits");
  expectShape(op, "out", dl, [R, V]);
  if (dl.buffer === logits.buffer) throw new GpuError(`${op}: out must not alias logits`);
  for (const [r0, rows] of R > 0 ? rowChunks(op, g, R, V) : []) {
    const n = rows * V;
    const { groups, stride } = strideGrid(g, n, WG);
    dispatch(g, kernel(g, "crossentropy", "backward", REDUCE_DEFINES),
      [sub(logits, r0 * V, n), sub(labels, r0, rows), sub(lse, r0, rows), bind(count), sub(dl, r0 * V, n)],
      { n, V, stride, dloss }, [groups], {
        flops: 5 * n,
        bytes: 4 * (2 * n + 2 * rows),
        detail: `R=${rows} V=${V}${rows < R ? ` rows ${r0}+` : ""}`,
      });
  }
  return dl;
}

/** Predictions: the index of each row's first maximum (i32 [R]), like torch.argmax(logits, -1). */
export function argmaxRows(logits: Tensor): Tensor {
  const g = logits.gpu;
  const [R, V] = dims("argmax_rows", logits);
  const out = Tensor.empty(g, [R], "i32", "argmax.out");
  for (const [r0, n] of R > 0 ? rowChunks("argmax_rows", g, R, V) : []) {
    const { defines, grid } = rowLaunch(g, n, V, WG);
    dispatch(g, kernel(g, "crossentropy", "argmax", defines), [sub(logits, r0 * V, n * V), sub(out, r0, n)],
      { rows: n, V, gridX: grid[0] }, grid, {
        flops: n * V,
        bytes: 4 * (n * V + n),
        detail: `R=${n} V=${V}${n < R ? ` rows ${r0}+` : ""}`,
      });
  }
  return out;
}
