// Embedding gather and its deterministic backward: shaders/embedding.wgsl.
//
// Word-embedding tables of multilingual models exceed the 128 MiB storage-binding limit (mBERT 367 MB,
// XLM-R 768 MB), so the table is bound in row chunks: byte offsets multiples of minStorageOffsetAlign (256),
// sizes <= maxBinding, one dispatch per chunk, each handling the ids in its row range.
// The backward cannot use float atomics (WGSL has none), so, like llm.c's encoder backward, positions are
// bucketed by id on the CPU (CSR) and one workgroup per unique id sums its rows in a fixed order.
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel } from "../gpu/recorder.ts";
import { elements, rowChunks as tableChunks, whole } from "../gpu/ranges.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";

let chunkOverride: number | null = null;

/** Caps the bytes bound per table chunk (tests use it to exercise chunking on small tables); null = maxBinding. */
export function setEmbeddingChunkBytes(bytes: number | null): void {
  chunkOverride = bytes;
}

export interface RowChunk {
  row0: number;
  rows: number;
  /** byte range of the chunk in the table buffer */
  offset: number;
  size: number;
}

/**
 * Splits V rows of H elements (4 bytes each, or 2 for an f16 table) into chunks whose byte offsets are
 * aligned and whose sizes fit one binding.
 */
export function rowChunks(g: Gpu, V: number, H: number, elementBytes: 2 | 4 = 4): RowChunk[] {
  // tableChunks counts 4-byte words per row: an f16 row of even H is H/2 of them
  const words = (H * elementBytes) / 4;
  if (!Number.isInteger(words)) throw new GpuError(`embedding: an f16 table needs an even width, not ${H}`);
  const chunks = tableChunks(g, V, [words], { limit: chunkOverride ?? undefined, op: "embedding" });
  // an empty table still gets one (empty) chunk, so out-of-range ids are zeroed
  return chunks.map((c) => ({ ...c, offset: c.row0 * words * 4, size: Math.max(4, c.rows * words * 4) }));
}

// the forward kernel's defines, one object each (the kernel cache keys on the object)
const TABLE_F32 = { WEIGHT: "weight_f32" };
const TABLE_F16 = { WEIGHT: "weight_f16" };

function checkIds(op: string, ids: Int32Array, V: number) {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < V)) throw new GpuError(`${op}: id ${id} at position ${i} is outside the table's ${V} rows`);
  }
}

function checkBindable(g: Gpu, op: string, what: string, t: Tensor) {
  if (t.bytes > g.caps.maxBinding) {
    throw new GpuError(`${op}: ${what} [${t.shape}] is ${t.bytes} bytes, over the ${g.caps.maxBinding}-byte binding limit; use a smaller batch`);
  }
}

/**
 * out[i, :] = table[ids[i], :] (out += with accumulate: BERT sums word, position and token-type embeddings
 * by calling this three times). `ids` is an i32 tensor [N] on the GPU, or an Int32Array, which is validated on
 * the CPU and uploaded. Ids outside [0, V) give zero rows (no out-of-bounds reads).
 */
export function embeddingForward(table: Tensor, ids: Tensor | Int32Array, out?: Tensor, accumulate = false): Tensor {
  return withScratch(table.gpu, () => embeddingForwardIn(table, ids, out, accumulate));
}

function embeddingForwardIn(table: Tensor, ids: Tensor | Int32Array, out: Tensor | undefined, accumulate: boolean): Tensor {
  const g = table.gpu;
  const op = "embedding_forward";
  if (table.shape.length !== 2) throw new GpuError(`${op}: table has shape [${table.shape}] but [V, H] was expected`);
  const [V, H] = table.shape;
  let idsT: Tensor;
  if (ids instanceof Int32Array) {
    checkIds(op, ids, V);
    idsT = Tensor.scratch(g, [ids.length], "i32", "embedding.ids", ids);
  } else {
    if (ids.shape.length !== 1) throw new GpuError(`${op}: ids has shape [${ids.shape}] but [N] was expected`);
    idsT = ids;
  }
  const N = idsT.shape[0];
  if (accumulate && !out) throw new GpuError(`${op}: accumulate needs an out tensor`);
  const o = out ?? Tensor.empty(g, [N, H], "f32", "embedding.out");
  expectShape(op, "out", o, [N, H]);
  checkBindable(g, op, "out", o);
  // a frozen table stored in f16 (--f16-frozen) is read by the f16 variant
  const f16 = table.dtype === "f16";
  if (f16 && !g.caps.f16) throw new GpuError(`${op}: table '${table.label}' is f16 but the device has no shader-f16`);
  const k = kernel(g, "embedding", "forward", f16 ? TABLE_F16 : TABLE_F32);
  const ys = Math.max(1, Math.min(N, g.caps.maxWorkgroupsPerDim));
  rowChunks(g, V, H, f16 ? 2 : 4).forEach((c, i) => {
    dispatch(
      g,
      k,
      [{ buffer: table.buffer, offset: c.offset, size: c.size }, elements(idsT, 0, N), whole(o)],
      { n: N, H, row0: c.row0, rows: c.rows, V, acc: accumulate ? 1 : 0, first: i === 0 ? 1 : 0, ystride: ys },
      [Math.ceil(H / 64), N ? ys : 0],
      { flops: accumulate ? N * H : 0, bytes: N * H * ((accumulate ? 8 : 4) + (f16 ? 2 : 4)) + N * 4, detail: `V=${V} H=${H} N=${N} rows ${c.row0}+${c.rows}${f16 ? " (f16)" : ""}` },
    );
  });
  return o;
}

export interface Buckets {
  /** sorted distinct ids */
  uniqueIds: Int32Array;
  /** positions of uniqueIds[u] are positions[rowStart[u] .. rowStart[u + 1]), ascending */
  rowStart: Uint32Array;
  positions: Uint32Array;
}

/** CSR bucketing of positions by id (counting sort: stable, so each bucket lists its positions in order). */
export function embeddingBuckets(ids: Int32Array): Buckets {
  const N = ids.length;
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => ids[a] - ids[b] || a - b);
  const uniq: number[] = [];
  const starts: number[] = [];
  for (let j = 0; j < N; j++) {
    if (j === 0 || ids[order[j]] !== ids[order[j - 1]]) {
      uniq.push(ids[order[j]]);
      starts.push(j);
    }
  }
  starts.push(N);
  return { uniqueIds: Int32Array.from(uniq), rowStart: Uint32Array.from(starts), positions: order };
}

/** The distinct ids (sorted) whose grad rows a backward with these ids touches: for sparse updates. */
export function embeddingBackwardTouched(ids: Int32Array): Int32Array {
  return Int32Array.from(new Set(ids)).sort();
}

/**
 * grad[id, :] += Σ_{i: ids[i] = id} dOut[i, :], deterministic (fixed summation order, no atomics).
 * `ids` are the forward's ids, on the CPU; every id must lie in [0, V).
 */
export function embeddingBackward(dOut: Tensor, ids: Int32Array, grad: Tensor): void {
  withScratch(dOut.gpu, () => embeddingBackwardIn(dOut, ids, grad));
}

function embeddingBackwardIn(dOut: Tensor, ids: Int32Array, grad: Tensor): void {
  const g = dOut.gpu;
  const op = "embedding_backward";
  if (grad.shape.length !== 2) throw new GpuError(`${op}: grad has shape [${grad.shape}] but [V, H] was expected`);
  const [V, H] = grad.shape;
  const N = ids.length;
  expectShape(op, "dOut", dOut, [N, H]);
  checkBindable(g, op, "dOut", dOut);
  checkIds(op, ids, V);
  if (N === 0 || H === 0) return;
  const b = embeddingBuckets(ids);
  const U = b.uniqueIds.length;
  const csrData = new Uint32Array(2 * U + 1 + N);
  csrData.set(new Uint32Array(b.uniqueIds.buffer, b.uniqueIds.byteOffset, U), 0);
  csrData.set(b.rowStart, U);
  csrData.set(b.positions, 2 * U + 1);
  const csr = Tensor.scratch(g, [csrData.length], "u32", "embedding.csr", csrData);
  const k = kernel(g, "embedding", "backward");
  let u = 0;
  for (const c of rowChunks(g, V, H)) {
    const u0 = u;
    while (u < U && b.uniqueIds[u] < c.row0 + c.rows) u++;
    const count = u - u0;
    if (count === 0) continue;
    const groups = Math.min(count, g.caps.maxWorkgroupsPerDim, 4096);
    const rowsIn = b.rowStart[u] - b.rowStart[u0];
    dispatch(
      g,
      k,
      [whole(dOut), whole(csr), { buffer: grad.buffer, offset: c.offset, size: c.size }],
      { u0, count, U, H, row0: c.row0, groups },
      [groups],
      { flops: rowsIn * H + count * H, bytes: (rowsIn + 2 * count) * H * 4, detail: `V=${V} H=${H} N=${N} unique=${count} rows ${c.row0}+${c.rows}` },
    );
  }
}
