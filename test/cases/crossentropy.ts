// Softmax cross-entropy (ignore index −100, mean over non-ignored rows) forward (loss, lse, count) and
// backward (dlogits), plus argmaxRows, against the float64 reference (test/ref/layernorm.ts) and PyTorch
// goldens (scripts/golden/crossentropy.py). Logits up to ±1e4; an all-ignored batch gives loss 0, zero grads.
// Tolerance: max relative error ≤ 1e-5, i.e. |got − want| ≤ 1e-5·|want| + 1e-5·max|want| elementwise
// (for lse/loss with |logits| ~ 1e4 that is relative to the value, the f32 rounding of 1e4 is 5e-8 relative).
import { getGpu, Tensor } from "../../src/index.ts";
import { argmaxRows, crossEntropyBackward, crossEntropyForward, crossEntropyLimits } from "../../src/kernels/crossentropy.ts";
import { assertClose, type Cases, randn, rng, withKernelVariants, KERNEL_VARIANTS } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { argmaxRef, crossEntropyRef } from "../ref/layernorm.ts";

const REL = 1e-5;

function close(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(want[i])) throw new Error(`${name}: the expected value at ${i} is ${want[i]} (bad fixture?)`);
    m = Math.max(m, Math.abs(want[i]));
  }
  assertClose(name, got, want, { rtol: REL, atol: Math.max(REL * m, 1e-9) });
}

function exact(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${name}: index ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

async function check(R: number, V: number, ls: Float32Array, labs: Int32Array, dloss: number, want?: {
  loss: number; lse: ArrayLike<number>; dlogits: ArrayLike<number>; argmax: ArrayLike<number>;
}) {
  const g = await getGpu();
  const logits = Tensor.from(g, ls, [R, V]);
  const labels = Tensor.from(g, labs, [R], "i32");
  const { loss, lse, count } = crossEntropyForward(logits, labels);
  const dl = crossEntropyBackward(logits, labels, lse, count, dloss);
  const am = argmaxRows(logits);
  const ref = crossEntropyRef(ls, labs, V, dloss);
  const w = want ?? { loss: ref.loss, lse: ref.lse, dlogits: ref.dlogits, argmax: argmaxRef(ls, V) };
  close("loss", await loss.read(), [w.loss]);
  close("lse", await lse.read(), w.lse);
  exact("count", await count.read(), [ref.count]);
  close("dlogits", await dl.read(), w.dlogits);
  exact("argmax", await am.readInt(), w.argmax);
  for (const t of [logits, labels, loss, lse, count, dl, am]) t.release();
}

function labelsFor(R: number, V: number, seed: number, ignoreFrac: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: R }, () => (r() < ignoreFrac ? -100 : Math.floor(r() * V)));
}

export const cases: Cases = {};

// R, V, logit scale, ignored fraction, dloss
const SHAPES: [number, number, number, number, number][] = [
  [1, 1, 1, 0, 1],
  [3, 17, 3, 0.3, 1],
  [33, 130, 10, 0.2, 0.5],
  [17, 3, 1e4, 0.2, 1],
  [5, 1000, 20, 0, 2],
  [300, 5, 5, 0.5, 1], // more rows than the reduce workgroup
];
// the row kernels in both layouts (src/kernels/grid.ts rowLayout), whatever the adapter
for (const variants of KERNEL_VARIANTS) for (const [R, V, scale, ign, dloss] of SHAPES) {
  cases[`forward+backward R=${R} V=${V} scale ${scale}, ${variants} variants`] = () => withKernelVariants(variants, async () => {
    const ls = Float32Array.from(randn(R * V, R * 7 + V, scale));
    await check(R, V, ls, labelsFor(R, V, R + V, ign), dloss);
  });
}

cases["all labels ignored: loss 0, zero grads"] = async () => {
  const R = 4, V = 9;
  const ls = Float32Array.from(randn(R * V, 5, 4));
  await check(R, V, ls, new Int32Array(R).fill(-100), 1, {
    loss: 0,
    lse: crossEntropyRef(ls, new Int32Array(R), V).lse,
    dlogits: new Float64Array(R * V),
    argmax: argmaxRef(ls, V),
  });
};

cases["row-chunked sub-range bindings (big-vocabulary path)"] = async () => {
  const R = 150, V = 7; // chunks of 64 rows: 64, 64, 22
  const ls = Float32Array.from(randn(R * V, 77, 8));
  crossEntropyLimits.chunkRows = 64;
  try {
    await check(R, V, ls, labelsFor(R, V, 78, 0.3), 1);
  } finally {
    crossEntropyLimits.chunkRows = 0;
  }
};

for (const variants of KERNEL_VARIANTS) cases[`argmax ties pick the first maximum, ${variants} variants`] = () => withKernelVariants(variants, async () => {
  const g = await getGpu();
  const R = 3, V = 600; // V > workgroup size: ties across threads
  const ls = new Float32Array(R * V);
  ls[0 * V + 599] = 5; ls[0 * V + 300] = 5; ls[0 * V + 7] = 5; // row 0: first max at 7
  ls.fill(-1, V, 2 * V); ls[V + 256] = 2; ls[V + 512] = 2; // row 1: first max at 256
  // row 2: all zeros -> 0
  const logits = Tensor.from(g, ls, [R, V]);
  const am = argmaxRows(logits);
  exact("argmax ties", await am.readInt(), [7, 256, 0]);
  for (const t of [logits, am]) t.release();
});

const GOLDEN = ["r1v1", "r3v17", "r33v130", "r17v3_big", "r5v1000"];
for (const name of GOLDEN) {
  cases[`golden torch ${name}`] = async () => {
    const f = (k: string) => get("crossentropy", `${name}.${k}`);
    const lf = f("logits");
    const [R, V] = lf.shape;
    await check(R, V, lf.data as Float32Array, Int32Array.from(f("labels").data), 1, {
      loss: f("loss").data[0],
      lse: f("lse").data,
      dlogits: f("dlogits").data,
      argmax: f("argmax").data,
    });
  };
}
