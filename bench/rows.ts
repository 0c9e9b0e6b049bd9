// Row kernels: LayerNorm forward + backward (input gradient) over R rows of C, in each of xlt's row layouts
// (src/kernels/grid.ts rowLayout): one invocation per row (the CPU-adapter variant), a workgroup per row
// reducing through workgroup memory (the GPU variant without subgroups), and a workgroup of one subgroup
// reducing with subgroup operations (the GPU variant where the device has them; Dawn only). The peer:
// tfjs's LayerNorm as our tfjs encoder writes it (tf.moments, then normalise, scale and shift), forward
// only: tfjs has no LayerNorm kernel, and its gradient would be a chain of element-wise kernels.
// Seconds per call are for `reps` LayerNorms recorded back to back and waited for once.
// Second table: a block's "dropout(branch) + residual, LayerNorm" forward and its backward (dx and the
// dropout's backward), fused (layernormForward's residual form, residualLayernormBackward) vs xlt's
// standalone kernels (dropout, add, LayerNorm; LayerNorm backward, dropout backward), in the adapter's own
// row layout; peer: tfjs's forward composite (tf.dropout, tf.add, the LayerNorm above).
import { getGpu } from "../src/gpu/device.ts";
import { sync } from "../src/gpu/recorder.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { type KernelVariants, setKernelVariants } from "../src/kernels/grid.ts";
import { layernormBackward, layernormForward, residualLayernormBackward } from "../src/kernels/layernorm.ts";
import { dropoutBackward, dropoutForward } from "../src/kernels/dropout.ts";
import { add } from "../src/kernels/elementwise.ts";
import { bestOfInterleaved, type Contender, randomArray } from "./model_common.ts";
import type { Peer } from "./tfjs.ts";

export interface RowsOpts {
  shapes: [number, number][];
  reps: number;
  iters: number;
}

/** tfjs running `body` (inside tf.tidy) `reps` times, then waiting for its last result; disposes `inputs` at the end. */
function tfjsContender(tf: any, reps: number, inputs: any[], body: () => any): Contender {
  return {
    async call() {
      let last: any = null;
      for (let i = 0; i < reps; i++) {
        last?.dispose();
        last = tf.tidy(body);
      }
      // wait for the GPU: read back one element (tfjs keeps its pass open; see bench/tfjs.ts)
      const one = tf.slice(last, [0, 0], [1, 1]);
      await one.data();
      one.dispose();
      last.dispose();
    },
    release() {
      for (const t of inputs) t.dispose();
    },
  };
}

export async function benchRows(o: RowsOpts, peer: Peer | null, log: (s: string) => void): Promise<void> {
  const g = await getGpu();
  const variants: KernelVariants[] = ["cpu", "gpu", "subgroup"];
  if (g.caps.subgroupRows === 0) variants.pop();
  const label = (v: KernelVariants) => (v === "cpu" ? "row per invocation" : v === "gpu" ? "workgroup memory" : `subgroup of ${g.caps.subgroupRows}`);
  log(`# LayerNorm, ${o.reps} calls recorded back to back then waited for; µs per call, best of ${o.iters} rounds after 1 warm-up`);
  if (g.caps.subgroupRows === 0) log("# no usable subgroups on this device: the subgroup layout is left out");
  log(`${"R×C".padEnd(10)} ${"kernel".padEnd(9)} ${variants.map((v) => label(v).padStart(20)).join(" ")} ${peer ? "tfjs".padStart(10) : ""}`);
  for (const [R, C] of o.shapes) {
    const x = Tensor.from(g, randomArray(R * C, 3, 1), [R, C]);
    const dy = Tensor.from(g, randomArray(R * C, 5, 1), [R, C]);
    const gamma = Tensor.from(g, randomArray(C, 7, 1), [C]);
    const beta = Tensor.from(g, randomArray(C, 9, 1), [C]);
    // one contender per variant; the variant is set right before recording, restored after
    const ours = (v: KernelVariants, backward: boolean): Contender => ({
      async call() {
        setKernelVariants(v);
        try {
          for (let i = 0; i < o.reps; i++) {
            const f = layernormForward(x, gamma, beta, 1e-12);
            if (backward) {
              layernormBackward(dy, x, f.mean, f.rstd, gamma, { accumulate: false }).release(); // dx only
            }
            for (const t of Object.values(f)) t.release();
          }
        } finally {
          setKernelVariants(null);
        }
        await sync(g);
      },
      release() {},
    });
    for (const backward of [false, true]) {
      const contenders = variants.map((v) => ours(v, backward));
      let tfx: any, tfg: any, tfb: any;
      if (peer && !backward) {
        const tf = peer.tf;
        tfx = tf.randomUniform([R, C]);
        tfg = tf.randomUniform([C]);
        tfb = tf.randomUniform([C]);
        contenders.push(tfjsContender(tf, o.reps, [tfx, tfg, tfb], () => {
          const { mean, variance } = tf.moments(tfx, -1, true);
          return tf.add(tf.mul(tf.mul(tf.sub(tfx, mean), tf.rsqrt(tf.add(variance, 1e-12))), tfg), tfb);
        }));
      }
      const s = await bestOfInterleaved(o.iters, contenders);
      const us = s.map((t) => (1e6 * t) / o.reps);
      const cells = us.slice(0, variants.length).map((u) => u.toFixed(0).padStart(20));
      const peerCell = us.length > variants.length ? us[variants.length].toFixed(0).padStart(10) : "";
      log(`${`${R}×${C}`.padEnd(10)} ${(backward ? "fwd+bwd" : "forward").padEnd(9)} ${cells.join(" ")} ${peerCell}`);
      const sg = variants.indexOf("subgroup");
      const notes: string[] = [];
      if (sg >= 0) notes.push(`subgroup ÷ workgroup-memory time = ${(us[sg] / us[1]).toFixed(2)}`);
      if (peerCell) notes.push(`tfjs ÷ fastest xlt = ${(us[variants.length] / Math.min(...us.slice(0, variants.length))).toFixed(2)}×`);
      if (notes.length) log(`#   ${notes.join("; ")}`);
    }
    for (const t of [x, dy, gamma, beta]) t.release();
  }
  await benchFusedResidual(o, peer, log);
}

async function benchFusedResidual(o: RowsOpts, peer: Peer | null, log: (s: string) => void): Promise<void> {
  const g = await getGpu();
  const p = 0.1, seed = 7, stream = 1;
  const drop = { p, seed, stream };
  log(`\n# dropout(a) + b, LayerNorm (p = ${p}): forward, and forward + backward (dx and the dropout's backward); µs per call`);
  log(`${"R×C".padEnd(10)} ${"kernel".padEnd(9)} ${"standalone".padStart(12)} ${"fused".padStart(8)} ${peer ? "tfjs".padStart(10) : ""}`);
  for (const [R, C] of o.shapes) {
    const a = Tensor.from(g, randomArray(R * C, 3, 1), [R, C]);
    const b = Tensor.from(g, randomArray(R * C, 4, 1), [R, C]);
    const dy = Tensor.from(g, randomArray(R * C, 5, 1), [R, C]);
    const gamma = Tensor.from(g, randomArray(C, 7, 1), [C]);
    const beta = Tensor.from(g, randomArray(C, 9, 1), [C]);
    const timed = (body: () => Tensor[]): Contender => ({
      async call() {
        for (let i = 0; i < o.reps; i++) for (const t of body()) t.release();
        await sync(g);
      },
      release() {},
    });
    for (const backward of [false, true]) {
      const standalone = timed(() => {
        const d = dropoutForward(a, p, seed, stream);
        const s = add(d, b);
        d.release();
        const f = layernormForward(s, gamma, beta, 1e-12);
        if (!backward) return [s, f.y, f.mean, f.rstd];
        const dx = layernormBackward(dy, s, f.mean, f.rstd, gamma, { accumulate: false });
        return [s, f.y, f.mean, f.rstd, dx, dropoutBackward(dx, p, seed, stream)];
      });
      const fused = timed(() => {
        const f = layernormForward(a, gamma, beta, 1e-12, { residual: b, dropout: drop });
        if (!backward) return [f.r!, f.y, f.mean, f.rstd];
        const { dr, da } = residualLayernormBackward(dy, f.r!, f.mean, f.rstd, gamma, { accumulate: false }, drop);
        return [f.r!, f.y, f.mean, f.rstd, dr, da];
      });
      const contenders = [standalone, fused];
      if (peer && !backward) {
        const tf = peer.tf;
        const ta = tf.randomUniform([R, C]), tb = tf.randomUniform([R, C]), tg = tf.randomUniform([C]), tbe = tf.randomUniform([C]);
        contenders.push(tfjsContender(tf, o.reps, [ta, tb, tg, tbe], () => {
          const s = tf.add(tf.dropout(ta, p), tb);
          const { mean, variance } = tf.moments(s, -1, true);
          return tf.add(tf.mul(tf.mul(tf.sub(s, mean), tf.rsqrt(tf.add(variance, 1e-12))), tg), tbe);
        }));
      }
      const us = (await bestOfInterleaved(o.iters, contenders)).map((t) => (1e6 * t) / o.reps);
      log(`${`${R}×${C}`.padEnd(10)} ${(backward ? "fwd+bwd" : "forward").padEnd(9)} ${us[0].toFixed(0).padStart(12)} ${us[1].toFixed(0).padStart(8)} ${us[2] !== undefined ? us[2].toFixed(0).padStart(10) : ""}`);
      log(`#   standalone ÷ fused = ${(us[0] / us[1]).toFixed(2)}×${us[2] !== undefined ? `; tfjs ÷ fused = ${(us[2] / us[1]).toFixed(2)}×` : ""}`);
    }
    for (const t of [a, b, dy, gamma, beta]) t.release();
  }
}
