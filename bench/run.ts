// Benchmarks: `npm run bench` (Node, built to dist/) or `./node_modules/deno/deno run -A bench/run.ts`.
// Prints the runtime and adapter, then our matmul GFLOP/s next to tfjs-webgpu's at BERT-base shapes.
// Options: --quick (the small shape only), --no-peer (skip tfjs).
import { getGpu, runtime, shutdownGpu } from "../src/gpu/device.ts";
import { benchMatmul, type Shape } from "./matmul.ts";
import { loadTfjs, type Peer } from "./tfjs.ts";

declare const Deno: any;
const args: string[] = runtime === "deno" ? Deno.args : process.argv.slice(2);
const version = runtime === "deno" ? `deno ${Deno.version.deno}` : `node ${process.version}`;

// BERT-base Linear layers on 2048 tokens (e.g. 16 × 128): attention projections 768→768, MLP 768→3072
// (as M×N×K with N the layer's outputs), and a 512-token batch.
const SHAPES: Shape[] = [
  { M: 512, N: 768, K: 768, iters: 5 },
  { M: 2048, N: 768, K: 768, iters: 3 },
  { M: 2048, N: 3072, K: 768, iters: 2 },
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
const t0 = performance.now();
await benchMatmul(args.includes("--quick") ? SHAPES.slice(0, 1) : SHAPES, peer, (s) => console.log(s));
console.log(`# total ${((performance.now() - t0) / 1000).toFixed(0)} s; GFLOP/s = 2·M·N·K / seconds per call (warm-up excluded)`);
await shutdownGpu();
if (runtime === "deno") Deno.exit(0);
else process.exit(0);
