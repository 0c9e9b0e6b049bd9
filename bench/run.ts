// Benchmarks: `npm run bench` (Node, built to dist/) or `./node_modules/deno/deno run -A bench/run.ts`.
// Prints the runtime and adapter, then for each section ours next to tfjs-webgpu's (same adapter, same process):
//   matmul   GFLOP/s of the three Linear layouts at BERT-base shapes
//   layer    one BERT-base encoder block, forward + backward (bench/layer.ts)
//   realign  one realignment training step, --freeze none and lower (bench/realign.ts), BERT-base-shaped
//   realign-small  the step `npx xlt realign` takes: the built-in model and its en–de pairs (≤ 64 tokens),
//            next to PyTorch on the CPU at 1 thread and at every core (bench/realign_full.ts)
//   realign-full  the same at the real size of distilbert-base-multilingual-cased (119,547-word vocabulary,
//            6 blocks), 16 PUD en–de pairs, next to PyTorch on the CPU at 1 thread and at every core
//   rows     LayerNorm in each row-kernel layout (one invocation, workgroup memory, subgroup per row), and
//            the fused dropout + residual + LayerNorm vs the standalone kernels
// Usage: node dist/bench/run.js [matmul|layer|realign|realign-small|realign-full|rows]... [--quick] [--no-peer]
//   [--no-torch]  (no section = all but realign-full, which takes minutes on a software adapter)
//   --quick: smallest sizes (a smoke test), --no-peer: skip tfjs, --no-images: the buffer kernels only, --vec4-nt: the forward's vec4 matmul
//   variant, --vec4-all: the NN/TN vec4 variants too (for before/after comparisons),
//   --tile BM,BN,BK,RM,RN[,direct]: force a matmul tile (the tile sweeps in bench/results/ use it).
import { getGpu, runtime, shutdownGpu } from "../src/gpu/device.ts";
import { benchMatmul } from "./matmul.ts";
import type { Shape } from "./matmul_shapes.ts";
import { loadTfjs, type Peer } from "./tfjs.ts";
import { benchLayer } from "./layer.ts";
import { type MatmulTile, matmulTile, setMatmulImg, setMatmulTile, setMatmulVec4 } from "../src/kernels/matmul.ts";
import { benchRealign } from "./realign.ts";
import { benchRows } from "./rows.ts";
import { availableCores, benchRealignFull, benchRealignSmall } from "./realign_full.ts";
import { bertBaseConfig } from "./model_common.ts";

declare const Deno: any;
const args: string[] = [...(runtime === "deno" ? Deno.args : process.argv.slice(2))];
const version = runtime === "deno" ? `deno ${Deno.version.deno}` : `node ${process.version}`;

// Iteration counts (best of N after one warm-up, rounds alternating xlt and tfjs) keep a full run near 4
// minutes on the 2-core lavapipe VM; single timings on that VM swing by up to 2× (a layer step measured
// 1.6 s and 3.2 s minutes apart), so the layer and realign steps take the best of several too.
// BERT-base Linear layers on 2048 tokens (e.g. 16 × 128): attention projections 768→768, MLP 768→3072
// (as M×N×K with N the layer's outputs), and a 512-token batch.
const SHAPES: Shape[] = [
  { M: 512, N: 768, K: 768, iters: 5 },
  { M: 2048, N: 768, K: 768, iters: 3 },
  { M: 2048, N: 3072, K: 768, iters: 2 },
  // the built-in model's Linear layers (H 128, FFN 512) on a realignment batch (16 pairs of ≤ 64 tokens)
  { M: 2048, N: 128, K: 128, iters: 10 },
  { M: 2048, N: 512, K: 128, iters: 5 },
  { M: 2048, N: 128, K: 512, iters: 5 },
];

const g = await getGpu();
console.log(`# runtime: ${version} (${runtime === "deno" ? "wgpu" : "Dawn, npm webgpu"}); adapter: ${g.caps.adapterName}`);
let peer: Peer | null = null;
if (!args.includes("--no-peer")) {
  try {
    peer = await loadTfjs();
    console.log(`# peer: ${peer.name}, same adapter, same process`);
  } catch (e) {
    console.log(`# peer unavailable: ${(e as Error).message}`);
  }
}
const SECTIONS = ["matmul", "layer", "realign", "realign-small", "rows", "realign-full"];
const tileArg = args.indexOf("--tile");
if (tileArg >= 0) {
  const v = (args[tileArg + 1] ?? "").split(",");
  const [BM, BN, BK, RM, RN] = v.slice(0, 5).map(Number);
  setMatmulTile({ BM, BN, BK, RM, RN, direct: v[5] === "direct" });
  args.splice(tileArg, 2);
}
const options = new Map<string, string>();
for (const name of ["--freeze", "--steps"]) {
  const i = args.indexOf(name);
  if (i >= 0) options.set(name, args.splice(i, 2)[1]);
}
const option = (name: string) => options.get(name);
const bad = args.filter((a) => !a.startsWith("--") && !SECTIONS.includes(a));
if (bad.length) throw new Error(`unknown section(s) ${bad.join(", ")}; choose from ${SECTIONS.join(", ")}`);
const chosen = SECTIONS.filter((s) => args.includes(s));
const run = chosen.length ? chosen : SECTIONS.filter((s) => s !== "realign-full");
const quick = args.includes("--quick");
const vec4 = args.includes("--vec4-nt") ? "nt" : args.includes("--vec4-all") ? "all" : "off";
setMatmulVec4(vec4);
// --no-images: the buffer kernels only (the CPU path before the image operands), for before/after figures
if (args.includes("--no-images")) setMatmulImg("off");
const describeTile = (t: MatmulTile) => `${t.BM}×${t.BN} per workgroup, ${t.RM}×${t.RN} per thread, ${t.direct ? "direct (no staging)" : `staged, BK ${t.BK}`}`;
const tile = matmulTile(g), narrow = matmulTile(g, 64);
const tiles = describeTile(tile) + (narrow !== tile ? `; for outputs ≤ 128 wide ${describeTile(narrow)}` : "");
console.log(`# matmul tile: ${tiles}${tileArg >= 0 ? " (--tile)" : ""}; vec4 variants: ${vec4} (default off; --vec4-nt: forward only, --vec4-all)`);
console.log(`# load average before: ${loadavg()}`);
const log = (s: string) => console.log(s);
const t0 = performance.now();
for (const section of run) {
  const ts = performance.now();
  console.log(`\n## ${section}`);
  if (section === "matmul") {
    const cwd = runtime === "deno" ? Deno.cwd() : process.cwd();
    const blas = args.includes("--no-torch") ? undefined : { root: cwd, cores: availableCores() };
    await benchMatmul(quick ? [{ M: 64, N: 128, K: 128, iters: 2 }] : SHAPES, peer, log, blas);
    console.log(`# GFLOP/s = 2·M·N·K / seconds per call (best of N after one warm-up); xlt: the adapter's choice (xlt doctor), ` +
      `buffer path: the buffer kernels alone; xlt/OpenBLAS: share of the faster OpenBLAS run`);
  } else if (section === "layer") {
    await benchLayer(quick ? { B: 2, T: 16, iters: 1 } : { B: 8, T: 64, iters: 3 }, peer, log);
  } else if (section === "realign") {
    const cfg = bertBaseConfig(3, 8192);
    await benchRealign(quick ? { cfg, pairs: 2, T: 12, iters: 1 } : { cfg, pairs: 4, T: 32, iters: 3 }, peer, log);
    console.log(`# ratio = tfjs ms / xlt ms (target ≥ 2×)`);
  } else if (section === "realign-full") {
    const cwd = runtime === "deno" ? Deno.cwd() : process.cwd();
    // --freeze lower|none: one of the two; --steps N: steady steps timed (default 3)
    const size = quick ? { layers: 2, vocab: 4096, steps: 1 } : { layers: 6, vocab: 119547, steps: Number(option("--steps") ?? 3) };
    const freezes = option("--freeze")?.split(",") ?? ["lower", "none"];
    await benchRealignFull({ ...size, pairs: 16, freezes, peer: !args.includes("--no-torch"), root: cwd }, log);
  } else if (section === "rows") {
    await benchRows(quick ? { shapes: [[16, 64]], reps: 2, iters: 1 } : { shapes: [[1024, 64], [2048, 768]], reps: 10, iters: 5 }, peer, log);
  } else {
    // the built-in model and data: the realignment `npx xlt realign` runs without --model, next to PyTorch
    const cwd = runtime === "deno" ? Deno.cwd() : process.cwd();
    const freezes = option("--freeze")?.split(",") ?? ["lower", "none"];
    await benchRealignSmall({ pairs: quick ? 4 : 16, maxLength: 64, steps: quick ? 1 : Number(option("--steps") ?? 8), freezes, peer: !args.includes("--no-torch"), root: cwd }, log);
  }
  console.log(`# ${section}: ${((performance.now() - ts) / 1000).toFixed(0)} s`);
}
console.log(`\n# total ${((performance.now() - t0) / 1000).toFixed(0)} s; load average after: ${loadavg()}`);
await shutdownGpu();
if (runtime === "deno") Deno.exit(0);
else process.exit(0);

function loadavg(): string {
  try {
    const text = runtime === "deno" ? Deno.readTextFileSync("/proc/loadavg") : (globalThis as any).process.getBuiltinModule?.("node:fs")?.readFileSync("/proc/loadavg", "utf8");
    return text ? text.trim().split(/\s+/).slice(0, 3).join(" ") : "n/a";
  } catch {
    return "n/a";
  }
}
