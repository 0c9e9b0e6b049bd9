// Matmul family: linear (X·Wᵀ + b), matmulNN (A·B), matmulTN (Aᵀ·B, write and accumulate), biasGrad,
// linearBackward; against a float64 reference and against PyTorch goldens (scripts/golden/matmul.py).
// Tolerance: |got − want| ≤ 1e-4·|want| + 1e-5·max|want| (f32 accumulation over K terms; the measured
// max|err|/max|ref| is 7e-8..2e-6: 1.9e-6 with K = 3072, 1.2e-6 for dX at 64×768×768, 3.6e-7 vs torch at scale 100).
import { getGpu, Tensor } from "../../src/index.ts";
import { biasGrad, CPU_TILE, CPU_TILE_NARROW, cpuTile, GPU_TILE, linear, linearBackward, linearGelu, type MatmulImg, matmulNN, matmulTN, type MatmulTile, setMatmulImg, setMatmulTile, setMatmulVec4 } from "../../src/kernels/matmul.ts";
import type { ImgTile } from "../../src/kernels/matmul_img.ts";
import { isSoftwareAdapter } from "../../src/gpu/device.ts";
import { setProfiler, sync } from "../../src/gpu/recorder.ts";
import { activationBackward, activationForward } from "../../src/kernels/elementwise.ts";
import { assertClose, type Cases, randn } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { colSumRef, linearRef, matmulNNRef, matmulTNRef } from "../ref/matmul.ts";

function check(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]));
  assertClose(name, got, want, { rtol: 1e-4, atol: 1e-5 * (m || 1) });
}

// [M, N, K]: M rows, N outputs, K reduction (for NN: a [M,N]·b [N,K]; for TN: a [M,N], b [M,K])
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 17, 33], [17, 3, 130], [33, 130, 17], [64, 64, 64], [130, 33, 70], [65, 129, 31], [2, 5, 300],
  // multiples of 4 in K and in the output width: the shapes the vec4 variants (below) also run on
  [5, 12, 20], [130, 36, 8], [17, 4, 4], [9, 40, 132],
];
// the same products with every vec4 variant on (nn/tn "n4" are opt-in: setMatmulVec4("all"))
const VEC4_SHAPES: [number, number, number][] = [[5, 12, 20], [130, 36, 8], [17, 4, 4], [9, 40, 132]];
// the direct tile the vec4 cases run on: n4 gives each thread 4 consecutive columns, so it needs RN = 4
const VEC4_TILE: MatmulTile = { BM: 8, BN: 32, BK: 1, RM: 8, RN: 4, direct: true };

export const cases: Cases = {};

for (const [M, N, K] of SHAPES) {
  const scale = M === 130 ? 100 : 1; // one shape with large values
  cases[`linear ± bias ${M}x${N}x${K}`] = async () => {
    const g = await getGpu();
    const xs = randn(M * K, 1 + M, scale), ws = randn(N * K, 2 + N, scale), bs = randn(N, 3, scale);
    const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]);
    const y = linear(x, w, b);
    const y0 = linear(x, w);
    check("linear+bias", await y.read(), linearRef(xs, ws, bs, M, N, K));
    check("linear", await y0.read(), linearRef(xs, ws, null, M, N, K));
    for (const t of [x, w, b, y, y0]) t.release();
  };
  cases[`matmulNN ${M}x${N}·${N}x${K}`] = async () => {
    const g = await getGpu();
    const as = randn(M * N, 4 + M, scale), bs = randn(N * K, 5 + K, scale);
    const a = Tensor.from(g, as, [M, N]), b = Tensor.from(g, bs, [N, K]);
    const c = matmulNN(a, b);
    check("matmulNN", await c.read(), matmulNNRef(as, bs, M, N, K));
    for (const t of [a, b, c]) t.release();
  };
  cases[`matmulTN + biasGrad, write and accumulate ${M}x${N}, ${M}x${K}`] = async () => {
    const g = await getGpu();
    const as = randn(M * N, 6 + M, scale), bs = randn(M * K, 7 + K, scale), os = randn(N * K, 8), ds = randn(N, 9);
    const a = Tensor.from(g, as, [M, N]), b = Tensor.from(g, bs, [M, K]);
    const out = Tensor.from(g, os, [N, K]), db = Tensor.from(g, ds, [N]);
    const ref = matmulTNRef(as, bs, M, N, K), cs = colSumRef(as, M, N);
    matmulTN(a, b, out, false);
    biasGrad(a, db, false);
    check("matmulTN write", await out.read(), ref);
    check("biasGrad write", await db.read(), cs);
    matmulTN(a, b, out, true);
    biasGrad(a, db, true);
    check("matmulTN accumulate", await out.read(), Array.from(ref, (v) => 2 * v));
    check("biasGrad accumulate", await db.read(), Array.from(cs, (v) => 2 * v));
    for (const t of [a, b, out, db]) t.release();
  };
}

cases["BERT-ish linear + backward 64x768x768"] = async () => {
  const g = await getGpu();
  const M = 64, N = 768, K = 768;
  const xs = randn(M * K, 11), ws = randn(N * K, 12, 0.05), bs = randn(N, 13), dys = randn(M * N, 14);
  const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]), dy = Tensor.from(g, dys, [M, N]);
  const dw = Tensor.empty(g, [N, K]), db = Tensor.empty(g, [N]);
  const y = linear(x, w, b);
  const dx = linearBackward(x, w, dy, { dw, db, accumulate: false })!;
  check("linear", await y.read(), linearRef(xs, ws, bs, M, N, K));
  check("dx", await dx.read(), matmulNNRef(dys, ws, M, N, K));
  check("dw", await dw.read(), matmulTNRef(dys, xs, M, N, K));
  check("db", await db.read(), colSumRef(dys, M, N));
  for (const t of [x, w, b, dy, dw, db, y, dx]) t.release();
};

// Leading dims, PyTorch autograd goldens, dx=false, and frozen layers (no dw/db).
for (const name of ["a", "b", "c", "d"]) {
  cases[`torch golden linear forward+backward '${name}'`] = async () => {
    const g = await getGpu();
    const f = (k: string) => get("matmul", `${name}.${k}`);
    const t = (k: string) => Tensor.from(g, f(k).data, f(k).shape);
    const x = t("x"), w = t("w"), b = t("b"), dy = t("dy");
    const [N, K] = w.shape;
    const y = linear(x, w, b);
    if (y.shape.join() !== f("y").shape.join()) throw new Error(`linear: shape [${y.shape}] vs torch [${f("y").shape}]`);
    check("linear vs torch", await y.read(), f("y").data);
    const dw = Tensor.from(g, new Float32Array(N * K).fill(7), [N, K]), db = Tensor.empty(g, [N]);
    const dx = linearBackward(x, w, dy, { dw, db, accumulate: false })!;
    check("dx vs torch", await dx.read(), f("dx").data);
    check("dw vs torch", await dw.read(), f("dw").data);
    check("db vs torch", await db.read(), f("db").data);
    // second micro-batch accumulates; dx=false returns null; a frozen layer computes only dx
    if (linearBackward(x, w, dy, { dx: false, dw, db, accumulate: true }) !== null) throw new Error("dx:false must return null");
    check("dw accumulated", await dw.read(), Array.from(f("dw").data, (v) => 2 * v));
    check("db accumulated", await db.read(), Array.from(f("db").data, (v) => 2 * v));
    const dx2 = linearBackward(x, w, dy, { accumulate: false })!;
    check("dx frozen layer", await dx2.read(), f("dx").data);
    for (const u of [x, w, b, dy, y, dw, db, dx, dx2]) u.release();
  };
}

// Row chunking for tensors over the binding limit, exercised by pretending the limit is tiny.
cases["row chunks over the binding limit"] = async () => {
  const g = await getGpu();
  const M = 200, N = 33, K = 17;
  const xs = randn(M * K, 21), ws = randn(N * K, 22), bs = randn(N, 23), dys = randn(M * N, 24);
  const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]), dy = Tensor.from(g, dys, [M, N]);
  const dw = Tensor.empty(g, [N, K]), db = Tensor.empty(g, [N]);
  const saved = g.caps.maxBinding;
  g.caps.maxBinding = 64 * N * 4 + 4; // 64 rows of the widest tensor: 4 chunks (64+64+64+8 rows)
  let y: Tensor, dx: Tensor;
  try {
    y = linear(x, w, b);
    dx = linearBackward(x, w, dy, { dw, db, accumulate: false })!;
  } finally {
    g.caps.maxBinding = saved;
  }
  check("linear chunked", await y.read(), linearRef(xs, ws, bs, M, N, K));
  check("dx chunked", await dx.read(), matmulNNRef(dys, ws, M, N, K));
  check("dw chunked", await dw.read(), matmulTNRef(dys, xs, M, N, K));
  check("db chunked", await db.read(), colSumRef(dys, M, N));
  for (const t of [x, w, b, dy, dw, db, y, dx]) t.release();
};

// The other tile paths through the same code: the staged GPU tile, a non-square staged tile (8-deep
// slabs, 2×4 per thread), and the direct CPU tile, whichever one this adapter picks by default.
const TILES: [string, MatmulTile][] = [
  ["staged GPU tile 64x64/16, 4x4", GPU_TILE],
  ["staged 32x64/8, 2x4", { BM: 32, BN: 64, BK: 8, RM: 2, RN: 4 }],
  ["direct CPU tile 12x96, 12x12", CPU_TILE],
  ["direct CPU tile for narrow outputs 12x64, 12x8", CPU_TILE_NARROW],
  ["direct 8x32, 8x4 per thread", { BM: 8, BN: 32, BK: 1, RM: 8, RN: 4, direct: true }],
  ["direct 16x16 k-unroll 4, 4x2 per thread", { BM: 16, BN: 16, BK: 4, RM: 4, RN: 2, direct: true }],
];
cases["CPU tile by output width: 12x8 for narrow outputs (64, 128), 12x12 for wide ones (768, 3072)"] = async () => {
  for (const [N, want] of [[64, CPU_TILE_NARROW], [128, CPU_TILE_NARROW], [768, CPU_TILE], [3072, CPU_TILE], [96, CPU_TILE]] as const) {
    if (cpuTile(N) !== want) throw new Error(`cpuTile(${N}) is ${JSON.stringify(cpuTile(N))}, expected ${JSON.stringify(want)}`);
  }
};

for (const [name, tile] of TILES) {
  cases[`tile ${name}`] = async () => {
    const g = await getGpu();
    setMatmulTile(tile);
    try {
      const M = 70, N = 45, K = 33;
      const xs = randn(M * K, 31), ws = randn(N * K, 32), bs = randn(N, 33);
      const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]);
      const y = linear(x, w, b);
      const dx = matmulNN(y, w);
      const dw = Tensor.empty(g, [N, K]);
      matmulTN(y, x, dw, false);
      const yr = linearRef(xs, ws, bs, M, N, K);
      check("linear", await y.read(), yr);
      check("nn", await dx.read(), matmulNNRef(yr, ws, M, N, K));
      check("tn", await dw.read(), matmulTNRef(yr, xs, M, N, K));
      for (const t of [x, w, b, y, dx, dw]) t.release();
    } finally {
      setMatmulTile(null);
    }
  };
}

// Bias + GELU in the matmul's epilogue (linearGelu): `pre` is bit for bit linear(x, w, b), and `out` is
// GELU(pre) as the standalone GELU kernel computes it (the same WGSL function; 1e-6 relative, in case a
// compiler contracts it differently in another module), on the staged and direct tiles, vec4 and row chunks.
cases["GELU in matmul epilogues: linearGelu's pre equals linear and out the GELU kernel; linearBackward with geluOf equals dX then GELU' (staged, direct, vec4, row chunks)"] = async () => {
  const g = await getGpu();
  const M = 130, N = 36, K = 20;
  const xs = randn(M * K, 51, 2), ws = randn(N * K, 52), bs = randn(N, 53), zs = randn(M * K, 54, 2), dys = randn(M * N, 55);
  const runs: [string, MatmulTile | null, boolean, boolean][] = [
    ["default tile", null, false, false], ["staged GPU tile", GPU_TILE, false, false], ["direct CPU tile", CPU_TILE, false, false],
    ["vec4", CPU_TILE, true, false], ["row chunks", null, false, true],
  ];
  for (const [name, tile, vec4, chunked] of runs) {
    setMatmulTile(tile);
    setMatmulVec4(vec4 ? "nt" : "off");
    const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]);
    // backward through a Linear whose input was GELU(z): dz from the nn matmul's epilogue vs dX then GELU'
    const z = Tensor.from(g, zs, [M, K]), dy = Tensor.from(g, dys, [M, N]);
    const gz = activationForward("gelu", z); // before the binding limit is lowered: the GELU kernels do not chunk
    const saved = g.caps.maxBinding;
    if (chunked) g.caps.maxBinding = 64 * N * 4 + 4;
    try {
      const { pre, out } = linearGelu(x, w, b);
      const y = linear(x, w, b);
      const dzFused = linearBackward(gz, w, dy, { accumulate: false, geluOf: z })!;
      const dgz = linearBackward(gz, w, dy, { accumulate: false })!;
      g.caps.maxBinding = saved;
      const act = activationForward("gelu", y);
      const dz = activationBackward("gelu", z, dgz);
      const [p, o, yy, aa] = [await pre.read(), await out.read(), await y.read(), await act.read()];
      for (let i = 0; i < yy.length; i++) if (p[i] !== yy[i]) throw new Error(`${name}: pre[${i}] = ${p[i]}, linear gives ${yy[i]}`);
      assertClose(`${name}: gelu`, o, aa, { rtol: 1e-6, atol: 1e-7 });
      check(`${name}: pre vs f64`, p, linearRef(xs, ws, bs, M, N, K));
      assertClose(`${name}: dz = dX ⊙ GELU'(z)`, await dzFused.read(), await dz.read(), { rtol: 1e-6, atol: 1e-7 });
      for (const t of [pre, out, y, act, gz, dzFused, dgz, dz]) t.release();
    } finally {
      for (const t of [x, w, b, z, dy]) t.release();
      g.caps.maxBinding = saved;
      setMatmulVec4("off");
      setMatmulTile(null);
    }
  }
};

// The vec4 variants (direct path, K or N a multiple of 4) keep the scalar kernels' fma order: the results
// must be bit-identical to the scalar path, for linear ± bias, NN, TN (write then accumulate) and row chunks.
cases["vec4 variants equal the scalar path bit for bit (incl. row chunks)"] = async () => {
  const g = await getGpu();
  const M = 200, N = 36, K = 20;
  const xs = randn(M * K, 41, 10), ws = randn(N * K, 42), bs = randn(N, 43), dys = randn(M * N, 44);
  const run = async (vec4: boolean, chunked: boolean) => {
    setMatmulVec4(vec4 ? "all" : "off");
    setMatmulTile(VEC4_TILE); // n4 needs 4 columns per thread
    const saved = g.caps.maxBinding;
    if (chunked) g.caps.maxBinding = 64 * N * 4 + 4;
    const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]), dy = Tensor.from(g, dys, [M, N]);
    const dw = Tensor.empty(g, [N, K]);
    try {
      const y = linear(x, w, b), y0 = linear(x, w);
      const dx = matmulNN(dy, w);
      matmulTN(dy, x, dw, false);
      matmulTN(dy, x, dw, true);
      const out = [await y.read(), await y0.read(), await dx.read(), await dw.read()];
      for (const t of [x, w, b, dy, dw, y, y0, dx]) t.release();
      return out;
    } finally {
      g.caps.maxBinding = saved;
      setMatmulVec4("off"); // the default
      setMatmulTile(null);
    }
  };
  const ref = await run(false, false);
  check("vec4 linear", ref[0], linearRef(xs, ws, bs, M, N, K));
  const dwRef = matmulTNRef(dys, xs, M, N, K).map((v) => 2 * v);
  check("vec4 dw accumulated", ref[3], dwRef);
  // chunked TN sums row chunks separately, so each vec4 run is compared with the scalar run of its mode
  const refChunked = await run(false, true);
  check("vec4 dw chunked", refChunked[3], dwRef);
  for (const chunked of [false, true]) {
    const vec4 = true;
    const want = chunked ? refChunked : ref;
    const got = await run(vec4, chunked);
    ["linear+b", "linear", "nn", "tn"].forEach((what, i) => {
      for (let j = 0; j < ref[i].length; j++) {
        if (got[i][j] !== want[i][j]) throw new Error(`${what} (vec4, chunked ${chunked}): [${j}] ${got[i][j]} != scalar ${want[i][j]}`);
      }
    });
  }
};

for (const [M, N, K] of VEC4_SHAPES) {
  cases[`all vec4 variants (nt k4, nn/tn n4) ${M}x${N}x${K}`] = async () => {
    const g = await getGpu();
    setMatmulVec4("all");
    setMatmulTile(VEC4_TILE); // n4 needs 4 columns per thread
    try {
      const xs = randn(M * K, 51, 3), ws = randn(N * K, 52), bs = randn(N, 53), dys = randn(M * N, 54);
      const x = Tensor.from(g, xs, [M, K]), w = Tensor.from(g, ws, [N, K]), b = Tensor.from(g, bs, [N]), dy = Tensor.from(g, dys, [M, N]);
      const dw = Tensor.empty(g, [N, K]);
      const y = linear(x, w, b);
      const dx = matmulNN(dy, w);
      matmulTN(dy, x, dw, false);
      check("linear", await y.read(), linearRef(xs, ws, bs, M, N, K));
      check("nn", await dx.read(), matmulNNRef(dys, ws, M, N, K));
      check("tn", await dw.read(), matmulTNRef(dys, xs, M, N, K));
      for (const t of [x, w, b, dy, dw, y, dx]) t.release();
    } finally {
      setMatmulVec4("off");
      setMatmulTile(null);
    }
  };
}

// The image path of CPU adapters (src/kernels/matmul_img.ts): the same fma order as the buffer kernels, so
// every image tile, with and without subgroup broadcasts, equals the buffer path bit for bit, for every
// product and epilogue, tn written and accumulated, and with row chunks (a lowered binding limit). Operand
// rows must be whole texels (multiples of 4 floats); the others keep the buffer path. Forced tiles run on
// any adapter (sg falls back to direct loads without subgroups).
const IMG_TILES_TESTED: ImgTile[] = [
  { RM: 4, RN: 1, sg: false }, { RM: 8, RN: 3, sg: false }, { RM: 8, RN: 1, sg: true }, { RM: 16, RN: 2, sg: true }, { RM: 12, RN: 1, sg: true },
];
for (const [M, N, K] of [[1, 64, 64], [37, 128, 192], [300, 192, 64], [9, 64, 320], [5, 12, 20], [130, 36, 8], [17, 4, 4], [70, 44, 100]] as const) {
  cases[`image path: every tile equals the buffer kernels bit for bit ${M}x${N}x${K}`] = async () => {
    const g = await getGpu();
    const xs = randn(M * K, 61 + M, 3), ws = randn(N * K, 62), bs = randn(N, 63), dys = randn(M * N, 64), zs = randn(M * K, 65), os = randn(N * K, 66);
    const run = async (mode: MatmulImg, chunked = false) => {
      setMatmulImg(mode);
      const saved = g.caps.maxBinding;
      const ts = [Tensor.from(g, xs, [M, K]), Tensor.from(g, ws, [N, K]), Tensor.from(g, bs, [N]), Tensor.from(g, dys, [M, N]), Tensor.from(g, zs, [M, K])];
      const [x, w, b, dy, z] = ts;
      // a binding limit that fits the weight and 64 rows of the widest activation: the activations go in
      // row chunks, and tn adds up partial sums
      if (chunked) g.caps.maxBinding = Math.max(N * K, 64 * Math.max(N, K)) * 4 + 4;
      try {
        const gelu = linearGelu(x, w, b);
        const dw = Tensor.from(g, os, [N, K]), dw0 = Tensor.empty(g, [N, K]);
        matmulTN(dy, x, dw, true);
        matmulTN(dy, x, dw0, false);
        const outs = [linear(x, w, b), linear(x, w), gelu.pre, gelu.out, matmulNN(dy, w), matmulNN(dy, w, undefined, z), dw, dw0];
        g.caps.maxBinding = saved;
        const read = [];
        for (const t of outs) read.push(await t.read());
        for (const t of [...ts, ...outs]) t.release();
        return read;
      } finally {
        g.caps.maxBinding = saved;
        setMatmulImg("auto");
      }
    };
    const names = ["linear+b", "linear", "gelu pre", "gelu out", "nn", "nn·gelu'", "tn accumulate", "tn write"];
    const ref = await run("off");
    check("nt vs f64", ref[0], linearRef(xs, ws, bs, M, N, K));
    check("nn vs f64", ref[4], matmulNNRef(dys, ws, M, N, K));
    check("tn vs f64", ref[7], matmulTNRef(dys, xs, M, N, K));
    const same = (what: string, got: Float32Array[], want: Float32Array[]) =>
      names.forEach((n, i) => {
        for (let j = 0; j < want[i].length; j++) if (got[i][j] !== want[i][j]) throw new Error(`${what} ${n}: [${j}] ${got[i][j]} != buffer path ${want[i][j]}`);
      });
    for (const t of IMG_TILES_TESTED) same(JSON.stringify(t), await run(t), ref);
    if (M >= 128) {
      const chunked = await run("off", true);
      same("auto, row chunks", await run("auto", true), chunked);
      same("image 8x1 sg, row chunks", await run({ RM: 8, RN: 1, sg: true }, true), chunked);
    }
  };
}

cases["image path: a CPU adapter takes it where operand rows are whole texels (4 floats), the buffer kernels elsewhere"] = async () => {
  const g = await getGpu();
  const details: string[] = [];
  setProfiler(g, { begin: (info) => (details.push(info.detail ?? ""), undefined), beforeSubmit: () => {} });
  try {
    const x = Tensor.from(g, randn(16 * 64, 1), [16, 64]), w = Tensor.from(g, randn(128 * 64, 2), [128, 64]);
    const w2 = Tensor.from(g, randn(42 * 64, 3), [42, 64]), x3 = Tensor.from(g, randn(16 * 30, 4), [16, 30]), w3 = Tensor.from(g, randn(8 * 30, 5), [8, 30]);
    // nt reads x and w (rows of 64); nt with w2 too, but nn's dY rows (42) are not whole texels; K = 30 is not either
    const y = linear(x, w), y2 = linear(x, w2), dx2 = matmulNN(y2, w2), y3 = linear(x3, w3);
    await sync(g);
    for (const t of [x, w, w2, x3, w3, y, y2, dx2, y3]) t.release();
    const img = details.map((d) => d.includes("(image "));
    const want = isSoftwareAdapter(g) ? [true, true, false, false] : [false, false, false, false];
    if (img.join() !== want.join()) throw new Error(`image path per product ${img}, expected ${want}: ${details.join(" | ")}`);
  } finally {
    setProfiler(g, null);
  }
};
