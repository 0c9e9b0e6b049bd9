// Matmul throughput of our three layouts (forward X·Wᵀ, dX = dY·W, dW = dYᵀ·X): the adapter's choice of
// kernel and the buffer kernels alone, next to tfjs-webgpu's tf.matMul with the same transposes (same
// adapter, same process) and OpenBLAS on the CPU through torch.
import { getGpu, type Gpu } from "../src/gpu/device.ts";
import { sync } from "../src/gpu/recorder.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { linear, type MatmulImg, matmulNN, matmulTN, setMatmulImg } from "../src/kernels/matmul.ts";
import { runTorchMatmul } from "./torch_peer.ts";
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

/** Our kernel for one layout and shape, ready to time; `mode` picks the path (auto: the adapter's choice). */
export async function prepareOurs(layout: Layout, s: Shape, mode: MatmulImg = "auto"): Promise<Contender> {
  const g = await getGpu();
  const x = filled(g, [s.M, s.K], 1), w = filled(g, [s.N, s.K], 2), dy = filled(g, [s.M, s.N], 3);
  const y = Tensor.empty(g, [s.M, s.N]), dx = Tensor.empty(g, [s.M, s.K]), dw = Tensor.empty(g, [s.N, s.K]);
  return {
    async call() {
      setMatmulImg(mode);
      if (layout === "NT") linear(x, w, undefined, y);
      else if (layout === "NN") matmulNN(dy, w, dx);
      else matmulTN(dy, x, dw, false);
      await sync(g);
      setMatmulImg("auto");
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
  /** the buffer kernels (the path before images), GFLOP/s */
  buffer: number;
  peer: number | null;
  /** OpenBLAS through torch, at 1 thread and at every core, GFLOP/s */
  blas1: number | null;
  blasAll: number | null;
}

/**
 * xlt (the adapter's choice of path and tile, and the buffer kernels alone), tfjs-webgpu in the same
 * process, and OpenBLAS on the CPU (torch, /usr/bin/python3, run before xlt, never beside it) at 1 thread
 * and at every core. Ratios: xlt / tfjs, and xlt / the faster OpenBLAS.
 */
export async function benchMatmul(shapes: Shape[], peer: Peer | null, log: (s: string) => void, blas?: { root: string; cores: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const blasAt = async (threads: number) => {
    if (!blas) return null;
    const r = await runTorchMatmul(blas.root, shapes, threads);
    if (r.skipped) log(`# OpenBLAS peer skipped: ${r.skipped}`);
    else log(`# OpenBLAS: torch ${r.version}, ${r.blas}, ${r.threads} thread(s)`);
    return r.gflops ?? null;
  };
  const [b1, bAll] = [await blasAt(1), await blasAt(blas?.cores ?? 1)];
  const f = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));
  log(`${"M×N×K".padEnd(16)} ${"layout".padEnd(16)} ${pad("xlt GFLOP/s", 12)} ${pad("buffer path", 12)} ${pad("tfjs", 8)} ${pad("OpenBLAS 1t", 12)} ` +
    `${pad(`OpenBLAS ${blas?.cores ?? "-"}t`, 12)} ${pad("xlt/tfjs", 9)} ${pad("xlt/OpenBLAS", 13)}`);
  for (const [si, s] of shapes.entries()) {
    const flop = 2 * s.M * s.N * s.K;
    for (const { layout, what } of LAYOUTS) {
      const contenders = [await prepareOurs(layout, s), await prepareOurs(layout, s, "off")];
      if (peer) contenders.push(peer.prepare(layout, s));
      const [t, tb, tp] = await bestOfInterleaved(s.iters, contenders);
      const ours = flop / t / 1e9, buffer = flop / tb / 1e9;
      const p = peer ? flop / tp / 1e9 : null;
      const blas1 = b1?.[si]?.[layout] ?? null, blasAll = bAll?.[si]?.[layout] ?? null;
      const best = blas1 === null && blasAll === null ? null : Math.max(blas1 ?? 0, blasAll ?? 0);
      rows.push({ shape: s, layout, ours, buffer, peer: p, blas1, blasAll });
      log(
        `${`${s.M}×${s.N}×${s.K}`.padEnd(16)} ${`${layout} ${what}`.padEnd(16)} ${pad(ours.toFixed(2), 12)} ${pad(buffer.toFixed(2), 12)} ` +
          `${pad(f(p), 8)} ${pad(f(blas1), 12)} ${pad(f(blasAll), 12)} ${pad(p === null ? "n/a" : (ours / p).toFixed(2) + "×", 9)} ` +
          `${pad(best === null ? "n/a" : ((100 * ours) / best).toFixed(0) + "%", 13)}`,
      );
    }
  }
  return rows;
}
