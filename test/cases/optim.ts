// Adam/AdamW kernels and the Adam class vs torch.optim (goldens) and a float64 TS reference; deterministic
// sum of squares / grad norm / clip coefficient; chunking of big tensors (forced small chunks).
// Tolerance: params after 3 steps rtol 1e-5 (atol 1e-7·max|p|); m and v rtol 1e-5 with atol 1e-6·max|·|
// (achieved max rel err ~1e-7); sum of squares rtol 1e-5 (f32 partial sums, 70000 elements).
// Frozen groups: bit-identical.
import { getGpu, memoryStats, Tensor } from "../../src/index.ts";
import {
  adamUpdate,
  adamwUpdate,
  clipScale,
  elementChunks,
  gradNorm,
  HEALTH_GRAD,
  HEALTH_GRAD_NORM,
  HEALTH_WEIGHT,
  healthFlag,
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

// The moments exist before the first step (allocating a 119k-word table's 734 MB of m and v inside the
// first step left the GPU idle for seconds), only for enabled groups, and a step allocates nothing.
cases["Adam: m/v of enabled groups allocated when built or enabled, none by a step"] = async () => {
  const g = await getGpu();
  const mk = (name: string, n: number) => ({ name, param: Tensor.from(g, randn(n, 7), [n]), grad: Tensor.from(g, randn(n, 8), [n]) });
  const warm = new Adam([{ name: "W", params: [mk("w", 4)], enabled: true }], { lr: 1e-3 });
  warm.step(); // the kernels' per-device constants (the gradient scale 1, the discarded health flag) exist from here on
  const a = [mk("a0", 1000)];
  const b = [mk("b0", 3000)];
  const live = () => memoryStats().liveBytes;
  const before = live();
  const opt = new Adam([{ name: "A", params: a, enabled: true }, { name: "B", params: b, enabled: false }], { lr: 1e-3 });
  const built = live();
  if (built - before !== 2 * 4096) throw new Error(`building allocated ${built - before} bytes, want 2 × 4096 (A's m and v only)`);
  opt.step();
  if (live() !== built) throw new Error(`a step allocated ${live() - built} bytes`);
  opt.setEnabled("B", true);
  const enabled = live();
  if (enabled - built !== 2 * 12032) throw new Error(`enabling B allocated ${enabled - built} bytes, want 2 × 12032`);
  opt.step();
  if (live() !== enabled) throw new Error(`a step after enabling allocated ${live() - enabled} bytes`);
  for (const o of [opt, warm]) o.release();
  for (const p of [...a, ...b]) p.param.release(), p.grad.release();
};

// The health flag: a NaN/Inf gradient, an update that overflows a weight, or a non-finite clipping norm sets
// its bit; finite steps leave the flag 0. Checked on a chunked tensor so a bad value in a later chunk counts.
cases["health flag: set on a NaN/Inf gradient, an overflowing weight or norm, clear otherwise"] = async () => {
  const g = await getGpu();
  const n = 600;
  const flagAfter = async (grad: Float32Array, o: { lr?: number; param?: Float32Array; clip?: boolean } = {}) => {
    const flag = healthFlag(g);
    const p = Tensor.from(g, o.param ?? randn(n, 1), [n]), gt = Tensor.from(g, grad, [n]), m = Tensor.zeros(g, [n]), v = Tensor.zeros(g, [n]);
    let scale: Tensor | undefined;
    if (o.clip) {
      const sq = sumOfSquares([gt]);
      scale = clipScale(sq, 1, undefined, flag);
      sq.release();
    }
    adamUpdate(p, gt, m, v, { lr: o.lr ?? 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, gradScaleTensor: scale, flag });
    const bits = (await flag.readInt())[0];
    for (const t of [flag, p, gt, m, v]) t.release();
    scale?.release();
    return bits;
  };
  const withAt = (i: number, x: number, base = randn(n, 2)) => ((base[i] = x), base);
  setOptimChunkBytes(1024); // 3 chunks: the bad element sits in the last one
  try {
    const expectBits = (what: string, got: number, want: number) => {
      if (got !== want) throw new Error(`${what}: flag ${got}, expected ${want}`);
    };
    expectBits("finite step", await flagAfter(randn(n, 2)), 0);
    expectBits("finite step, clipped", await flagAfter(randn(n, 2), { clip: true }), 0);
    expectBits("NaN gradient", (await flagAfter(withAt(555, NaN))) & HEALTH_GRAD, HEALTH_GRAD);
    expectBits("Inf gradient", (await flagAfter(withAt(555, -Infinity))) & HEALTH_GRAD, HEALTH_GRAD);
    // finite gradients whose update overflows f32: lr 3e38 moves a weight of 3e38 past the largest float
    expectBits("overflowing weight", await flagAfter(withAt(555, -1, new Float32Array(n)), { lr: 3e38, param: new Float32Array(n).fill(3e38) }), HEALTH_WEIGHT);
    // finite gradients whose squares overflow: the clip coefficient would silently become 0
    expectBits("overflowing gradient norm", (await flagAfter(new Float32Array(n).fill(1e30), { clip: true })) & HEALTH_GRAD_NORM, HEALTH_GRAD_NORM);
    // a NaN parameter (a checkpoint that already holds one) stays NaN after the update
    expectBits("NaN weight", await flagAfter(randn(n, 2), { param: withAt(7, NaN, randn(n, 1)) }), HEALTH_WEIGHT);
  } finally {
    setOptimChunkBytes(null);
  }
  // the Adam class passes its health flag to every update and to the clip coefficient; frozen groups are not checked
  const flag = healthFlag(g);
  const bad = { name: "bad", param: Tensor.from(g, randn(5, 3), [5]), grad: Tensor.from(g, [1, NaN, 1, 1, 1], [5]) };
  const good = { name: "good", param: Tensor.from(g, randn(5, 4), [5]), grad: Tensor.from(g, randn(5, 5), [5]) };
  const opt = new Adam([{ name: "A", params: [good], enabled: true }, { name: "B", params: [bad], enabled: false }], { lr: 1e-3, maxGradNorm: 1, health: flag });
  opt.step();
  if ((await flag.readInt())[0] !== 0) throw new Error("a frozen group's NaN gradient set the flag");
  opt.setEnabled("B", true);
  opt.step();
  const bits = (await flag.readInt())[0];
  if (!(bits & HEALTH_GRAD) || !(bits & HEALTH_GRAD_NORM)) throw new Error(`Adam with a NaN gradient: flag ${bits}`);
  opt.release();
  for (const t of [flag, bad.param, bad.grad, good.param, good.grad]) t.release();
};

cases["Adam rejects --max-grad-norm ≤ 0 (it would scale every gradient to 0)"] = async () => {
  const g = await getGpu();
  const p = { name: "p", param: Tensor.zeros(g, [2]), grad: Tensor.zeros(g, [2]) };
  for (const bad of [0, -1, NaN]) {
    let msg = "";
    try {
      new Adam([{ name: "A", params: [p], enabled: true }], { lr: 1e-3, maxGradNorm: bad });
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!/--max-grad-norm must be a number > 0/.test(msg)) throw new Error(`maxGradNorm ${bad}: got '${msg}'`);
  }
  p.param.release();
  p.grad.release();
};
