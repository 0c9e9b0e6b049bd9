// ALIGN-MLM static-embedding alignment (src/eval/static_alignment.ts, align-mlm-spec.md §5.1): numpy's
// seed-42 shuffle reproduced bit for bit (MT19937 and legacy random_interval; values are numpy's own,
// e.g. np.random.seed(42); np.random.rand() = 0.3745401188473625), the query set, and the retrieval
// against a float64 brute-force reference. Tolerance: exact (ids).
import { Mt19937, numpyShuffledRange, staticAlignment, staticAlignmentQueries } from "../../src/eval/static_alignment.ts";
import { staticAlignmentGpu } from "../../src/eval/static_alignment_gpu.ts";
import { getGpu } from "../../src/gpu/device.ts";
import { gaussian } from "../../src/rng.ts";
import { type Cases } from "../lib/check.ts";

export const cases: Cases = {};

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 300)}, expected ${w.slice(0, 300)}`);
}

cases["static alignment: numpy's MT19937 draws and seed-42 shuffle"] = async () => {
  const r = new Mt19937(42);
  eq("rand()", [r.nextDouble(), r.nextDouble(), r.nextDouble()], [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
  eq("reference genrand(5489)", new Mt19937(5489).nextU32(), 3499211612);
  // np.random.seed(42); np.random.permutation(10)
  eq("permutation(10)", Array.from(numpyShuffledRange(10, 42)), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  const q = staticAlignmentQueries(40000);
  eq("query count", q.length, 16000);
  const full = numpyShuffledRange(40000, 42);
  eq("queries are the shuffle's tail", Array.from(q.subarray(0, 5)), Array.from(full.subarray(24000, 24005)));
  eq("a permutation", new Set(full).size, 40000);
};

/** float64 brute force: argmax_j cos(A[i] + la, B[j] + lb), first maximum */
function reference(table: Float32Array, v: number, h: number, q: Int32Array, lang?: [Float32Array, Float32Array]): number[] {
  const row = (r: number, add?: Float32Array) => {
    const x = Array.from(table.subarray(r * h, (r + 1) * h), (y, k) => y + (add ? add[k] : 0));
    const n = Math.hypot(...x);
    return x.map((y) => (n > 0 ? y / n : 0));
  };
  const b = Array.from({ length: v }, (_, j) => row(v + j, lang?.[1]));
  return Array.from(q, (i) => {
    const a = row(i, lang?.[0]);
    let best = -Infinity;
    let arg = 0;
    b.forEach((bj, j) => {
      const s = a.reduce((acc, x, k) => acc + x * bj[k], 0);
      if (s > best) ((best = s), (arg = j));
    });
    return arg;
  });
}

cases["static alignment: retrieval equals a brute-force reference; twins found, noise not; language rows added"] = async () => {
  const v = 301;
  const h = 24;
  const g = gaussian(3);
  const t = new Float32Array(2 * v * h);
  for (let k = 0; k < v * h; k++) t[k] = g();
  // derived rows: the first 200 near their twin, the rest unrelated
  for (let i = 0; i < v; i++) for (let k = 0; k < h; k++) t[(v + i) * h + k] = i < 200 ? t[i * h + k] + 0.05 * g() : g();
  const q = staticAlignmentQueries(v);
  const r = staticAlignment(t, 2 * v, h);
  eq("queries", Array.from(r.predictions).length, Math.floor(0.4 * v));
  const ref = reference(t, v, h, q);
  eq("predictions", Array.from(r.predictions), ref);
  eq("accuracy", r.accuracy, ref.filter((p, k) => p === q[k]).length / q.length);
  eq("every near twin found", Array.from(q).every((i, k) => i >= 200 || r.predictions[k] === i), true);
  if (r.accuracy > 0.75) throw new Error(`unrelated rows matched too often: ${r.accuracy}`);
  // language embeddings shift every row of a side; a large shared offset would make everything collapse
  // onto one row without them being added to both sides as the authors do
  const lang: [Float32Array, Float32Array] = [Float32Array.from({ length: h }, () => g()), Float32Array.from({ length: h }, () => g())];
  const rl = staticAlignment(t, 2 * v, h, { lang });
  eq("with language rows", Array.from(rl.predictions), reference(t, v, h, q, lang));
  // an odd query count exercises the padded block
  const odd = staticAlignment(t, 2 * v, h, { queries: Int32Array.from([5, 250, 7]) });
  eq("odd block", Array.from(odd.predictions), reference(t, v, h, Int32Array.from([5, 250, 7])));
  try {
    staticAlignment(t, 2 * v - 1, h);
    throw new Error("no error for an odd row count");
  } catch (e) {
    if (!/must be 2V × H/.test((e as Error).message)) throw e;
  }
};

cases["static alignment: the GPU path (matmul + argmax, chunked) gives the CPU path's predictions"] = async () => {
  const g = await getGpu();
  const v = 700;
  const h = 40;
  const r = gaussian(9);
  const t = new Float32Array(2 * v * h);
  for (let k = 0; k < v * h; k++) t[k] = r();
  for (let i = 0; i < v; i++) for (let k = 0; k < h; k++) t[(v + i) * h + k] = t[i * h + k] + (i % 3 === 0 ? 5 : 0.7) * r();
  const lang: [Float32Array, Float32Array] = [Float32Array.from({ length: h }, () => 0.3 * r()), Float32Array.from({ length: h }, () => 0.3 * r())];
  const cpu = staticAlignment(t, 2 * v, h, { lang });
  // one chunk, and many: 64 candidate rows per weight binding, so scores and merges cross chunk borders
  for (const maxBindingBytes of [undefined, 64 * h * 4]) {
    const gpu = await staticAlignmentGpu(g, t, 2 * v, h, { lang, maxBindingBytes });
    eq(`predictions (binding ${maxBindingBytes ?? "adapter"})`, Array.from(gpu.predictions), Array.from(cpu.predictions));
    eq("accuracy", gpu.accuracy, cpu.accuracy);
  }
  if (cpu.accuracy < 0.3 || cpu.accuracy > 0.95) throw new Error(`test data should be partly aligned, got ${cpu.accuracy}`);
};
