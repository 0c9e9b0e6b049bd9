// Contrastive realignment loss, strong variant (shaders/contrastive.wgsl): loss and dc against a float64
// reference (test/ref/contrastive.ts) and PyTorch goldens (scripts/golden/contrastive.py: the reference
// code's formula, autograd for dc).
// Tolerance: loss relative error ≤ 1e-4; dc max|got − want| ≤ 1e-4·max|want| (plus elementwise rtol 1e-3);
// observed ≤ 1.3e-7 (loss) and ≤ 6e-7 (dc) vs torch.
import { getGpu, Tensor } from "../../src/index.ts";
import { contrastiveBackward, contrastiveForward } from "../../src/kernels/contrastive.ts";
import { type Cases, rng, checkRel as check, withKernelVariants, KERNEL_VARIANTS } from "../lib/check.ts";
import { get } from "../lib/fixtures.ts";
import { contrastiveRef } from "../ref/contrastive.ts";

interface Inputs {
  c: ArrayLike<number>;
  M: number;
  E: number;
  query: ArrayLike<number>;
  target: ArrayLike<number>;
  tau: number;
  dloss?: number;
}

async function runAndCheck(label: string, x: Inputs, golden?: { loss: number; dc: ArrayLike<number> }) {
  const g = await getGpu();
  const Q = x.query.length;
  const c = Tensor.from(g, x.c, [x.M, x.E]);
  const query = Tensor.from(g, x.query, [Q], "i32");
  const target = Tensor.from(g, x.target, [Q], "i32");
  const { loss, saved } = contrastiveForward(c, query, target, x.tau);
  const dc = contrastiveBackward(c, query, target, x.tau, saved, x.dloss ?? 1);
  saved.release();
  const gotLoss = (await loss.read())[0];
  const gotDc = await dc.read();
  const ref = contrastiveRef(x.c, x.M, x.E, x.query, x.target, x.tau, x.dloss ?? 1);
  check(`${label} loss vs f64 ref`, [gotLoss], [ref.loss]);
  check(`${label} dc vs f64 ref`, gotDc, ref.dc);
  if (golden) {
    check(`${label} loss vs torch`, [gotLoss], [golden.loss]);
    check(`${label} dc vs torch`, gotDc, golden.dc);
  }
  for (const t of [c, query, target, loss, dc]) t.release();
}

export const cases: Cases = {};

const GOLDEN: Record<string, { M: number; E: number; tau: number }> = {
  tiny: { M: 2, E: 1, tau: 0.1 },
  small: { M: 7, E: 5, tau: 0.1 },
  mid: { M: 40, E: 16, tau: 0.1 },
  big: { M: 130, E: 33, tau: 0.1 },
  sharp: { M: 17, E: 7, tau: 0.05 },
};

// the row kernels in both layouts (src/kernels/grid.ts rowLayout), whatever the adapter
for (const variants of KERNEL_VARIANTS) for (const [name, { M, E, tau }] of Object.entries(GOLDEN)) {
  cases[`contrastive ${name} M=${M} E=${E} tau=${tau} vs torch + f64, ${variants} variants`] = () => withKernelVariants(variants, async () => {
    const r = (n: string) => get("contrastive", `${name}.${n}`).data;
    const query = r("query");
    await runAndCheck(name, { c: r("c"), M, E, query, target: r("target"), tau }, { loss: r("loss")[0], dc: r("dc") });
  });
}

/** ML left words, MR right words, K random one-to-one pairs; query = [left; right], target = partners */
function randomInputs(ML: number, MR: number, E: number, K: number, seed: number, scale: number, tau: number, dloss: number): Inputs {
  const R = rng(seed);
  const M = ML + MR;
  const c = Float64Array.from({ length: M * E }, () => Math.fround((R() * 2 - 1) * scale));
  const pick = (n: number) => {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(R() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, K);
  };
  const left = pick(ML), right = pick(MR).map((i) => ML + i);
  return { c, M, E, query: [...left, ...right], target: [...right, ...left], tau, dloss };
}

for (const variants of KERNEL_VARIANTS) {
  cases[`contrastive M=300 E=128 Q=200 (projection-head width), dloss=0.37 vs f64, ${variants} variants`] = () => withKernelVariants(variants, async () => {
    await runAndCheck("wide", randomInputs(140, 160, 128, 100, 77, 3, 0.1, 0.37));
  });
}

cases["contrastive large vectors (|c| ~ 1e4) and a tiny-norm row vs f64"] = async () => {
  const x = randomInputs(20, 25, 9, 15, 91, 1e4, 0.1, 1);
  const c = Float64Array.from(x.c);
  for (let e = 0; e < x.E; e++) c[3 * x.E + e] = Math.fround(c[3 * x.E + e] * 1e-8); // row 3 has norm ~1e-4
  await runAndCheck("scaled", { ...x, c });
};
