// Section `realign-full`: one realignment training step at the real size of distilbert-base-multilingual-cased
// (6 blocks, H 768, 12 heads, FFN 3072, the real 119,547-word vocabulary; random weights, built in memory)
// on 16 PUD en–de pairs tokenized with mBERT's real tokenizer and linked with the MUSE dictionary, loss at
// hidden_states[5], head 768→768→128, Adam, --freeze lower and none. Small shapes hide what this one shows:
// a 367 MB embedding table (over the 128 MiB binding limit, so chunked) whose gradient and Adam moments
// dominate the optimizer's memory traffic.
// Per freeze it prints: the first step (compiles the kernels, allocates the training state), then for the
// steps after it, run as `xlt realign` runs them (pipelined one deep, one read per step):
//   step       wall time per step
//   GPU span   GPU time of a steady step from its first command to its last (unprofiled, two timestamps)
//   idle       step − GPU span: the GPU had no work (the host recording or waiting), on the same steps
//   kernels    GPU time of the step's dispatches (one more step, profiled: one timestamped pass per dispatch,
//              the timer's own cost subtracted), and gaps: the time between them (clears, copies, uploads)
//   outside    idle + gaps: GPU time with no kernel running. Not step − kernels: on a loaded 2-core VM a
//              kernel's time swings by up to 2× between two steps, so only figures of the same steps subtract
//   record     host time to record and submit a step
//   peak       the tensor pool's peak GPU memory during the step (src/gpu/tensor.ts)
// and the same step in PyTorch on the CPU (scripts/bench/torch_realign_step.py, /usr/bin/python3), same
// batch, same shapes.
import { getGpu, type Gpu } from "../src/gpu/device.ts";
import { sync } from "../src/gpu/recorder.ts";
import { fmtBytes, memoryStats, resetPeakMemory, trimPool } from "../src/gpu/tensor.ts";
import { realignTrainable } from "../src/train/freeze.ts";
import { Trainer } from "../src/train/trainer.ts";
import { fixedPairs, RealignObjective, realignModel } from "../src/train/objectives/realign.ts";
import { readStepStatus, type StepStatus } from "../src/train/pipeline.ts";
import { OneInFlight } from "../src/gpu/in_flight.ts";
import { Profiler } from "../src/profile/profiler.ts";
import { SpanTimer } from "../src/profile/span_timer.ts";
import { formatKernelTable } from "../src/profile/table.ts";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { loadLanguagePairs, PairBatcher, type PairBatch } from "../src/data/pairs.ts";
import type { ModelConfig } from "../src/io/checkpoint.ts";
import { estimateRealign } from "../src/train/objectives/realign.ts";
import { bertBaseConfig, randomWeights, type Weights } from "./model_common.ts";
import { tuneEncoderMatmuls } from "../models/encoder.ts";
import { loadCheckpoint } from "../src/io/checkpoint.ts";
import { shippedBuiltin, shippedSpec } from "../src/builtin/shipped.ts";
import { runTorchStep, type TorchResult } from "./torch_peer.ts";

export interface RealignFullOpts {
  /** blocks and vocabulary (the real shape: 6, 119547; --quick shrinks both) */
  layers: number;
  vocab: number;
  pairs: number;
  /** steady steps timed after the first */
  steps: number;
  freezes: string[];
  /** time the PyTorch step too */
  peer: boolean;
  /** repository root (for ../shared and scripts/) */
  root: string;
}

const PROJ = 128, TAU = 0.1, LR = 2e-5, MAX_LEN = 96;

export interface FullResult {
  freeze: string;
  firstMs: number;
  stepMs: number;
  /** GPU time from a steady step's first command to its last (unprofiled, timestamps) */
  spanMs: number;
  kernelMs: number;
  /** idle time between the dispatches of the profiled step */
  gapMs: number;
  recordMs: number;
  peakBytes: number;
  /** the faster of torch's steps at 1 thread and at every core */
  torchMs: number | null;
  torch1Ms?: number | null;
  torchAllMs?: number | null;
}

/** distilbert-base-multilingual-cased's shape (its config.json), random weights. */
export function distilmbertConfig(layers = 6, vocab = 119547): ModelConfig {
  return { ...bertBaseConfig(layers, vocab), arch: "distilbert", typeVocab: 0, padId: 0 };
}

function loadBatch(cfg: ModelConfig, root: string, pairs: number): PairBatch {
  const shared = `${root}/../shared/data`;
  const { examples } = loadLanguagePairs({
    lang: "de",
    conllu: [`${shared}/ud/UD_English-PUD/en_pud-ud-test.conllu`, `${shared}/ud/UD_German-PUD/de_pud-ud-test.conllu`],
    dictionary: `${shared}/muse_dictionaries/en-de.txt`,
  });
  const tok = loadTokenizer(`${shared}/tokenizers/bert-base-multilingual-cased`);
  // a vocabulary smaller than the tokenizer's (--quick) folds ids into it: only shapes matter for timing
  const fold = (ids: Int32Array) => ids.map((i) => i % cfg.vocab);
  const b = new PairBatcher(examples, tok, { ...cfg, vocab: 119547 }, { batchSize: pairs, maxLength: MAX_LEN, seed: 1 }).next();
  b.left.ids = fold(b.left.ids);
  b.right.ids = fold(b.right.ids);
  return b;
}

/** One step benchmark: a model (config and weights), one batch, the freezes to time. */
export interface StepBench {
  /** the first line of the section: what model and data */
  title: string;
  cfg: ModelConfig;
  weights: Weights;
  batch: PairBatch;
  steps: number;
  freezes: string[];
  /** time the PyTorch step too (at 1 thread and at every core) */
  peer: boolean;
  root: string;
}

export async function benchRealignFull(o: RealignFullOpts, log: (s: string) => void): Promise<FullResult[]> {
  const cfg = distilmbertConfig(o.layers, o.vocab);
  const batch = loadBatch(cfg, o.root, o.pairs);
  const t0 = performance.now();
  const weights = randomWeights(cfg, 21);
  log(`# random weights built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return benchRealignSteps({ ...o, cfg, batch, weights, title: `${cfg.layers}-block DistilBERT shape (H ${cfg.hidden}, ${cfg.heads} heads, FFN ${cfg.ffn}, vocab ${cfg.vocab}), random weights` }, log);
}

/**
 * Section `realign-small`: the step `npx xlt realign --freeze lower` takes, on the built-in model (its
 * weights) and the built-in en–de pairs with their shipped fast_align links, 16 pairs of at most 64 tokens.
 */
export async function benchRealignSmall(o: { pairs: number; maxLength: number; steps: number; freezes: string[]; peer: boolean; root: string }, log: (s: string) => void): Promise<FullResult[]> {
  const b = shippedBuiltin();
  const ck = loadCheckpoint(b.model);
  const { examples } = loadLanguagePairs(shippedSpec(b, "de", undefined));
  const batch = new PairBatcher(examples, loadTokenizer(b.model), ck.config, { batchSize: o.pairs, maxLength: o.maxLength, seed: 42 }).next();
  return benchRealignSteps({ ...o, cfg: ck.config, weights: ck.tensors, batch, title: `the built-in model (${ck.config.layers} blocks, H ${ck.config.hidden}, FFN ${ck.config.ffn}, vocab ${ck.config.vocab}), built-in en–de pairs ≤ ${o.maxLength} tokens` }, log);
}

export async function benchRealignSteps(o: StepBench, log: (s: string) => void): Promise<FullResult[]> {
  const g = await getGpu();
  const { cfg, batch } = o;
  const layer = cfg.layers - 1;
  const tokens = batch.left.B * batch.left.T + batch.right.B * batch.right.T;
  log(`# realignment step: ${o.title}, loss at hidden_states[${layer}], head ${cfg.hidden}→${cfg.hidden}→${PROJ}, τ ${TAU}, Adam; ` +
    `${batch.pairs} pairs: ${batch.left.B}×${batch.left.T} + ${batch.right.B}×${batch.right.T} tokens (${tokens}), ${batch.links.length} links`);
  await tuneEncoderMatmuls(g, cfg, tokens, [[cfg.hidden, cfg.hidden], [PROJ, cfg.hidden]]);
  const out: FullResult[] = [];
  const T = Math.max(batch.left.T, batch.right.T);
  const estimateOf = (freeze: string) =>
    estimateRealign(cfg, batch.pairs, T, realignTrainable(freeze, cfg.layers, layer), layer, false, { links: batch.links.length, projection: PROJ, dropout: 0 }).total;
  const cores = availableCores();
  log(`freeze     first ms   step ms  pairs/s  GPU span ms  idle ms  kernels ms  gaps ms  outside (share)  record ms   peak GPU   estimate  torch 1t ms  torch ${cores}t ms  torch pairs/s  xlt/torch`);
  for (const freeze of o.freezes) {
    const r = await timeFreeze(g, cfg, o.weights, batch, freeze, o.steps);
    if (o.peer) {
      r.torch1Ms = await torchStep(o.root, cfg, batch, freeze, o.steps, 1, log);
      r.torchAllMs = await torchStep(o.root, cfg, batch, freeze, o.steps, cores, log);
      const best = [r.torch1Ms, r.torchAllMs].filter((x): x is number => x !== null);
      r.torchMs = best.length ? Math.min(...best) : null;
    }
    out.push(r);
    const idle = Math.max(0, r.stepMs - r.spanMs);
    const outside = idle + r.gapMs;
    const pad = (s: string, n: number) => s.padStart(n);
    const ms = (x: number | null | undefined) => (x == null ? "n/a" : x.toFixed(0));
    log(`${freeze.padEnd(8)} ${pad(r.firstMs.toFixed(0), 10)} ${pad(r.stepMs.toFixed(0), 9)} ${pad((batch.pairs / r.stepMs * 1000).toFixed(1), 8)} ${pad(r.spanMs.toFixed(0), 12)} ${pad(idle.toFixed(0), 8)} ` +
      `${pad(r.kernelMs.toFixed(0), 11)} ${pad(r.gapMs.toFixed(0), 8)} ${pad(outside.toFixed(0), 8)} (${pad(((100 * outside) / r.stepMs).toFixed(1), 4)}%) ` +
      `${pad(r.recordMs.toFixed(1), 10)} ${pad(fmtBytes(r.peakBytes), 10)} ${pad(fmtBytes(estimateOf(freeze)), 10)} ` +
      `${pad(ms(r.torch1Ms), 12)} ${pad(ms(r.torchAllMs), 12)} ${pad(r.torchMs == null ? "n/a" : (batch.pairs / r.torchMs * 1000).toFixed(1), 14)} ` +
      `${pad(r.torchMs == null ? "n/a" : (r.stepMs / r.torchMs).toFixed(2) + "×", 10)}`);
  }
  log(`# peak GPU: the most GPU memory xlt's tensors held (weights, gradients, Adam state and the training state) from building the encoder ` +
    `to the end of the profiled step; estimate: \`xlt info --freeze\`'s figure for this shape (estimateRealign, measured on a counting device, ` +
    `${batch.pairs} pairs × ${Math.max(batch.left.T, batch.right.T)} tokens, every token a word, ${batch.links.length} links)`);
  log(`# step: wall per step after the first, pipelined as \`xlt realign\` runs; mean of ${o.steps}`);
  log(`# GPU span: a steady step's GPU time, first command to last (unprofiled, two timestamps); idle = step − GPU span (the GPU had no work)`);
  log(`# kernels, gaps: one more step, profiled (a timestamped pass per dispatch, the timer's cost subtracted): the dispatches' summed time, ` +
    `and the time between them (clears, copies, uploads inside the step); outside = idle + gaps`);
  log(`# torch: the same step in PyTorch on the CPU at 1 intra-op thread and at ${cores} (torch.set_num_threads); xlt/torch = xlt's step / the faster torch step`);
  return out;
}

export function availableCores(): number {
  const os = (globalThis as any).process?.getBuiltinModule?.("node:os");
  return os?.availableParallelism?.() ?? os?.cpus?.().length ?? (globalThis as any).navigator?.hardwareConcurrency ?? 1;
}

async function timeFreeze(g: Gpu, cfg: ModelConfig, weights: Weights, batch: PairBatch, freeze: string, steps: number): Promise<FullResult> {
  await sync(g);
  resetPeakMemory();
  const m = realignModel({ config: cfg, tensors: weights }, { freeze, layer: cfg.layers - 1, projection: PROJ, tau: TAU, seed: 5, lr: LR, dropout: 0 });
  const trainer = new Trainer(g, (state) => new RealignObjective(g, state, m, fixedPairs(batch), Infinity));
  const step1 = trainer.objective.nextBatch(1);
  let step = 0;
  let recordMs = 0;
  let spans: SpanTimer | null = null;
  const record = (): Promise<StepStatus> => {
    const t = performance.now();
    const i = step - 1; // steady step index (step 1 is the first)
    spans?.begin(i);
    const { losses } = trainer.recordGradients(step1, ++step);
    trainer.update(step);
    spans?.end(i);
    const v = readStepStatus(losses, trainer.health);
    recordMs += performance.now() - t;
    return v;
  };
  const settle = async (v: Promise<StepStatus>) => {
    const s = await v;
    if (!Number.isFinite(s.loss) || s.health) throw new Error(`realign-full: non-finite step (loss ${s.loss}, health ${s.health})`);
  };
  try {
    let t = performance.now();
    await settle(record());
    const firstMs = performance.now() - t;
    // steady: pipelined one deep, as the Trainer (src/train/trainer.ts); each step's GPU span (first command to last,
    // unprofiled) is timestamped, so wall − span is GPU time with no work, measured on the same steps
    recordMs = 0;
    spans = new SpanTimer(g, steps);
    const inFlight = new OneInFlight<Promise<StepStatus>>(settle, (v) => v);
    t = performance.now();
    for (let i = 0; i < steps; i++) await inFlight.push(record());
    await inFlight.drain();
    const stepMs = (performance.now() - t) / steps;
    const rec = recordMs / steps;
    const spanMs = (await spans.read()).reduce((a, b) => a + b, 0) / steps;
    spans = null;
    // kernel time and the gaps between kernels inside a step: the same step once more, profiled
    const prof = Profiler.start(g, { label: "realign-full" });
    await settle(record());
    const report = await prof.stop();
    const evs = report.events;
    const kernelMs = evs.reduce((a, e) => a + e.durNs, 0) / 1e6;
    let gapMs = 0;
    for (let i = 1; i < evs.length; i++) gapMs += Math.max(0, evs[i].startNs - evs[i - 1].startNs - evs[i - 1].durNs) / 1e6;
    if (GAPS) printGaps(evs);
    if (KERNELS) console.log(formatKernelTable(report, { top: 25 }));
    return { freeze, firstMs, stepMs, spanMs, kernelMs, gapMs, recordMs: rec, peakBytes: memoryStats().peakBytes, torchMs: null };
  } finally {
    await sync(g);
    trainer.dispose();
    trimPool(); // the next freeze builds its own encoder: hand this one's buffers back
  }
}

async function torchStep(root: string, cfg: ModelConfig, batch: PairBatch, freeze: string, steps: number, threads: number, log: (s: string) => void): Promise<number | null> {
  const r: TorchResult = await runTorchStep(root, { cfg, batch, freeze, layer: cfg.layers - 1, projection: PROJ, tau: TAU, lr: LR, steps, threads });
  if (r.skipped) {
    log(`# torch: skipped (${r.skipped})`);
    return null;
  }
  log(`# torch ${r.version} on the CPU, BLAS ${r.blas}, ${r.threads} threads: first ${r.firstMs!.toFixed(0)} ms, then ${r.stepMs!.toFixed(0)} ms/step (mean of ${steps}), loss ${r.loss!.toFixed(4)}`);
  return r.stepMs!;
}

declare const Deno: any;
const GAPS = typeof Deno !== "undefined" ? Deno.env.get("XLT_BENCH_GAPS") : (globalThis as any).process?.env?.XLT_BENCH_GAPS;

/** XLT_BENCH_KERNELS=1: the profiled step's kernel table (the 25 most expensive kernels). */
const KERNELS = typeof Deno !== "undefined" ? Deno.env.get("XLT_BENCH_KERNELS") : (globalThis as any).process?.env?.XLT_BENCH_KERNELS;

/** XLT_BENCH_GAPS=1: the largest idle gaps of the profiled step, with the dispatches on either side. */
function printGaps(evs: { name: string; context?: string; detail?: string; startNs: number; durNs: number; submit: number }[]): void {
  const gaps = evs.slice(1).map((b, i) => ({ ms: (b.startNs - evs[i].startNs - evs[i].durNs) / 1e6, a: evs[i], b }));
  const total = gaps.reduce((x, y) => x + Math.max(0, y.ms), 0);
  console.log(`# gaps: ${evs.length} dispatches, ${total.toFixed(0)} ms between them; largest:`);
  for (const x of gaps.sort((p, q) => q.ms - p.ms).slice(0, 12)) {
    console.log(`#   ${x.ms.toFixed(1)} ms  ${x.a.context ?? ""} ${x.a.name} (${x.a.detail ?? ""}) -> ${x.b.context ?? ""} ${x.b.name} (${x.b.detail ?? ""}) submits ${x.a.submit}/${x.b.submit}`);
  }
}
