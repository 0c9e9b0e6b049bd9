// Matmul throughput of our three layouts (forward X·Wᵀ, dX = dY·W, dW = dYᵀ·X) next to tfjs-webgpu's
// tf.matMul with the same transposes, on the same adapter, in the same process.
import { getGpu, type Gpu } from "../src/gpu/device.ts";
import { sync } from "../src/gpu/recorder.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { linear, matmulNN, matmulTN } from "../src/kernels/matmul.ts";
import { type Peer } from "./tfjs.ts";
import { bestOfInterleaved, type Contender } from "./model_common.ts";
import { type Layout, LAYOUTS, type Shape } from "./matmul_shapes.ts";

function filled(g: Gpu, shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    d[i] = (s / 2 ** 32 - 0.5) * 0.1;
  }
  return Tensor.from(g, d, shape);
}

/** Our kernel for one layout and shape, ready to time. */
export async function prepareOurs(layout: Layout, s: Shape): Promise<Contender> {
  const g = await getGpu();
  const x = filled(g, [s.M, s.K], 1), w = filled(g, [s.N, s.K], 2), dy = filled(g, [s.M, s.N], 3);
  const y = Tensor.empty(g, [s.M, s.N]), dx = Tensor.empty(g, [s.M, s.K]), dw = Tensor.empty(g, [s.N, s.K]);
  return {
    async call() {
      if (layout === "NT") linear(x, w, undefined, y);
      else if (layout === "NN") matmulNN(dy, w, dx);
      else matmulTN(dy, x, dw, false);
      await sync(g);
    },
    release() {
      for (const t of [x, w, dy, y, dx, dw]) t.release();
    },
  };
}

export interface Row {
  shape: Shape;
  layout: Layout;
  ours: number; // GFLOP/s
  peer: number | null;
}

export async function benchMatmul(shapes: Shape[], peer: Peer | null, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  log(`${"M×N×K".padEnd(16)} ${"layout".padEnd(16)} ${pad("xlt GFLOP/s", 12)} ${pad("tfjs GFLOP/s", 13)} ${pad("ratio", 7)}`);
  for (const s of shapes) {
    const flop = 2 * s.M * s.N * s.K;
    for (const { layout, what } of LAYOUTS) {
      const contenders = [await prepareOurs(layout, s)];
      if (peer) contenders.push(peer.prepare(layout, s));
      const [t, tp] = await bestOfInterleaved(s.iters, contenders);
      const ours = flop / t / 1e9;
      const p = peer ? flop / tp / 1e9 : null;
      rows.push({ shape: s, layout, ours, peer: p });
      log(
        `${`${s.M}×${s.N}×${s.K}`.padEnd(16)} ${`${layout} ${what}`.padEnd(16)} ${pad(ours.toFixed(2), 12)} ` +
          `${pad(p === null ? "n/a" : p.toFixed(2), 13)} ${pad(p === null ? "n/a" : (ours / p).toFixed(2) + "×", 7)}`,
      );
    }
  }
  return rows;
}
