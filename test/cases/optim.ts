// Adam/AdamW kernels and the Adam class vs torch.optim (goldens) and a float64 TS reference; deterministic
// sum of squares / grad norm / clip coefficient; chunking of big tensors (forced small chunks).
// Tolerance: params after 3 steps rtol 1e-5 (atol 1e-7·max|p|); m and v rtol 1e-5 with atol 1e-6·max|·|
// (achieved max rel err ~1e-7); sum of squares rtol 1e-5 (f32 partial sums, 70000 elements).
// Frozen groups: bit-identical.
import { getGpu, Tensor } from "../../src/index.ts";
import {
  adamUpdate,
  adamwUpdate,
  clipScale,
  elementChunks,
  gradNorm,
  setOptimChunkBytes,
  sumOfSquares,
  zeroGrads,
} from "../../src/kernels/optim.ts";
import { Adam } from "../../src/train/adam.ts";
import { assertClose, type Cases, randn } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { adamRef, clipCoefRef, sumOfSquaresRef } from "../ref/optim.ts";

// mirrors scripts/golden/optim.py CONFIGS
const CONFIGS = [
  { name: "adam", decoupled: false, lr: 1e-3, wd: 0, b1: 0.9, b2: 0.999, eps: 1e-8, maxNorm: undefined, mul: 1 },
  { name: "adam_wd_lr2e-5", decoupled: false, lr: 2e-5, wd: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, maxNorm: undefined, mul: 1 },
  { name: "adamw_wd", decoupled: true, lr: 1e-3, wd: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, maxNorm: undefined, mul: 1 },
  { name: "adamw_lr2e-5", decoupled: true, lr: 2e-5, wd: 0, b1: 0.9, b2: 0.999, eps: 1e-8, maxNorm: undefined, mul: 1 },
  { name: "adam_betas_clip", decoupled: false, lr: 1e-3, wd: 0, b1: 0.8, b2: 0.99, eps: 1e-6, maxNorm: 1.0, mul: 5 },
  { name: "adamw_wd_noclip", decoupled: true, lr: 1e-3, wd: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, maxNorm: 1000.0, mul: 1 },
] as const;
const NT = 4;
const STEPS = 3;

function tolFor(want: ArrayLike<number>, rel: number) {
  let mx = 0;
  for (let i = 0; i < want.length; i++) mx = Math.max(mx, Math.abs(want[i]));
  return { rtol: 1e-5, atol: rel * mx };
}

const fx = (name: string) => get("optim", name);
const scaled = (a: ArrayLike<number>, s: number) => Float32Array.from(a, (x) => x * s);

export const cases: Cases = {};

CONFIGS.forEach((c, k) => {
  cases[`Adam class vs torch: ${c.name}`] = async () => {
    const g = await getGpu();
    const params = [...Array(NT).keys()].map((i) => {
      const p = fx(`p${i}`);
      return { name: `t${i}`, param: Tensor.from(g, p.data, p.shape), grad: Tensor.zeros(g, p.shape) };
    });
    const opt = new Adam([{ name: "all", params, enabled: true }], {
      lr: c.lr,
      beta1: c.b1,
      beta2: c.b2,
      eps: c.eps,
      weightDecay: c.wd,
      decoupled: c.decoupled,
      maxGradNorm: c.maxNorm,
    });
    for (let s = 0; s < STEPS; s++) {
      params.forEach((p, i) => p.grad.write(scaled(fx(`g${s}.${i}`).data, c.mul)));
      opt.step();
    }
    const st = await opt.state();
    if (st.step !== STEPS) throw new Error(`step count ${st.step}`);
    for (let i = 0; i < NT; i++) {
      const want = fx(`c${k}.p${i}`).data;
      assertClose(`${c.name} param ${i}`, await params[i].param.read(), want, tolFor(want, 1e-7));
      const wm = fx(`c${k}.m${i}`).data, wv = fx(`c${k}.v${i}`).data;
      assertClose(`${c.name} m ${i}`, st.params[`t${i}`].m, wm, tolFor(wm, 1e-6));
      assertClose(`${c.name} v ${i}`, st.params[`t${i}`].v, wv, tolFor(wv, 1e-6));
    }
    opt.release();
    for (const p of params) p.param.release(), p.grad.release();
  };
});

for (const decoupled of [false, true]) {
  for (const n of [1, 3, 17, 130, 70000]) {
    cases[`${decoupled ? "adamwUpdate" : "adamUpdate"} n=${n} vs float64 ref (gradScale, 3 steps)`] = async () => {
      const g = await getGpu();
      const p0 = Float64Array.from(Float32Array.from(randn(n, n, 2)));
      const param = Tensor.from(g, p0, [n]);
      const m = Tensor.zeros(g, [n]), v = Tensor.zeros(g, [n]);
      const grad = Tensor.empty(g, [n]);
      const rp = p0.slice(), rm = new Float64Array(n), rv = new Float64Array(n);
      for (let step = 1; step <= STEPS; step++) {
        const gr = Float32Array.from(randn(n, n * 10 + step, step === 2 ? 100 : 1)); // large grads at step 2
        grad.write(gr);
        const o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, step, gradScale: 0.5 };
        (decoupled ? adamwUpdate : adamUpdate)(param, grad, m, v, o);
        adamRef(rp, gr, rm, rv, { ...o, decoupled });
      }
      assertClose("param", await param.read(), rp, tolFor(rp, 1e-7));
      assertClose("m", await m.read(), rm, tolFor(rm, 1e-6));
      assertClose("v", await v.read(), rv, tolFor(rv, 1e-6));
      for (const t of [param, m, v, grad]) t.release();
    };
  }
}

cases["adam chunked (forced 1 KiB chunks) equals unchunked bit for bit"] = async () => {
  const g = await getGpu();
  const n = 1000; // 4000 bytes: 4 chunks of 256 floats, the last partial
  const p0 = randn(n, 1), gr = randn(n, 2);
  const run = async () => {
    const p = Tensor.from(g, p0, [n]), gt = Tensor.from(g, gr, [n]), m = Tensor.zeros(g, [n]), v = Tensor.zeros(g, [n]);
    for (let step = 1; step <= 2; step++) adamwUpdate(p, gt, m, v, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step });
    const sq = sumOfSquares([gt, p]);
    const out = [await p.read(), await m.read(), await v.read(), await sq.read()];
    for (const t of [p, gt, m, v, sq]) t.release();
    return out;
  };
  const whole = await run();
  setOptimChunkBytes(1024);
  try {
    if (elementChunks(g, n).length !== 4) throw new Error("expected 4 chunks");
    const chunked = await run();
    for (let j = 0; j < 3; j++) assertClose(`chunked ${j}`, chunked[j], whole[j], { rtol: 0, atol: 0 });
    const want = sumOfSquaresRef([Float32Array.from(gr), whole[0]]);
    assertClose("chunked sumOfSquares", chunked[3], [want], { rtol: 1e-6, atol: 0 });
  } finally {
    setOptimChunkBytes(null);
  }
};

for (const sizes of [[1], [3], [17], [70000], [1, 3, 17, 70000, 130]]) {
  cases[`sumOfSquares / gradNorm / clipScale sizes=${sizes}`] = async () => {
    const g = await getGpu();
    const data = sizes.map((n, i) => Float32Array.from(randn(n, 50 + i, 3)));
    const ts = data.map((d) => Tensor.from(g, d, [d.length]));
    const want = sumOfSquaresRef(data);
    const sq = sumOfSquares(ts);
    const sqv = await sq.read();
    assertClose("sumOfSquares", sqv, [want], { rtol: 1e-5, atol: 0 });
    const again = await sumOfSquares(ts).read();
    if (again[0] !== sqv[0]) throw new Error(`sumOfSquares not deterministic: ${again[0]} vs ${sqv[0]}`);
    const nrm = gradNorm(ts);
    assertClose("gradNorm", await nrm.read(), [Math.sqrt(want)], { rtol: 1e-5, atol: 0 });
    for (const maxNorm of [0.5, 1e9]) {
      const cs = clipScale(sq, maxNorm);
      assertClose(`clipScale ${maxNorm}`, await cs.read(), [clipCoefRef(want, maxNorm)], { rtol: 1e-5, atol: 0 });
      cs.release();
    }
    zeroGrads(ts);
    const z = await sumOfSquares(ts).read();
    if (z[0] !== 0) throw new Error("zeroGrads left non-zero values");
    for (const t of [...ts, sq, nrm]) t.release();
  };
}

cases["Adam: frozen group bit-identical, lazy m/v, zeroGrad, unfreeze, state round trip"] = async () => {
  const g = await getGpu();
  const mk = (name: string, n: number, seed: number) => ({
    name,
    param: Tensor.from(g, randn(n, seed), [n]),
    grad: Tensor.from(g, randn(n, seed + 1), [n]),
  });
  const a = [mk("a0", 17, 1), mk("a1", 3, 3)];
  const b = [mk("b0", 130, 5)];
  const opt = new Adam([{ name: "A", params: a, enabled: true }, { name: "B", params: b, enabled: false }], {
    lr: 1e-2,
    weightDecay: 0.01,
    decoupled: true,
    maxGradNorm: 0.1,
  });
  const b0 = await b[0].param.read();
  const bg = await b[0].grad.read();
  opt.step();
  opt.step();
  assertClose("frozen param", await b[0].param.read(), b0, { rtol: 0, atol: 0 });
  const st = await opt.state();
  if ("b0" in st.params) throw new Error("m/v allocated for a frozen group");
  opt.zeroGrad();
  assertClose("frozen grad kept by zeroGrad", await b[0].grad.read(), bg, { rtol: 0, atol: 0 });
  if ((await a[0].grad.read()).some((x) => x !== 0)) throw new Error("zeroGrad did not zero an enabled group");
  // unfreeze B: its first update uses bias-correction step 1 (per-parameter step, like PyTorch)
  opt.setEnabled("B", true);
  for (const p of [...a, ...b]) p.grad.write(Float32Array.from(randn(p.param.size, p.param.size + 40)));
  const saved = await opt.state();
  const snapshot = await Promise.all([...a, ...b].map((p) => p.param.read()));
  opt.step();
  const after = await Promise.all([...a, ...b].map((p) => p.param.read()));
  const st2 = await opt.state();
  if (st2.params.b0.step !== 1 || st2.params.a0.step !== 3 || st2.step !== 3) throw new Error("per-parameter step counts wrong");
  // resume: restore params and optimizer state, repeat the step: identical
  [...a, ...b].forEach((p, i) => p.param.write(snapshot[i]));
  const opt2 = new Adam([{ name: "A", params: a, enabled: true }, { name: "B", params: b, enabled: true }], opt.opts);
  await opt2.loadState(saved);
  opt2.step();
  const resumed = await Promise.all([...a, ...b].map((p) => p.param.read()));
  resumed.forEach((r, i) => assertClose(`resumed ${i}`, r, after[i], { rtol: 0, atol: 0 }));
  opt.release();
  opt2.release();
  for (const p of [...a, ...b]) p.param.release(), p.grad.release();
};
