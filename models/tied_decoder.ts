// The MLM decoder tied to the word embeddings: logits = y·Eᵀ + bias over every table row, and its backward
// adding dE = dlogitsᵀ·y into the SAME gradient buffer the input embedding's backward adds into, so the two
// uses' gradients are summed in the one table, in a fixed order (deterministic).
//
// The table may exceed the 128 MiB storage-binding limit (XLM-R: 250k × 768 × 4 = 768 MB), and matmul binds
// its weight whole, so the vocabulary is processed in row chunks: each chunk of E (and of the bias) is copied
// into a bindable scratch tensor (copyBufferToBuffer has no binding limit), multiplied, and its logits block
// written into the [M, R] logits' columns (shaders/mlm_columns.wgsl); the backward reads the block back,
// and accumulates the chunk's weight gradient in scratch that is copied back into place.
import type { Gpu } from "../src/gpu/device.ts";
import { type Binding, dispatch, kernel, recordCopy } from "../src/gpu/recorder.ts";
import { rowChunks } from "../src/gpu/ranges.ts";
import { eachScratch, Tensor } from "../src/gpu/tensor.ts";
import { accumulate } from "../src/kernels/elementwise.ts";
import { biasGrad, linear, matmulNN, matmulTN } from "../src/kernels/matmul.ts";
import { strideGrid } from "../src/kernels/grid.ts";

/** Test hooks: vocabulary rows per chunk, and logits rows per binding; 0 = what one binding holds. */
export const tiedDecoderLimits = { chunkRows: 0, logitRows: 0 };

/** [row0, rows] vocabulary chunks of a [R, H] table. */
export function vocabChunks(g: Gpu, R: number, H: number): [number, number][] {
  let per = tiedDecoderLimits.chunkRows || Math.floor(g.caps.maxBinding / (4 * H));
  if (per >= R) return [[0, R]];
  const out: [number, number][] = [];
  for (let r = 0; r < R; r += per) out.push([r, Math.min(per, R - r)]);
  return out;
}

function block(op: "put" | "get", full: Tensor, part: Tensor, M: number, R: number, c0: number, n: number) {
  const g = full.gpu;
  // rows of the [M, R] logits and the [M, n] block, chunked where they exceed one binding (a copy, so the
  // chunking does not change any value)
  for (const { row0: r0, rows: m } of rowChunks(g, M, [R, n], { op: "mlm_columns", maxRows: tiedDecoderLimits.logitRows || undefined })) {
    const fullB: Binding = { buffer: full.buffer, offset: r0 * R * 4, size: Math.max(4, m * R * 4) };
    const partB: Binding = { buffer: part.buffer, offset: r0 * n * 4, size: Math.max(4, m * n * 4) };
    const { groups, stride } = strideGrid(g, m * n);
    dispatch(g, kernel(g, "mlm_columns", op), op === "put" ? [partB, fullB] : [fullB, partB],
      { m, n, R, c0, stride }, [groups], { bytes: 8 * m * n, detail: `${op} ${m}x${n} @${c0}` });
  }
}

function rowsCopy(src: Tensor, row0: number, rows: number, cols: number, label: string): Tensor {
  const t = Tensor.empty(src.gpu, cols === 1 ? [rows] : [rows, cols], "f32", label);
  recordCopy(src.gpu, src.buffer, row0 * cols * 4, t.buffer, 0, rows * cols * 4);
  return t;
}

/** logits [M, R] = y [M, H] · tableᵀ + bias. */
export function tiedDecoderForward(y: Tensor, table: Tensor, bias: Tensor): Tensor {
  const [R, H] = table.shape;
  const M = y.size / H;
  const chunks = vocabChunks(y.gpu, R, H);
  if (chunks.length === 1) return linear(y, table, bias);
  const logits = Tensor.empty(y.gpu, [M, R], "f32", "mlm.logits");
  for (const [r0, n] of chunks) {
    eachScratch(y.gpu, "mlm.chunk", () => {
      const w = rowsCopy(table, r0, n, H, "mlm.table_chunk");
      const b = rowsCopy(bias, r0, n, 1, "mlm.bias_chunk");
      block("put", logits, linear(y, w, b), M, R, r0, n);
    });
  }
  return logits;
}

/** Returns dy [M, H]; adds dtable (+)= dlogitsᵀ·y and dbias (+)= Σ dlogits. */
export function tiedDecoderBackward(y: Tensor, table: Tensor, dlogits: Tensor, dtable: Tensor, dbias: Tensor): Tensor {
  const [R, H] = table.shape;
  const M = y.size / H;
  const chunks = vocabChunks(y.gpu, R, H);
  if (chunks.length === 1) {
    matmulTN(dlogits, y, dtable, true);
    biasGrad(dlogits, dbias, true);
    return matmulNN(dlogits, table, Tensor.empty(y.gpu, [M, H], "f32", "mlm.dy"));
  }
  const dy = Tensor.empty(y.gpu, [M, H], "f32", "mlm.dy");
  chunks.forEach(([r0, n], i) => {
    eachScratch(y.gpu, "mlm.chunk", () => {
      const part = Tensor.empty(y.gpu, [M, n], "f32", "mlm.dlogits_chunk");
      block("get", dlogits, part, M, R, r0, n);
      const w = rowsCopy(table, r0, n, H, "mlm.table_chunk");
      if (i === 0) matmulNN(part, w, dy);
      else accumulate(dy, matmulNN(part, w));
      const dw = rowsCopy(dtable, r0, n, H, "mlm.dtable_chunk");
      matmulTN(part, y, dw, true);
      recordCopy(y.gpu, dw.buffer, 0, dtable.buffer, r0 * H * 4, n * H * 4);
      const db = rowsCopy(dbias, r0, n, 1, "mlm.dbias_chunk");
      biasGrad(part, db, true);
      recordCopy(y.gpu, db.buffer, 0, dbias.buffer, r0 * 4, n * 4);
    });
  });
  return dy;
}
