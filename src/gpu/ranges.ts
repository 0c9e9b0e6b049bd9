// Buffer ranges for kernel bindings, and the chunking that keeps each binding under the adapter's
// storage-binding limit (128 MiB on lavapipe and many GPUs): word-embedding tables (mBERT 367 MB), their
// Adam state, MLM logits and big activation batches are bound a chunk at a time. WebGPU requires every
// bound range to start at a multiple of minStorageBufferOffsetAlignment (256 on most adapters), so a
// chunk may only start at a row whose byte offset is aligned in every tensor bound with it.
import { type Gpu, GpuError } from "./device.ts";
import type { Binding } from "./recorder.ts";
import type { Tensor } from "./tensor.ts";

/** The whole tensor (at least 4 bytes: an empty tensor still binds). */
export function whole(t: Tensor): Binding {
  return { buffer: t.buffer, offset: 0, size: Math.max(4, t.bytes) };
}

/** Elements [start, start + count) of a tensor; start·4 must be a multiple of the offset alignment. */
export function elements(t: Tensor, start: number, count: number): Binding {
  return { buffer: t.buffer, offset: start * 4, size: Math.max(4, count * 4) };
}

/** Rows [r0, r0 + n) of a row-major tensor with `cols` 4-byte columns. */
export function rowRange(t: Tensor, cols: number, r0: number, n: number): Binding {
  return elements(t, r0 * cols, n * cols);
}

export interface RowChunk {
  row0: number;
  rows: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface ChunkOptions {
  /** bytes per binding (default: the adapter's maxBinding; tests lower it to exercise chunking) */
  limit?: number;
  /** at most this many rows per chunk (e.g. the dispatch grid's per-dimension limit × rows per workgroup) */
  maxRows?: number;
  /** names the operation in the error when not even one aligned chunk fits */
  op: string;
}

/**
 * Splits `total` rows into chunks that can be bound: `widths` are the row lengths (in 4-byte elements)
 * of the tensors bound by row range with each other. Each chunk starts at a row whose byte offset is a
 * multiple of the adapter's offset alignment in all of them, and its widest range fits the limit.
 * One chunk [0, total) when everything fits (also for total = 0).
 */
export function rowChunks(g: Gpu, total: number, widths: number[], o: ChunkOptions): RowChunk[] {
  const align = g.caps.minStorageOffsetAlign;
  const limit = Math.min(g.caps.maxBinding, o.limit ?? Infinity);
  const widest = Math.max(1, ...widths);
  // rows per aligned step: the least common multiple over the widths of align / gcd(row bytes, align)
  let q = 1;
  for (const w of widths) {
    const qi = align / gcd(Math.max(1, w) * 4, align);
    q = (q * qi) / gcd(q, qi);
  }
  const fit = Math.min(Math.floor(limit / (widest * 4)), o.maxRows ?? Infinity);
  if (total <= fit) return [{ row0: 0, rows: total }];
  const step = Math.floor(fit / q) * q;
  if (step < 1) {
    throw new GpuError(`${o.op}: ${q} rows of ${widest} floats (the smallest aligned chunk) exceed the adapter's ${limit}-byte binding limit`);
  }
  const out: RowChunk[] = [];
  for (let r = 0; r < total; r += step) out.push({ row0: r, rows: Math.min(step, total - r) });
  return out;
}

/** Chunks of a flat tensor of n floats: rowChunks with rows of one element. */
export function elementChunks(g: Gpu, n: number, o: ChunkOptions): RowChunk[] {
  return rowChunks(g, n, [1], o);
}
