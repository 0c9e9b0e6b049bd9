// Frozen weights stored in f16 (--f16-frozen): the matmul family's f16-weight variants (forward with bias
// and GELU epilogues, and dX = dY·W with and without GELU'), the embedding gather from an f16 table, and
// the host-side f32 → f16 rounding. The reference is the f32 computation on the f16-rounded weights: the
// kernels convert each f16 element to f32 exactly and accumulate in f32 in the same order, so they must
// equal the f32 kernels on the rounded weights bit for bit, and a float64 CPU reference within the f32
// matmul tolerance of test/cases/matmul.ts.
import { getGpu, Tensor } from "../../src/index.ts";
import { CPU_TILE, GPU_TILE, linear, linearBackward, linearGelu, matmulNN, type MatmulTile, setMatmulTile, setMatmulVec4 } from "../../src/kernels/matmul.ts";
import { embeddingForward, rowChunks, setEmbeddingChunkBytes } from "../../src/kernels/embedding.ts";
import { f16Bits, f16Value, roundF16 } from "../../src/gpu/f16.ts";
import { assertClose, type Cases, randn } from "../lib/check.ts";
import { linearRef, matmulNNRef } from "../ref/matmul.ts";
import { embeddingForwardRef } from "../ref/embedding.ts";

export const cases: Cases = {};

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]));
  assertClose(name, got, want, { rtol: 1e-4, atol: 1e-5 * (m || 1) });
}

function same(name: string, got: Float32Array, want: Float32Array) {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${name}: element ${i} is ${got[i]}, the f32 kernel on the rounded weights gives ${want[i]}`);
  }
}

cases["f32 → f16 rounding (nearest, ties to even; subnormals; overflow)"] = async () => {
  const want: [number, number][] = [
    [1, 0x3c00], [-2, 0xc000], [0, 0], [65504, 0x7bff], [65520, 0x7c00], [2 ** -24, 1], [2 ** -25, 0], [3 * 2 ** -26, 1],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [2 ** -14, 0x0400], [0.1, 0x2e66], [-Infinity, 0xfc00],
  ];
  for (const [x, h] of want) if (f16Bits(x) !== h) throw new Error(`f16Bits(${x}) = 0x${f16Bits(x).toString(16)}, expected 0x${h.toString(16)}`);
  for (const h of [0x3c00, 0x0001, 0x03ff, 0x7bff, 0xbc01, 0x2e66]) if (f16Bits(f16Value(h)) !== h) throw new Error(`0x${h.toString(16)} does not round-trip`);
  if (!Number.isNaN(roundF16(NaN))) throw new Error("NaN must stay NaN");
};

// the shapes include odd element counts (an f16 weight padded to whole words) and K, N not multiples of 4
const SHAPES: [number, number, number][] = [[3, 17, 33], [33, 130, 17], [65, 129, 31], [9, 40, 132]];
const TILES: [string, MatmulTile | null][] = [["adapter's tile", null], ["staged GPU tile", GPU_TILE], ["direct CPU tile", CPU_TILE]];

for (const [tileName, tile] of TILES) {
  for (const [M, N, K] of SHAPES) {
    cases[`f16 weight: linear ± bias, linear+GELU, dX (± GELU') ${M}x${N}x${K}, ${tileName}`] = async () => {
      const g = await getGpu();
      // adapters without shader-f16 have no f16 variants (the CLI refuses --f16-frozen): nothing to check there
      if (!g.caps.f16) return;
      const xs = randn(M * K, 31 + M), ws = randn(N * K, 32 + N, 0.5), bs = randn(N, 33), dys = randn(M * N, 34 + K);
      const wr = Float32Array.from(ws, roundF16); // what the f16 weight holds
      const x = Tensor.from(g, xs, [M, K]), b = Tensor.from(g, bs, [N]), dy = Tensor.from(g, dys, [M, N]);
      const w16 = Tensor.from(g, ws, [N, K], "f16", "w16"), w32 = Tensor.from(g, wr, [N, K]);
      if (w16.bytes !== Math.ceil((N * K) / 2) * 4) throw new Error(`an f16 weight of ${N * K} elements takes ${w16.bytes} bytes`);
      setMatmulTile(tile);
      try {
        const y16 = linear(x, w16, b), y32 = linear(x, w32, b);
        const n16 = linear(x, w16), n32 = linear(x, w32);
        const gl16 = linearGelu(x, w16, b), gl32 = linearGelu(x, w32, b);
        const dx16 = linearBackward(x, w16, dy, { accumulate: false })!, dx32 = matmulNN(dy, w32);
        const geluOf = Tensor.from(g, randn(M * K, 35), [M, K]);
        const dg16 = matmulNN(dy, w16, undefined, geluOf), dg32 = matmulNN(dy, w32, undefined, geluOf);
        close("linear+bias vs CPU", await y16.read(), linearRef(xs, wr, bs, M, N, K));
        close("linear vs CPU", await n16.read(), linearRef(xs, wr, null, M, N, K));
        close("dX vs CPU", await dx16.read(), matmulNNRef(dys, wr, M, N, K));
        same("linear+bias", await y16.read(), await y32.read());
        same("linear", await n16.read(), await n32.read());
        same("linear+GELU pre", await gl16.pre.read(), await gl32.pre.read());
        same("linear+GELU out", await gl16.out.read(), await gl32.out.read());
        same("dX", await dx16.read(), await dx32.read());
        same("dX·GELU'", await dg16.read(), await dg32.read());
        for (const t of [y16, y32, n16, n32, gl16.pre, gl16.out, gl32.pre, gl32.out, dx16, dx32, geluOf, dg16, dg32]) t.release();
      } finally {
        setMatmulTile(null);
      }
      for (const t of [x, b, dy, w16, w32]) t.release();
    };
  }
}

cases["f16 weight with the vec4 variants on: scalar f16 kernels, same results"] = async () => {
  const g = await getGpu();
  if (!g.caps.f16) return;
  const M = 5, N = 12, K = 20;
  const xs = randn(M * K, 41), ws = randn(N * K, 42), dys = randn(M * N, 43);
  const wr = Float32Array.from(ws, roundF16);
  const x = Tensor.from(g, xs, [M, K]), dy = Tensor.from(g, dys, [M, N]);
  const w16 = Tensor.from(g, ws, [N, K], "f16"), w32 = Tensor.from(g, wr, [N, K]);
  setMatmulVec4("all");
  try {
    close("linear (vec4 mode)", await linear(x, w16).read(), linearRef(xs, wr, null, M, N, K));
    close("dX (vec4 mode)", await matmulNN(dy, w16).read(), matmulNNRef(dys, wr, M, N, K));
  } finally {
    setMatmulVec4("off");
  }
  for (const t of [x, dy, w16, w32]) t.release();
};

cases["f16 embedding table: gather and accumulate, whole and in row chunks"] = async () => {
  const g = await getGpu();
  if (!g.caps.f16) return;
  const V = 301, H = 18, n = 40;
  const table = randn(V * H, 51);
  const rounded = Float64Array.from(table, roundF16);
  const ids = Int32Array.from({ length: n }, (_, i) => (i * 37 + 5) % V);
  ids[3] = V - 1;
  const t16 = Tensor.from(g, table, [V, H], "f16", "table16");
  const base = randn(n * H, 52);
  for (const chunk of [null, 256 * 9]) { // 9·256 bytes: 64 rows of 36 bytes (the aligned step) per chunk → 5 chunks
    setEmbeddingChunkBytes(chunk);
    try {
      const parts = rowChunks(g, V, H, 2).length;
      if (parts !== (chunk ? 5 : 1)) throw new Error(`an f16 table of ${V} rows in ${parts} chunks`);
      const y = embeddingForward(t16, ids);
      assertClose(`gather (chunk ${chunk})`, await y.read(), embeddingForwardRef(rounded, V, H, ids), { rtol: 0, atol: 0 });
      const acc = Tensor.from(g, base, [n, H]);
      embeddingForward(t16, ids, acc, true);
      const want = embeddingForwardRef(rounded, V, H, ids).map((v, i) => Math.fround(Math.fround(base[i]) + v));
      assertClose(`accumulate (chunk ${chunk})`, await acc.read(), want, { rtol: 0, atol: 0 });
      for (const t of [y, acc]) t.release();
    } finally {
      setEmbeddingChunkBytes(null);
    }
  }
  t16.release();
};
