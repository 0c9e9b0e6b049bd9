// Multi-head self-attention (shaders/attention.wgsl): forward (out, probs) and backward (dq, dk, dv) against
// a float64 reference (test/ref/attention.ts) and PyTorch goldens (scripts/golden/attention.py, the exact HF
// formula with the finfo(float32).min key mask, autograd for the gradients).
// Tolerance: max|got − want| ≤ 1e-4·max|want| per tensor (plus elementwise rtol 1e-3); observed ≤ 6e-7 vs torch
// and the f64 reference.
// Padded query rows get dout = 0 (as in the model); their outputs are compared too (HF computes them the
// same way), and a fully padded sequence must give a uniform softmax with no NaN/Inf.
import { getGpu, Tensor } from "../../src/index.ts";
import { attentionBackward, attentionForward } from "../../src/kernels/attention.ts";
import { type MatmulImg, setMatmulImg } from "../../src/kernels/matmul.ts";
import { dropoutMask } from "../../src/kernels/dropout.ts";
import { type Cases, maxRelErr, randn, checkRel as check, withKernelVariants, KERNEL_VARIANTS } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { type AttnDims, attentionBackwardRef, attentionForwardRef } from "../ref/attention.ts";

interface Inputs {
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  mask: ArrayLike<number>;
  dout: ArrayLike<number>;
}

async function runAndCheck(label: string, dm: AttnDims, x: Inputs, golden?: Record<string, ArrayLike<number>>) {
  const g = await getGpu();
  const { B, T, H, D } = dm;
  const shape = [B * T, H * D];
  const q = Tensor.from(g, x.q, shape), k = Tensor.from(g, x.k, shape), v = Tensor.from(g, x.v, shape);
  const mask = Tensor.from(g, x.mask, [B, T]);
  const dout = Tensor.from(g, x.dout, shape);
  const { out, probs } = attentionForward(q, k, v, mask, B, T, H, D);
  const { dq, dk, dv } = attentionBackward(dout, q, k, v, probs, B, T, H, D);
  const got = { out: await out.read(), probs: await probs.read(), dq: await dq.read(), dk: await dk.read(), dv: await dv.read() };
  const f = attentionForwardRef(x.q, x.k, x.v, x.mask, dm);
  const bw = attentionBackwardRef(x.dout, x.q, x.k, x.v, f.probs, dm);
  const ref: Record<string, ArrayLike<number>> = { out: f.out, probs: f.probs, ...bw };
  for (const key of ["out", "probs", "dq", "dk", "dv"] as const) {
    check(`${label} ${key} vs f64 ref`, got[key], ref[key]);
    if (golden) check(`${label} ${key} vs torch`, got[key], golden[key]);
  }
  for (const t of [q, k, v, mask, dout, out, probs, dq, dk, dv]) t.release();
  return got;
}

export const cases: Cases = {};

const GOLDEN: Record<string, AttnDims> = {
  tiny: { B: 1, T: 1, H: 1, D: 1 },
  small: { B: 2, T: 3, H: 2, D: 4 },
  padded: { B: 2, T: 17, H: 3, D: 8 },
  odd: { B: 1, T: 33, H: 2, D: 16 },
  large: { B: 2, T: 9, H: 2, D: 8 },
};

// the CPU and GPU variants of the products and the row softmax (src/kernels/grid.ts), whatever the adapter
for (const layout of KERNEL_VARIANTS) for (const [name, dm] of Object.entries(GOLDEN)) {
  cases[`attention ${name} B=${dm.B} T=${dm.T} H=${dm.H} D=${dm.D} vs torch + f64, ${layout} variants`] = () => withKernelVariants(layout, async () => {
    const r = (n: string) => get("attention", `${name}.${n}`).data;
    const x = { q: r("q"), k: r("k"), v: r("v"), mask: r("mask"), dout: r("dout") };
    const golden = { out: r("out"), probs: r("probs"), dq: r("dq"), dk: r("dk"), dv: r("dv") };
    await runAndCheck(name, dm, x, golden);
  });
}

/** random inputs; lens[b] real tokens in sequence b, dout zeroed on padded query rows */
function randomInputs(dm: AttnDims, lens: number[], seed: number, scale = 1): Inputs {
  const { B, T, H, D } = dm;
  const n = B * T * H * D;
  const mask = new Float64Array(B * T);
  lens.forEach((len, b) => mask.fill(1, b * T, b * T + len));
  const dout = randn(n, seed + 3);
  for (let r = 0; r < B * T; r++) if (!mask[r]) dout.fill(0, r * H * D, (r + 1) * H * D);
  const f32 = (a: Float64Array) => a.map(Math.fround); // what the GPU sees, so the f64 ref uses the same inputs
  return { q: f32(randn(n, seed, scale)), k: f32(randn(n, seed + 1, scale)), v: f32(randn(n, seed + 2)), mask, dout: f32(dout) };
}

for (const layout of KERNEL_VARIANTS) {
  cases[`attention T=130 (64-wide tiles, partial last tile) B=2 H=2 D=8 padded vs f64, ${layout} variants`] = () => withKernelVariants(layout, async () => {
    const dm = { B: 2, T: 130, H: 2, D: 8 };
    await runAndCheck("T=130", dm, randomInputs(dm, [130, 77], 50, 2));
  });
}

cases["attention fully padded sequence gives uniform probs, no NaN"] = async () => {
  const dm = { B: 2, T: 5, H: 2, D: 3 };
  const got = await runAndCheck("fully padded", dm, randomInputs(dm, [4, 0], 60));
  // sequence 1 has no real token: every row of its probabilities is uniform 1/T (HF behaviour)
  const start = 1 * dm.H * dm.T * dm.T;
  for (let i = start; i < got.probs.length; i++) {
    if (Math.abs(got.probs[i] - 1 / dm.T) > 1e-6) throw new Error(`fully padded row not uniform at ${i}: ${got.probs[i]}`);
  }
  for (const key of ["out", "dq", "dk", "dv"] as const) {
    if (got[key].some((x) => !Number.isFinite(x))) throw new Error(`fully padded: non-finite ${key}`);
  }
};

cases["attention with probability dropout (p=0.3): forward and backward vs f64 with the same mask"] = async () => {
  const g = await getGpu();
  const dm = { B: 2, T: 11, H: 2, D: 4 };
  const x = randomInputs(dm, [11, 6], 70);
  const drop = { p: 0.3, seed: 1234, stream: 7 };
  const keep = dropoutMask(dm.B * dm.H * dm.T * dm.T, drop.p, drop.seed, drop.stream);
  const ref = { keep, scale: 1 / (1 - drop.p) };
  const shape = [dm.B * dm.T, dm.H * dm.D];
  const t = (a: ArrayLike<number>, s: number[]) => Tensor.from(g, a, s);
  const [q, k, v, dout] = [t(x.q, shape), t(x.k, shape), t(x.v, shape), t(x.dout, shape)];
  const mask = t(x.mask, [dm.B, dm.T]);
  const f = attentionForward(q, k, v, mask, dm.B, dm.T, dm.H, dm.D, drop);
  const b = attentionBackward(dout, q, k, v, f.probs, dm.B, dm.T, dm.H, dm.D, drop);
  const wf = attentionForwardRef(x.q, x.k, x.v, x.mask, dm, ref);
  const wb = attentionBackwardRef(x.dout, x.q, x.k, x.v, wf.probs, dm, ref);
  check("dropout out", await f.out.read(), wf.out);
  check("dropout probs (saved undropped)", await f.probs.read(), wf.probs);
  check("dropout dq", await b.dq.read(), wb.dq);
  check("dropout dk", await b.dk.read(), wb.dk);
  check("dropout dv", await b.dv.read(), wb.dv);
  // and it really drops: the result differs from no dropout
  const plain = attentionForwardRef(x.q, x.k, x.v, x.mask, dm);
  if (maxRelErr(wf.out, plain.out) < 1e-3) throw new Error("the dropout mask changed nothing");
  for (const tt of [q, k, v, dout, mask, f.out, f.probs, b.dq, b.dk, b.dv]) tt.release();
};

// The image path of CPU adapters (shaders/attention_img.wgsl: q, k, v, dO read from images, the
// probabilities from their buffer) keeps the buffer kernels' fma order: every output is bit for bit the
// buffer path's, whatever the tile, with and without subgroups, for T not a multiple of 4 too.
for (const dm of [{ B: 2, T: 17, H: 3, D: 8 }, { B: 3, T: 64, H: 2, D: 32 }, { B: 1, T: 5, H: 1, D: 4 }]) {
  cases[`attention image path equals the buffer kernels bit for bit B=${dm.B} T=${dm.T} H=${dm.H} D=${dm.D}`] = () => withKernelVariants("cpu", async () => {
    const g = await getGpu();
    const x = randomInputs(dm, [dm.T, Math.max(1, dm.T - 6), 2].slice(0, dm.B), 80);
    const shape = [dm.B * dm.T, dm.H * dm.D];
    const run = async (mode: MatmulImg) => {
      setMatmulImg(mode);
      try {
        const q = Tensor.from(g, x.q, shape), k = Tensor.from(g, x.k, shape), v = Tensor.from(g, x.v, shape);
        const mask = Tensor.from(g, x.mask, [dm.B, dm.T]), dout = Tensor.from(g, x.dout, shape);
        const { out, probs } = attentionForward(q, k, v, mask, dm.B, dm.T, dm.H, dm.D, { p: 0.2, seed: 5, stream: 1 });
        const { dq, dk, dv } = attentionBackward(dout, q, k, v, probs, dm.B, dm.T, dm.H, dm.D, { p: 0.2, seed: 5, stream: 1 });
        const got = [await out.read(), await probs.read(), await dq.read(), await dk.read(), await dv.read()];
        for (const t of [q, k, v, mask, dout, out, probs, dq, dk, dv]) t.release();
        return got;
      } finally {
        setMatmulImg("auto");
      }
    };
    const ref = await run("off");
    for (const mode of ["auto", { RM: 4, RN: 1, sg: false }, { RM: 8, RN: 2, sg: true }, { RM: 16, RN: 1, sg: true }] as MatmulImg[]) {
      const got = await run(mode);
      ["out", "probs", "dq", "dk", "dv"].forEach((n, i) => {
        for (let j = 0; j < ref[i].length; j++) {
          if (got[i][j] !== ref[i][j]) throw new Error(`${JSON.stringify(mode)} ${n}[${j}] = ${got[i][j]}, buffer path ${ref[i][j]}`);
        }
      });
    }
  });
}
