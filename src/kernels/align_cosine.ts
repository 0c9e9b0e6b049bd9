// ALIGN-MLM's alignment term (shaders/align_cosine.wgsl): loss = −λ · mean_i cos(E[d_i], E[d_i + V]) over
// the dictionary ids d, both rows of each pair receiving gradient (no stop-gradient, no negatives). The rows
// are gathered from the (possibly chunked) word-embedding table with embeddingForward and their gradients
// scattered back with embeddingBackward, both deterministic and chunked past the binding limit, so this
// file only sees [n, H] row blocks.
import { GpuError } from "../gpu/device.ts";
import { type Binding, dispatch, kernel } from "../gpu/recorder.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";
import { embeddingBackward, embeddingForward } from "./embedding.ts";
import { strideGrid } from "./grid.ts";

const WG = 256;
const DEFINES = { WG, LANES: WG, ROW_REDUCE: "rows_shared" };
/** torch.nn.functional.cosine_similarity's default eps */
export const COSINE_EPS = 1e-8;

function bind(t: Tensor): Binding {
  return { buffer: t.buffer, offset: 0, size: Math.max(4, t.bytes) };
}

export interface AlignState {
  /** [2]: the weighted loss −λ·mean cos, and the mean cosine itself */
  out: Tensor;
  a: Tensor;
  b: Tensor;
  pairs: Int32Array;
}

/** The table rows of the pairs: ids d (the original) and d + V (the derived language). */
export function alignPairIds(dict: Int32Array, V: number): { lo: Int32Array; hi: Int32Array } {
  return { lo: dict, hi: dict.map((i) => i + V) };
}

/**
 * Forward over a [2V, H] table: out[0] = −λ/n Σ cos(E[d], E[d+V]), out[1] = mean cos. `V` is the size of
 * one language's vocabulary (the table has at least 2V rows).
 */
export function alignCosineForward(table: Tensor, dict: Int32Array, V: number, lambda: number): AlignState {
  const g = table.gpu;
  const [R, H] = table.shape;
  if (2 * V > R) throw new GpuError(`align_cosine: a table of ${R} rows has no derived rows for V = ${V}`);
  const n = dict.length;
  for (const d of dict) if (!(d >= 0 && d < V)) throw new GpuError(`align_cosine: dictionary id ${d} is outside [0, ${V})`);
  const { lo, hi } = alignPairIds(dict, V);
  const a = embeddingForward(table, lo);
  const b = embeddingForward(table, hi);
  const out = Tensor.empty(g, [2], "f32", "align.loss");
  const { groups, stride } = strideGrid(g, n, WG);
  const params = { n, H, stride, scale: n ? -lambda / n : 0, eps: COSINE_EPS };
  withScratch(g, () => {
    const cosv = Tensor.scratch(g, [Math.max(1, n)], "f32", "align.cos");
    if (n > 0) {
      dispatch(g, kernel(g, "align_cosine", "forward_rows", DEFINES), [a, b, cosv].map(bind), params, [groups],
        { flops: 6 * n * H, bytes: 8 * n * H, detail: `n=${n} H=${H}` });
    }
    dispatch(g, kernel(g, "align_cosine", "forward_reduce", DEFINES), [cosv, out].map(bind), params, [1],
      { flops: n, bytes: 4 * n, detail: `n=${n}` });
  });
  return { out, a, b, pairs: dict };
}

/**
 * Adds the term's gradient (times dloss) into the [≥2V, H] table gradient. Pre-training runs forward and
 * backward in a frame of the encoder's training state, which owns the saved rows.
 */
export function alignCosineBackward(st: AlignState, grad: Tensor, V: number, lambda: number, dloss = 1): void {
  const g = grad.gpu;
  const n = st.pairs.length;
  const H = grad.shape[1];
  expectShape("align_cosine_backward", "a", st.a, [n, H]);
  if (n > 0) withScratch(g, () => {
    const da = Tensor.scratch(g, [n, H], "f32", "align.da");
    const db = Tensor.scratch(g, [n, H], "f32", "align.db");
    const { groups, stride } = strideGrid(g, n, WG);
    dispatch(g, kernel(g, "align_cosine", "backward", DEFINES), [st.a, st.b, da, db].map(bind),
      { n, H, stride, scale: (-lambda / n) * dloss, eps: COSINE_EPS }, [groups],
      { flops: 12 * n * H, bytes: 16 * n * H, detail: `n=${n} H=${H}` });
    const { lo, hi } = alignPairIds(st.pairs, V);
    embeddingBackward(da, lo, grad);
    embeddingBackward(db, hi, grad);
  });
}
