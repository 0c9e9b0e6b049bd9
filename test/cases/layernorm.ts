// LayerNorm forward (y, mean, rstd) and backward (dx, dgamma, dbeta incl. accumulate and frozen) against
// the float64 reference (test/ref/layernorm.ts) and PyTorch goldens (scripts/golden/layernorm.py).
// Tolerance: max relative error ≤ 1e-4, i.e. |got − want| ≤ 1e-4·|want| + 1e-4·max|want| elementwise,
// including rows offset by ±1e3 (C = 768) and C up to 4096.
import { getGpu, Tensor } from "../../src/index.ts";
import { layernormBackward, layernormForward, residualLayernormBackward } from "../../src/kernels/layernorm.ts";
import { dropoutMask } from "../../src/kernels/dropout.ts";
import { assertClose, type Cases, randn, withKernelVariants, KERNEL_VARIANTS } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { layernormBackwardRef, layernormRef } from "../ref/layernorm.ts";

const REL = 1e-4;

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i])) throw new Error(`${name}: the expected value at ${i} is ${want[i]} (bad fixture?)`);
    m = Math.max(m, Math.abs(want[i]));
  }
  // an absolute floor of 1e-7 for tensors that are zero up to rounding (C = 1: dgamma ≈ 1e-18)
  assertClose(name, got, want, { rtol: REL, atol: Math.max(REL * m, 1e-7) });
}

export const cases: Cases = {};

// shape, offset, scale, eps
const SHAPES: [number[], number, number, number][] = [
  [[1, 1], 0, 1, 1e-5],
  [[3, 17], 0, 2, 1e-5],
  [[33, 130], 0.5, 10, 1e-12],
  [[2, 3, 768], 1000, 1, 1e-12], // leading dims + large offset
  [[2, 768], -1000, 0.5, 1e-5],
  [[200, 7], 0, 1, 1e-5], // many rows: several dgamma chunks
  [[2, 4096], 3, 1, 1e-5],
  [[33000, 2], 0, 1, 1e-5], // > 32768 rows: the dgamma chunk count hits its cap of 1024
];

// Both row layouts on every adapter: "gpu" (a workgroup per row, tree reductions) and "cpu" (one
// invocation per row); the adapter's own choice is one of them (src/kernels/grid.ts rowLayout).
for (const layout of KERNEL_VARIANTS) for (const [shape, off, scale, eps] of SHAPES) {
  cases[`forward+backward [${shape}] offset ${off} scale ${scale}, ${layout} variants`] = () => withKernelVariants(layout, async () => {
    const g = await getGpu();
    const C = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    const seed = n + C;
    const xs = Float32Array.from(randn(n, seed, scale), (v) => v + off);
    const gs = Float32Array.from(randn(C, seed + 1, 0.5), (v) => 1 + v);
    const bs = Float32Array.from(randn(C, seed + 2, 0.5));
    const dys = Float32Array.from(randn(n, seed + 3));
    const x = Tensor.from(g, xs, shape), gamma = Tensor.from(g, gs, [C]), beta = Tensor.from(g, bs, [C]);
    const dy = Tensor.from(g, dys, shape);
    const { y, mean, rstd } = layernormForward(x, gamma, beta, eps);
    const dgamma = Tensor.empty(g, [C]), dbeta = Tensor.empty(g, [C]);
    const dx = layernormBackward(dy, x, mean, rstd, gamma, { dgamma, dbeta, accumulate: false });
    const ref = layernormRef(xs, gs, bs, C, eps);
    const bref = layernormBackwardRef(dys, xs, gs, C, eps);
    close("y", await y.read(), ref.y);
    close("mean", await mean.read(), ref.mean);
    close("rstd", await rstd.read(), ref.rstd);
    close("dx", await dx.read(), bref.dx);
    close("dgamma", await dgamma.read(), bref.dgamma);
    close("dbeta", await dbeta.read(), bref.dbeta);
    for (const t of [x, gamma, beta, dy, y, mean, rstd, dgamma, dbeta, dx]) t.release();
  });
}

// The residual form, r = dropout(a) + b then LayerNorm, and its backward (dr, and da = dr through the same
// dropout), against the float64 reference on r built from the CPU twin of the dropout mask: the fused
// kernels must keep exactly the elements dropoutForward keeps.
for (const layout of KERNEL_VARIANTS) for (const [shape, p] of [[[33, 130], 0.1], [[2, 3, 768], 0.5], [[5, 64], 0]] as [number[], number][]) {
  cases[`residual form [${shape}] dropout ${p}, ${layout} variants`] = () => withKernelVariants(layout, async () => {
    const g = await getGpu();
    const C = shape[shape.length - 1];
    const n = shape.reduce((x, y) => x * y, 1);
    const seed = 977, stream = 5, eps = 1e-12;
    const as = Float32Array.from(randn(n, 31, 2)), bsr = Float32Array.from(randn(n, 32, 1));
    const gs = Float32Array.from(randn(C, 33, 0.5), (v) => 1 + v), bs = Float32Array.from(randn(C, 34, 0.5));
    const dys = Float32Array.from(randn(n, 35));
    const mask = dropoutMask(n, p, seed, stream);
    const scale = p > 0 ? Math.fround(1 / (1 - p)) : 1;
    const rs = Float32Array.from(as, (v, i) => (mask[i] ? Math.fround(v * scale) : 0) + bsr[i]);
    const a = Tensor.from(g, as, shape), b = Tensor.from(g, bsr, shape), dy = Tensor.from(g, dys, shape);
    const gamma = Tensor.from(g, gs, [C]), beta = Tensor.from(g, bs, [C]);
    const drop = { p, seed, stream };
    const { y, mean, rstd, r } = layernormForward(a, gamma, beta, eps, { residual: b, dropout: drop });
    if (!r) throw new Error("the residual form returns r");
    // r: one f32 rounding of v·scale + b (a fused multiply-add may round once instead of twice)
    assertClose("r", await r.read(), rs, { rtol: 1e-6, atol: 1e-6 });
    const ref = layernormRef(rs, gs, bs, C, eps);
    close("y", await y.read(), ref.y);
    close("mean", await mean.read(), ref.mean);
    close("rstd", await rstd.read(), ref.rstd);
    const dgamma = Tensor.empty(g, [C]), dbeta = Tensor.empty(g, [C]);
    const { dr, da } = residualLayernormBackward(dy, r, mean, rstd, gamma, { dgamma, dbeta, accumulate: false }, drop);
    const bref = layernormBackwardRef(dys, rs, gs, C, eps);
    close("dr", await dr.read(), bref.dx);
    close("da", await da.read(), Array.from(bref.dx, (v, i) => (mask[i] ? v * scale : 0)));
    close("dgamma", await dgamma.read(), bref.dgamma);
    close("dbeta", await dbeta.read(), bref.dbeta);
    if ((p === 0) !== (da === dr)) throw new Error(`da is ${da === dr ? "" : "not "}dr itself with dropout ${p}`);
    // da is exactly dr through dropout: the same mask and scale as the standalone kernel
    const drv = await dr.read(), dav = await da.read();
    for (let i = 0; i < n; i++) {
      const want = mask[i] ? Math.fround(drv[i] * scale) : 0;
      if (dav[i] !== want) throw new Error(`da[${i}] = ${dav[i]}, dropout of dr gives ${want}`);
    }
    for (const t of new Set([a, b, dy, gamma, beta, y, mean, rstd, r, dgamma, dbeta, dr, da])) t.release();
  });
}

cases["residual form: dropout without a residual, or with p outside [0, 1], is refused"] = async () => {
  const g = await getGpu();
  const x = Tensor.zeros(g, [2, 4]), gamma = Tensor.zeros(g, [4]), beta = Tensor.zeros(g, [4]);
  let msg = "";
  try {
    layernormForward(x, gamma, beta, 1e-5, { dropout: { p: 0.1, seed: 1, stream: 1 } });
  } catch (e) {
    msg = (e as Error).message;
  }
  if (!/residual/.test(msg)) throw new Error(`expected a one-line error about the residual form, got '${msg}'`);
  // a probability outside [0, 1] (NaN too) is refused in both directions, before anything is recorded
  for (const p of [1.5, NaN]) {
    const drop = { p, seed: 1, stream: 1 };
    for (const [what, run] of [
      ["forward", () => layernormForward(x, gamma, beta, 1e-5, { residual: x, dropout: drop })],
      ["backward", () => residualLayernormBackward(x, x, Tensor.zeros(g, [2]), Tensor.zeros(g, [2]), gamma, { accumulate: false }, drop)],
    ] as const) {
      let m = "";
      try {
        run();
      } catch (e) {
        m = (e as Error).message;
      }
      if (!/dropout probability must be in \[0, 1\]/.test(m) || m.includes("\n")) throw new Error(`${what} with p = ${p}: got '${m}'`);
    }
  }
  for (const t of [x, gamma, beta]) t.release();
};

cases["backward accumulate, dbeta only, frozen"] = async () => {
  const g = await getGpu();
  const R = 9, C = 33;
  const xs = Float32Array.from(randn(R * C, 11, 3)), gs = Float32Array.from(randn(C, 12)), dys = Float32Array.from(randn(R * C, 13));
  const x = Tensor.from(g, xs, [R, C]), gamma = Tensor.from(g, gs, [C]), beta = Tensor.zeros(g, [C]);
  const dy = Tensor.from(g, dys, [R, C]);
  const { y, mean, rstd } = layernormForward(x, gamma, beta, 1e-5);
  const bref = layernormBackwardRef(dys, xs, gs, C, 1e-5);
  const init = randn(C, 14);
  const dgamma = Tensor.from(g, init, [C]), dbeta = Tensor.from(g, init, [C]);
  const dx1 = layernormBackward(dy, x, mean, rstd, gamma, { dgamma, dbeta, accumulate: true });
  close("dgamma +=", await dgamma.read(), Array.from(init, (v, i) => v + bref.dgamma[i]));
  close("dbeta +=", await dbeta.read(), Array.from(init, (v, i) => v + bref.dbeta[i]));
  // only dbeta requested: dgamma must stay untouched
  const dx2 = layernormBackward(dy, x, mean, rstd, gamma, { dbeta, accumulate: false });
  close("dbeta only", await dbeta.read(), bref.dbeta);
  close("dgamma untouched", await dgamma.read(), Array.from(init, (v, i) => v + bref.dgamma[i]));
  // frozen layer: no parameter grads, dx still right
  const dx3 = layernormBackward(dy, x, mean, rstd, gamma, { accumulate: false });
  for (const d of [dx1, dx2, dx3]) close("dx", await d.read(), bref.dx);
  for (const t of [x, gamma, beta, dy, y, mean, rstd, dgamma, dbeta, dx1, dx2, dx3]) t.release();
};

cases["shape errors name the op"] = async () => {
  const g = await getGpu();
  const x = Tensor.zeros(g, [2, 5]), gamma = Tensor.zeros(g, [4]), beta = Tensor.zeros(g, [5]);
  let msg = "";
  try {
    layernormForward(x, gamma, beta, 1e-5);
  } catch (e) {
    msg = (e as Error).message;
  }
  if (!/layernorm_forward: gamma has shape \[4\]/.test(msg)) throw new Error(`unexpected error: ${msg}`);
  for (const t of [x, gamma, beta]) t.release();
};

// eps per golden case (mirrors CASES in scripts/golden/layernorm.py)
const EPS: Record<string, number> = { r1c1: 1e-5, r3c17: 1e-5, r33c130: 1e-12, r5c768_off1e3: 1e-12, r4c300_big: 1e-5 };
const GOLDEN = Object.keys(EPS);
for (const name of GOLDEN) {
  cases[`golden torch ${name}`] = async () => {
    const g = await getGpu();
    const f = (k: string) => get("layernorm", `${name}.${k}`);
    const eps = EPS[name];
    const xf = f("x");
    const C = xf.shape[1];
    const x = Tensor.from(g, xf.data, xf.shape), gamma = Tensor.from(g, f("gamma").data, [C]);
    const beta = Tensor.from(g, f("beta").data, [C]), dy = Tensor.from(g, f("dy").data, xf.shape);
    const { y, mean, rstd } = layernormForward(x, gamma, beta, eps);
    const dgamma = Tensor.empty(g, [C]), dbeta = Tensor.empty(g, [C]);
    const dx = layernormBackward(dy, x, mean, rstd, gamma, { dgamma, dbeta, accumulate: false });
    close(`${name} y`, await y.read(), f("y").data);
    close(`${name} mean`, await mean.read(), f("mean").data);
    close(`${name} rstd`, await rstd.read(), f("rstd").data);
    close(`${name} dx`, await dx.read(), f("dx").data);
    close(`${name} dgamma`, await dgamma.read(), f("dgamma").data);
    close(`${name} dbeta`, await dbeta.read(), f("dbeta").data);
    for (const t of [x, gamma, beta, dy, y, mean, rstd, dgamma, dbeta, dx]) t.release();
  };
}
