// The static-embedding alignment (static_alignment.ts) on the GPU: the query rows times the derived rows
// with the matmul kernel (linear, X·Wᵀ) and each row's first maximum with argmax_rows, in chunks so every
// binding stays under the adapter's limit (a doubled mBERT table is 239k × 768). Candidate chunks are
// merged on the host: each chunk's winner is re-scored in float64 and the first maximum kept.
import type { Gpu } from "../gpu/device.ts";
import { Tensor } from "../gpu/tensor.ts";
import { argmaxRows } from "../kernels/crossentropy.ts";
import { linear } from "../kernels/matmul.ts";
import { normalisedRows, type StaticAlignment, staticAlignmentQueries } from "./static_alignment.ts";

export async function staticAlignmentGpu(
  g: Gpu,
  table: Float32Array,
  rows: number,
  h: number,
  opts: { lang?: [Float32Array, Float32Array]; queries?: Int32Array; maxBindingBytes?: number } = {},
): Promise<StaticAlignment> {
  if (rows % 2 !== 0 || table.length !== rows * h) throw new RangeError(`the table must be 2V × H, got ${rows} rows × ${h} (${table.length} values)`);
  const v = rows / 2;
  const q = opts.queries ?? staticAlignmentQueries(v);
  const a = normalisedRows(table, h, 0, v, opts.lang?.[0] ?? null);
  const b = normalisedRows(table, h, v, v, opts.lang?.[1] ?? null);
  const limit = Math.min(opts.maxBindingBytes ?? Infinity, g.caps.maxBinding);
  // candidate rows per chunk (the weight binding) and query rows per chunk (the score binding)
  const nc = Math.max(1, Math.min(v, Math.floor(limit / (4 * h))));
  const nq = Math.max(1, Math.min(q.length, Math.floor(limit / (4 * nc)), 4096));
  const aq = new Float32Array(q.length * h);
  q.forEach((i, t) => aq.set(a.subarray(i * h, (i + 1) * h), t * h));
  const best = new Float64Array(q.length).fill(-Infinity);
  const preds = new Int32Array(q.length);
  const dot = (t: number, j: number) => {
    let s = 0;
    for (let k = 0; k < h; k++) s += aq[t * h + k] * b[j * h + k];
    return s;
  };
  for (let c0 = 0; c0 < v; c0 += nc) {
    const n = Math.min(nc, v - c0);
    const w = Tensor.from(g, b.subarray(c0 * h, (c0 + n) * h), [n, h], "f32", "static.candidates");
    try {
      for (let q0 = 0; q0 < q.length; q0 += nq) {
        const m = Math.min(nq, q.length - q0);
        const x = Tensor.from(g, aq.subarray(q0 * h, (q0 + m) * h), [m, h], "f32", "static.queries");
        const scores = linear(x, w);
        const arg = argmaxRows(scores);
        const idx = await arg.readInt();
        for (const t of [x, scores, arg]) t.release();
        for (let r = 0; r < m; r++) {
          const j = c0 + idx[r];
          const s = dot(q0 + r, j);
          // chunks come in increasing j: a later chunk must be strictly better (first maximum wins)
          if (s > best[q0 + r]) ((best[q0 + r] = s), (preds[q0 + r] = j));
        }
      }
    } finally {
      w.release();
    }
  }
  let hits = 0;
  q.forEach((i, t) => {
    if (preds[t] === i) hits++;
  });
  return { accuracy: q.length ? hits / q.length : 0, queries: q.length, vocab: v, predictions: preds };
}
