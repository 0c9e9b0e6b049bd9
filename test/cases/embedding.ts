// Embedding gather (forward, accumulate) and deterministic bucketed backward, including tables larger than
// the adapter's storage-binding limit (bound in aligned row chunks).
// Checked against a float64 TS reference and PyTorch goldens (F.embedding + autograd).
// Tolerance: forward is an exact copy (rtol 0, atol 0 vs the f32 inputs); accumulate rtol 1e-6;
// backward sums a few f32 rows: rtol 1e-5, atol 1e-6 (achieved max rel err ~1e-7).
import { getGpu, GpuError, readBuffer, Tensor } from "../../src/index.ts";
import {
  embeddingBackward,
  embeddingBackwardTouched,
  embeddingForward,
  rowChunks,
  setEmbeddingChunkBytes,
} from "../../src/kernels/embedding.ts";
import { assertClose, type Cases, randn, rng } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { embeddingBackwardRef, embeddingForwardRef } from "../ref/embedding.ts";

const EXACT = { rtol: 0, atol: 0 };
const TOL = { rtol: 1e-5, atol: 1e-6 };

function randIds(n: number, V: number, seed: number): Int32Array {
  const r = rng(seed);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = Math.floor(r() * V);
  if (n > 2) ids[1] = ids[0]; // repeats
  return ids;
}

export const cases: Cases = {};

for (const [V, H, N] of [[7, 1, 9], [5, 3, 12], [50, 17, 40], [13, 130, 33], [1, 3, 4]]) {
  cases[`forward+accumulate+backward V=${V} H=${H} N=${N} (float64 ref)`] = async () => {
    const g = await getGpu();
    const tab = randn(V * H, V + H, 5);
    const ids = randIds(N, V, N);
    const dOut = randn(N * H, N + 7);
    const table = Tensor.from(g, tab, [V, H]);
    const idsT = Tensor.from(g, ids, [N], "i32");
    const out = embeddingForward(table, idsT);
    const want = embeddingForwardRef(Float32Array.from(tab), V, H, ids);
    assertClose("embedding forward", await out.read(), want, EXACT);
    embeddingForward(table, idsT, out, true); // out = 2·rows
    assertClose("embedding accumulate", await out.read(), Array.from(want, (x) => 2 * x), { rtol: 1e-6, atol: 0 });
    const dO = Tensor.from(g, dOut, [N, H]);
    const grad = Tensor.from(g, randn(V * H, 99), [V, H]); // backward adds into existing contents
    embeddingBackward(dO, ids, grad);
    const gwant = embeddingBackwardRef(Float32Array.from(dOut), ids, H, Float64Array.from(Float32Array.from(randn(V * H, 99))));
    assertClose("embedding backward", await grad.read(), gwant, TOL);
    for (const t of [table, idsT, out, dO, grad]) t.release();
  };
}

for (let k = 0; k < 4; k++) {
  cases[`golden torch case ${k}`] = async () => {
    const g = await getGpu();
    const tab = get("embedding", `c${k}.table`);
    const ids = get("embedding", `c${k}.ids`).data as Int32Array;
    const dOut = get("embedding", `c${k}.dout`);
    const [V, H] = tab.shape;
    const table = Tensor.from(g, tab.data, [V, H]);
    const out = embeddingForward(table, ids); // Int32Array ids: validated and uploaded
    assertClose("embedding forward vs torch", await out.read(), get("embedding", `c${k}.out`).data, EXACT);
    const grad = Tensor.zeros(g, [V, H]);
    const dO = Tensor.from(g, dOut.data, dOut.shape);
    embeddingBackward(dO, ids, grad);
    assertClose("embedding backward vs torch", await grad.read(), get("embedding", `c${k}.grad`).data, TOL);
    for (const t of [table, out, grad, dO]) t.release();
  };
}

cases["out-of-range ids: zero rows on the GPU, errors on the CPU"] = async () => {
  const g = await getGpu();
  const V = 4, H = 3;
  const tab = randn(V * H, 3);
  const table = Tensor.from(g, tab, [V, H]);
  const ids = Int32Array.from([2, -1, 4, 1000000, 3]);
  const idsT = Tensor.from(g, ids, [5], "i32");
  const out = embeddingForward(table, idsT);
  assertClose("bad ids", await out.read(), embeddingForwardRef(Float32Array.from(tab), V, H, ids), EXACT);
  const grad = Tensor.zeros(g, [V, H]);
  for (const f of [() => embeddingForward(table, ids), () => embeddingBackward(out, ids, grad)]) {
    let threw = false;
    try {
      f();
    } catch (e) {
      threw = e instanceof GpuError && /outside the table/.test((e as Error).message);
    }
    if (!threw) throw new Error("an out-of-range id on the CPU did not raise a GpuError naming it");
  }
  for (const t of [table, idsT, out, grad]) t.release();
};

cases["forced small chunks (odd H, many chunks)"] = async () => {
  const g = await getGpu();
  const V = 101, H = 17, N = 64;
  const tab = randn(V * H, 5);
  const ids = randIds(N, V, 8);
  ids[5] = 0, ids[6] = V - 1, ids[7] = 64, ids[8] = 63; // chunk edges (rows per chunk: multiple of 64 for H=17)
  const dOut = randn(N * H, 9);
  setEmbeddingChunkBytes(64 * H * 4);
  try {
    if (rowChunks(g, V, H).length !== 2) throw new Error(`expected 2 chunks, got ${rowChunks(g, V, H).length}`);
    const table = Tensor.from(g, tab, [V, H]);
    const out = embeddingForward(table, ids);
    assertClose("chunked forward", await out.read(), embeddingForwardRef(Float32Array.from(tab), V, H, ids), EXACT);
    const grad = Tensor.zeros(g, [V, H]);
    const dO = Tensor.from(g, dOut, [N, H]);
    embeddingBackward(dO, ids, grad);
    const gwant = embeddingBackwardRef(Float32Array.from(dOut), ids, H, new Float64Array(V * H));
    assertClose("chunked backward", await grad.read(), gwant, TOL);
    const touched = embeddingBackwardTouched(ids);
    if (touched.join() !== Array.from(new Set(ids)).sort((a, b) => a - b).join()) throw new Error("touched ids wrong");
    for (const t of [table, out, grad, dO]) t.release();
  } finally {
    setEmbeddingChunkBytes(null);
  }
};

// A table whose byte size exceeds maxBinding: the real chunked path. Values are a cheap function of
// (row, col) so the reference needs no copy of the table; only the touched rows are read back.
cases["table larger than maxBinding (forward + backward, touched rows)"] = async () => {
  const g = await getGpu();
  const H = 64;
  const V = Math.ceil(g.caps.maxBinding / (H * 4)) + 1000;
  const val = (r: number, c: number) => ((r * 31 + c * 7) % 1999) / 1000 - 1;
  const table = Tensor.empty(g, [V, H], "f32", "big.table");
  const CH = 65536; // rows per upload
  for (let r0 = 0; r0 < V; r0 += CH) {
    const rows = Math.min(CH, V - r0);
    const buf = new Float32Array(rows * H);
    for (let r = 0; r < rows; r++) for (let c = 0; c < H; c++) buf[r * H + c] = val(r0 + r, c);
    table.write(buf, r0 * H * 4);
  }
  const chunks = rowChunks(g, V, H);
  if (chunks.length < 2) throw new Error("big table did not need chunking");
  const edge = chunks[1].row0;
  const ids = Int32Array.from([0, edge - 1, edge, edge + 1, V - 1, 5, edge, V - 1, 0, edge - 1, 12345, V - 2]);
  const N = ids.length;
  const out = embeddingForward(table, Tensor.from(g, ids, [N], "i32"));
  const got = await out.read();
  const want = new Float64Array(N * H);
  for (let i = 0; i < N; i++) for (let c = 0; c < H; c++) want[i * H + c] = Math.fround(val(ids[i], c));
  assertClose("big forward", got, want, EXACT);
  table.release();
  const grad = Tensor.zeros(g, [V, H], "f32", "big.grad");
  const dOut = randn(N * H, 77);
  const dO = Tensor.from(g, dOut, [N, H]);
  embeddingBackward(dO, ids, grad);
  const gref = new Map<number, Float64Array>();
  for (let i = 0; i < N; i++) {
    const row = gref.get(ids[i]) ?? new Float64Array(H);
    for (let c = 0; c < H; c++) row[c] += Math.fround(dOut[i * H + c]);
    gref.set(ids[i], row);
  }
  for (const [id, row] of gref) {
    const raw = new Float32Array(await readBuffer(g, grad.buffer, id * H * 4, H * 4));
    assertClose(`big backward row ${id}`, raw, row, TOL);
  }
  // an untouched row next to the chunk edge stays zero
  const z = new Float32Array(await readBuffer(g, grad.buffer, (edge + 2) * H * 4, H * 4));
  assertClose("big backward untouched row", z, new Float64Array(H), EXACT);
  for (const t of [out, grad, dO]) t.release();
};
