// GELU (erf), ReLU, tanh, add, accumulate: forward and backward against a float64 reference.
// Tolerance: rtol 1e-5, atol 1e-6 (GELU's erf approximation has |error| < 1.2e-7).
import { getGpu, Tensor } from "../../src/index.ts";
import { activationBackward, activationForward, accumulate, add } from "../../src/kernels/elementwise.ts";
import { assertClose, type Cases, randn } from "../lib/check.ts";
import { erf } from "../ref/math.ts";

const TOL = { rtol: 1e-5, atol: 1e-6 };
const SIZES = [1, 3, 17, 130, 70000];

const ref = {
  gelu: (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  dgelu: (x: number) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  relu: (x: number) => Math.max(x, 0),
  tanh: (x: number) => Math.tanh(x),
};

export const cases: Cases = {};

for (const n of SIZES) {
  for (const act of ["gelu", "relu", "tanh"] as const) {
    cases[`${act} forward+backward n=${n}`] = async () => {
      const g = await getGpu();
      const xs = randn(n, n + 1, 6); // includes large |x| where tanh/GELU saturate
      const dys = randn(n, n + 2);
      const x = Tensor.from(g, xs, [n]);
      const dy = Tensor.from(g, dys, [n]);
      const y = activationForward(act, x);
      const dx = activationBackward(act, act === "gelu" ? x : y, dy);
      const want = Array.from(xs, (v) => ref[act](v));
      assertClose(`${act} forward`, await y.read(), want, TOL);
      const dwant = Array.from(xs, (v, i) => {
        const d = act === "gelu" ? ref.dgelu(v) : act === "relu" ? (v > 0 ? 1 : 0) : 1 - Math.tanh(v) ** 2;
        return dys[i] * d;
      });
      assertClose(`${act} backward`, await dx.read(), dwant, TOL);
      for (const t of [x, dy, y, dx]) t.release();
    };
  }
  cases[`add and accumulate n=${n}`] = async () => {
    const g = await getGpu();
    const as = randn(n, 7), bs = randn(n, 8);
    const a = Tensor.from(g, as, [n]), b = Tensor.from(g, bs, [n]);
    const c = add(a, b);
    accumulate(c, a); // c = 2a + b
    assertClose("add/accumulate", await c.read(), Array.from(as, (v, i) => 2 * v + bs[i]), TOL);
    for (const t of [a, b, c]) t.release();
  };
}

// A NaN must reach the loss (and its guard): max(NaN, 0) may give 0, which hid a diverged projection head.
cases["relu forward passes NaN and ±Inf through"] = async () => {
  const g = await getGpu();
  const x = Tensor.from(g, [NaN, -1, 2, Infinity, -Infinity, 0], [6]);
  const y = activationForward("relu", x);
  const got = Array.from(await y.read());
  x.release();
  y.release();
  const want = [NaN, 0, 2, Infinity, 0, 0];
  if (!got.every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i])))) throw new Error(`relu: got [${got}], expected [${want}]`);
};
