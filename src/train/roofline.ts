// Built-in peak probe for model FLOP utilisation: the best GFLOP/s of our own `linear` matmul on a square
// problem and the best GB/s of an elementwise add (reads 2 arrays, writes 1), both timed with GPU
// timestamps when the adapter has them (else wall time of a batch of dispatches, submit to completion).
// This is "peak of xlt's kernels on this device", not the vendor's datasheet number: MFU against it says
// how much of what our best-case kernel reaches the whole training step keeps.
import type { Gpu } from "../gpu/device.ts";
import { sync } from "../gpu/recorder.ts";
import { Tensor } from "../gpu/tensor.ts";
import { add } from "../kernels/elementwise.ts";
import { linear } from "../kernels/matmul.ts";
import { activeProfiler, Profiler } from "../profile/profiler.ts";

export interface PeakOptions {
  /** grow the matmul size (powers of two from 128) until one product takes at least this long; default 100 ms */
  targetMs?: number;
  /** largest matmul side; default 2048 (1024 already saturates real GPUs only partially; 2048 ~ 17 GFLOP) */
  maxN?: number;
  /** timed repetitions (best one counts); default 3 */
  repeats?: number;
}

export interface Peak {
  gflops: number;
  gbps: number;
  /** matmul side used (n×n·n×n) and elements of the add probe */
  n: number;
  elements: number;
  timing: "gpu-timestamps" | "wall";
}

function fill(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296 - 0.5) * 0.1;
  }
  return a;
}

/** Times `reps` runs of `fn` (each recording one or more dispatches); returns the best per-run ms. */
async function bestMs(g: Gpu, reps: number, fn: () => Tensor): Promise<{ ms: number; timing: Peak["timing"] }> {
  fn().release(); // warm-up: pipeline compilation, buffer pool
  await sync(g);
  if (g.caps.timestamps && !activeProfiler(g)) {
    const p = Profiler.start(g, { label: "peak probe" });
    for (let r = 0; r < reps; r++) fn().release();
    const rep = await p.stop();
    const best = Math.min(...rep.events.map((e) => e.durNs)) / 1e6;
    if (best > 0) return { ms: best, timing: "gpu-timestamps" };
  }
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn().release();
    await sync(g);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, timing: "wall" };
}

/** Measures the best matmul GFLOP/s and elementwise GB/s of this device (about a second on lavapipe). */
export async function measurePeak(g: Gpu, opts: PeakOptions = {}): Promise<Peak> {
  const targetMs = opts.targetMs ?? 100;
  const maxN = opts.maxN ?? 2048;
  const reps = opts.repeats ?? 3;
  // size by a quick trial: double n until one product takes targetMs (8× the work per doubling)
  {
    // compile the kernels first so the size trial times the product, not pipeline creation
    const t = Tensor.from(g, fill(64 * 64, 5), [64, 64]);
    linear(t, t).release();
    add(t, t).release();
    await sync(g);
    t.release();
  }
  let n = 128;
  let trial = 0;
  for (;;) {
    const x = Tensor.from(g, fill(n * n, 1), [n, n]);
    const w = Tensor.from(g, fill(n * n, 2), [n, n]);
    trial = (await bestMs(g, 1, () => linear(x, w))).ms;
    x.release();
    w.release();
    if (trial >= targetMs / 8 || n * 2 > maxN) break;
    n *= 2;
  }
  if (trial < targetMs / 8 && n * 2 <= maxN) n *= 2;
  const x = Tensor.from(g, fill(n * n, 1), [n, n]);
  const w = Tensor.from(g, fill(n * n, 2), [n, n]);
  const mm = await bestMs(g, reps, () => linear(x, w));
  x.release();
  w.release();
  const gflops = (2 * n * n * n) / (mm.ms * 1e6);
  // bandwidth: an add over 4× as many elements as the matmul's operand (well past on-chip caches on GPUs)
  const elements = 4 * n * n;
  const a = Tensor.from(g, fill(elements, 3), [elements]);
  const b = Tensor.from(g, fill(elements, 4), [elements]);
  const bw = await bestMs(g, reps, () => add(a, b));
  a.release();
  b.release();
  const gbps = (12 * elements) / (bw.ms * 1e6);
  return { gflops, gbps, n, elements, timing: mm.timing === "gpu-timestamps" && bw.timing === "gpu-timestamps" ? "gpu-timestamps" : "wall" };
}
