// `xlt profile`: times full realignment training steps (both sides forward, head, contrastive loss,
// backward, Adam: the Trainer's step of the realignment objective) on a synthetic batch, under the kernel profiler, and breaks the time down per kernel,
// per layer and phase (the dispatch contexts set by the encoder / realignStep), per buffer group, and into
// tokens/s and model FLOP utilisation (declared dispatch FLOPs per second / the device's measured peak).
//
// The synthetic batch: B sentence pairs of T tokens each side, token ids uniform over the vocabulary
// (special/pad ids excluded), every token is one word, K random one-to-one links per pair. Only shapes
// matter for timing, so no tokenizer is involved.
import { mulberry32 } from "../rng.ts";
import type { Gpu } from "../gpu/device.ts";
import { getGpu } from "../gpu/device.ts";
import { sync } from "../gpu/recorder.ts";
import { fmtBytes, memoryStats, Tensor } from "../gpu/tensor.ts";
import { loadCheckpoint, type ModelConfig } from "../io/checkpoint.ts";
import { XltError } from "../errors.ts";
import { buildSide, type SideBatch } from "../data/side_batch.ts";
import { checkF16 } from "./freeze.ts";
import { Trainer } from "./trainer.ts";
import { fixedPairs, RealignObjective, realignModel } from "./objectives/realign.ts";
import { tuneEncoderMatmuls } from "../../models/encoder.ts";
import { median, type ProfileEvent, type ProfileReport, Profiler } from "../profile/profiler.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { formatKernelTable } from "../profile/table.ts";
import { measurePeak, type Peak } from "./roofline.ts";
import { SpanTimer } from "../profile/span_timer.ts";

export interface ProfileStepOptions {
  /** model directory (Hugging Face snapshot) */
  model: string;
  batch?: number; // sentence pairs, default 16
  seq?: number; // tokens per sentence, default 32
  freeze?: string; // AlignFreeze spec, default "none"
  steps?: number; // profiled steps after one warm-up step, default 8
  links?: number; // links per pair, default ⌈T/2⌉
  projection?: number | null; // head width, default 128; null = no head
  layer?: number; // hidden_states index of the loss, default N-1
  seed?: number;
  /** measure the device peak for MFU (default true); or pass a known one */
  peak?: boolean | Peak;
  gpu?: Gpu;
  /** frozen groups' weight matrices and tables in f16 (xlt realign --f16-frozen; needs shader-f16) */
  f16Frozen?: boolean;
}

/** GPU time and work of all dispatches with one context (or one display group of contexts). */
export interface PhaseTotal {
  name: string;
  calls: number;
  gpuMs: number;
  flops: number;
  /** matmul dispatches, and among them weight-gradient (matmul.tn) ones */
  matmuls: number;
  weightGradMatmuls: number;
}

export interface StepSpan {
  step: number;
  /** CPU wall time of the step's phase (record, submit, wait for the GPU) */
  wallMs: number;
  /** first dispatch start to last dispatch end, on the GPU clock */
  gpuSpanMs: number;
  /** sum of the step's dispatch durations */
  kernelMs: number;
  dispatches: number;
  flops: number;
}

/**
 * The same step run WITHOUT the kernel profiler (one compute pass, as in training), timed by one timestamp
 * before its first dispatch and one after its last: the step's real GPU time. The per-kernel totals of a
 * profiled step are compared with it (coverage); per-dispatch passes add idle gaps of their own, which is
 * why the profiled step's span is not the reference.
 */
export interface UnprofiledSteps {
  steps: number;
  /** mean GPU time per step (CPU wall when the adapter has no timestamps, see timing) */
  gpuMs: number;
  /** mean CPU wall time per step: record, submit, wait for the loss */
  wallMs: number;
  timing: "gpu-timestamps" | "cpu-wall";
  /** per-kernel total of a profiled step / GPU time of the unprofiled step right after it; median over steps */
  coverage: number;
  /** that ratio for each pair of steps, in step order */
  coverageByStep: number[];
  /** GPU time (ms) of each unprofiled step, in step order */
  gpuMsByStep: number[];
}

export interface MemoryGroups {
  /** bytes held by tensors: encoder weights (+ head), gradients, Adam moments */
  weights: number;
  grads: number;
  optimizer: number;
  /** the encoder's training state as allocated (src/gpu/workspace.ts): activations, their gradients, workspace */
  activations: number;
  /** peak bytes of all live tensors seen by the buffer pool in this process (bucket-rounded) */
  peakLive: number;
}

export interface StepProfile {
  report: ProfileReport;
  /** per exact context ("layer.3 backward", …), in execution order of first appearance */
  byContext: PhaseTotal[];
  /** display groups: embeddings, layer.i forward, layer.i backward, head+loss, optimizer, (other) */
  byPhase: PhaseTotal[];
  steps: StepSpan[];
  unprofiled: UnprofiledSteps;
  memory: MemoryGroups;
  config: ModelConfig;
  batch: number;
  seq: number;
  freeze: string;
  trainable: string[];
  /** tokens per step (both sides) and per second of unprofiled step wall time */
  tokensPerStep: number;
  tokensPerSecond: number;
  /** declared FLOPs per step (mean of the profiled steps) and achieved FLOP/s over unprofiled step wall time */
  flopsPerStep: number;
  achievedGflops: number;
  peak: Peak | null;
  /** achievedGflops / peak.gflops, null without a peak */
  mfu: number | null;
}

const rng = mulberry32;

/** A synthetic realignment batch: B pairs of T one-token words each side, K links per pair. */
export function syntheticBatch(cfg: ModelConfig, B: number, T: number, K: number, seed: number) {
  const r = rng(seed);
  // ids from the upper part of the vocabulary: skips [PAD]/[CLS]/… and XLM-R's <s>,<pad>,</s>,<unk>
  const lo = Math.min(cfg.vocab - 1, Math.max(5, cfg.padId + 1));
  const side = (): SideBatch =>
    buildSide(cfg, Array.from({ length: B }, () => ({
      ids: Array.from({ length: T }, () => lo + Math.floor(r() * (cfg.vocab - lo))),
      firstSubword: Array.from({ length: T }, (_, w) => w),
    })));
  const left = side();
  const right = side();
  const links: { l: number; r: number }[] = [];
  for (let b = 0; b < B; b++) {
    // K distinct source words linked to a random permutation of target words (one-to-one)
    const perm = Array.from({ length: T }, (_, i) => i);
    for (let i = T - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let k = 0; k < Math.min(K, T); k++) links.push({ l: left.wordIndex[b][k], r: right.wordIndex[b][perm[k]] });
  }
  return { left, right, links };
}

/** Display group of a dispatch context. */
export function phaseGroup(context: string | undefined): string {
  if (!context) return "(other)";
  if (context.startsWith("embeddings")) return "embeddings";
  if (context === "head" || context === "loss") return "head+loss";
  return context;
}

function totals(events: ProfileEvent[], key: (e: ProfileEvent) => string): PhaseTotal[] {
  const m = new Map<string, PhaseTotal>();
  for (const e of events) {
    const k = key(e);
    let t = m.get(k);
    if (!t) m.set(k, (t = { name: k, calls: 0, gpuMs: 0, flops: 0, matmuls: 0, weightGradMatmuls: 0 }));
    t.calls++;
    t.gpuMs += e.durNs / 1e6;
    t.flops += e.flops ?? 0;
    if (e.name.startsWith("matmul.")) t.matmuls++;
    if (e.name === "matmul.tn") t.weightGradMatmuls++;
  }
  return [...m.values()];
}

/**
 * Loads the model, runs one warm-up step (pipelines compile, buffers pool), then `steps` profiled steps,
 * each a CPU phase "step i" that ends when the GPU has finished it. A step is the Trainer's (the
 * realignment objective's forward and backward, then the update) on the one synthetic batch.
 */
export async function profileRealignStep(o: ProfileStepOptions): Promise<StepProfile> {
  const B = o.batch ?? 16, T = o.seq ?? 32, steps = o.steps ?? 8, seed = o.seed ?? 42;
  const freeze = o.freeze ?? "none";
  for (const [k, v] of [["batch-size", B], ["max-length", T], ["steps", steps]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new XltError(`--${k} must be a positive integer, got ${v}`);
  }
  const g = o.gpu ?? (await getGpu());
  if (o.f16Frozen) checkF16(g);
  const ckpt = loadCheckpoint(o.model);
  const cfg = ckpt.config;
  if (T > cfg.maxPositions - cfg.positionOffset) {
    throw new XltError(`--max-length ${T}: the model has ${cfg.maxPositions - cfg.positionOffset} positions`);
  }
  const projection = o.projection === undefined ? 128 : o.projection;
  await tuneEncoderMatmuls(g, cfg, 2 * B * T, projection === null ? [] : [[cfg.hidden, cfg.hidden], [projection, cfg.hidden]]);
  const m = realignModel(ckpt, { freeze, layer: o.layer, projection, tau: 0.1, seed, lr: 1e-5, f16Frozen: o.f16Frozen });
  const data = syntheticBatch(cfg, B, T, o.links ?? Math.ceil(T / 2), seed);
  const trainer = new Trainer(g, (state) => new RealignObjective(g, state, m, fixedPairs({ ...data, pairs: B }), Infinity));
  const { encoder, head } = trainer.objective as RealignObjective;
  const batch = trainer.objective.nextBatch(1);

  const runStep = async (step: number, timer?: SpanTimer, span = 0) => {
    timer?.begin(span);
    const { losses } = trainer.recordGradients(batch, step);
    trainer.update(step);
    timer?.end(span);
    await losses[0].t.read(); // flushes and waits: the step's GPU work is done when this resolves
    timer?.done(span);
  };

  try {
    await runStep(0); // warm-up, not profiled
    await sync(g);
    const peak = o.peak === false ? null : typeof o.peak === "object" ? o.peak : await measurePeak(g);
    const prof = Profiler.start(g, { label: `realign step ${cfg.arch} B=${B} T=${T} freeze=${freeze}${o.f16Frozen ? " f16-frozen" : ""}` , emptyPassCalibration: false });
    // Each profiled step is followed by the same step as a probe of the timer's cost (dispatches paired in
    // shared passes), and then unprofiled (one pass, as in training), timed by a timestamp before and after
    // it: the step's real GPU time, the reference for the per-kernel totals. Interleaving them makes all
    // three see the same machine state (lavapipe timings drift by tens of % within a run).
    const timer = new SpanTimer(g, steps);
    const ranges: { step: number; from: number; to: number }[] = [];
    const unWall: number[] = [];
    try {
      for (let s = 1; s <= steps; s++) {
        const from = prof.eventCount;
        await prof.phase(`step ${s}`, () => runStep(s));
        ranges.push({ step: s, from, to: prof.eventCount });
        // the same step again with adjacent dispatches paired in shared passes: what a pass boundary
        // costs inside the timestamps, measured on these kernels (see the profiler's header)
        prof.probePassCost(from);
        await runStep(s);
        prof.endProbe();
        prof.pause();
        const t0 = performance.now();
        await runStep(steps + s, timer, s - 1);
        unWall.push(performance.now() - t0);
        prof.resume();
      }
    } catch (e) {
      await prof.stop().catch(() => undefined); // detach, so the device can be profiled again
      throw e;
    }
    const report = await prof.stop();
    const spans: StepSpan[] = ranges.map(({ step, from, to }) => {
      const evs = report.events.slice(from, to);
      const ph = report.phases.find((p) => p.name === `step ${step}` && p.depth === 0)!;
      const start = Math.min(...evs.map((e) => e.startNs));
      const end = Math.max(...evs.map((e) => e.startNs + e.durNs));
      return {
        step,
        wallMs: ph.durNs / 1e6,
        gpuSpanMs: evs.length ? (end - start) / 1e6 : 0,
        kernelMs: evs.reduce((a, e) => a + e.durNs, 0) / 1e6,
        dispatches: evs.length,
        flops: evs.reduce((a, e) => a + (e.flops ?? 0), 0),
      };
    });
    const unGpu = await timer.read();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const byStep = spans.map((x, i) => (unGpu[i] > 0 ? x.kernelMs / unGpu[i] : 0));
    const unprofiled: UnprofiledSteps = {
      steps,
      gpuMs: mean(unGpu),
      wallMs: mean(unWall),
      timing: timer.timing,
      // median over the (profiled, unprofiled) pairs of steps: robust to one disturbed step
      coverage: median(byStep),
      coverageByStep: byStep,
      gpuMsByStep: unGpu,
    };
    const sumBytes = (ts: Iterable<Tensor>) => [...ts].reduce((a, t) => a + t.bytes, 0);
    const enabled = trainer.adam.groups.filter((gr) => gr.enabled).flatMap((gr) => gr.params);
    const memory: MemoryGroups = {
      weights: sumBytes(encoder.params.values()) + sumBytes(head?.params.values() ?? []),
      grads: sumBytes(encoder.grads.values()) + sumBytes(head?.grads.values() ?? []),
      optimizer: 2 * enabled.reduce((a, p) => a + p.param.bytes, 0), // Adam m and v per enabled parameter
      activations: trainer.state.bytes,
      peakLive: memoryStats().peakBytes,
    };
    // throughput of training as it runs (unprofiled): per-dispatch passes slow the profiled steps down
    const wallMs = unprofiled.wallMs * steps;
    const flopsPerStep = spans.reduce((a, s) => a + s.flops, 0) / spans.length;
    const achievedGflops = wallMs > 0 ? (flopsPerStep * spans.length) / (wallMs * 1e6) : 0;
    const tokensPerStep = 2 * B * T;
    return {
      report,
      byContext: totals(report.events, (e) => e.context ?? "(other)"),
      byPhase: totals(report.events, (e) => phaseGroup(e.context)),
      steps: spans,
      unprofiled,
      memory,
      config: cfg,
      batch: B,
      seq: T,
      freeze,
      trainable: m.trainable,
      tokensPerStep,
      tokensPerSecond: wallMs > 0 ? (tokensPerStep * spans.length) / (wallMs / 1000) : 0,
      flopsPerStep,
      achievedGflops,
      peak,
      mfu: peak && peak.gflops > 0 ? achievedGflops / peak.gflops : null,
    };
  } finally {
    setProfileContext(g, undefined);
    trainer.dispose();
  }
}

function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const w = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join("  ");
  return [fmt(head), "-".repeat(w.reduce((a, b) => a + b + 2, -2)), ...rows.map(fmt)].join("\n");
}

/** The text report of `xlt profile`: kernels, layers/phases, memory, throughput. */
export function formatStepProfile(p: StepProfile, opts: { top?: number } = {}): string {
  const n = p.steps.length;
  const est = p.report.timing === "cpu-fallback" ? " (estimated)" : "";
  const out: string[] = [];
  out.push(`== kernels (${n} step${n > 1 ? "s" : ""} after 1 warm-up) ==`);
  out.push(formatKernelTable(p.report, { top: opts.top, steps: n }));
  out.push("");
  out.push(`== time per layer and phase, per step${est} ==`);
  const gpuTotal = p.byPhase.reduce((a, t) => a + t.gpuMs, 0);
  out.push(table(["phase", "dispatches", "GPU ms", "share %", "GFLOP", "GFLOP/s"], p.byPhase.map((t) => [
    t.name,
    String(t.calls / n),
    (t.gpuMs / n).toFixed(3),
    gpuTotal > 0 ? ((100 * t.gpuMs) / gpuTotal).toFixed(1) : "-",
    (t.flops / n / 1e9).toFixed(4),
    t.gpuMs > 0 && t.flops > 0 ? (t.flops / (t.gpuMs * 1e6)).toFixed(2) : "-",
  ])));
  out.push("");
  out.push("== memory per buffer group ==");
  const m = p.memory;
  out.push(table(["group", "bytes", "source"], [
    ["weights", fmtBytes(m.weights), "tensors held by the encoder (+ head)"],
    ["gradients", fmtBytes(m.grads), `tensors held (trainable: ${p.trainable.join(", ") || "nothing"} + head)`],
    ["optimizer state", fmtBytes(m.optimizer), "Adam m and v of every enabled parameter"],
    ["activations", fmtBytes(m.activations), `training state (activations, their gradients, workspace) for ${p.batch}×${p.seq} tokens × 2 sides`],
    ["peak live tensors", fmtBytes(m.peakLive), "buffer pool high-water mark of this process"],
  ]));
  out.push("");
  out.push("== throughput ==");
  const wall = p.steps.reduce((a, s) => a + s.wallMs, 0) / n;
  const span = p.steps.reduce((a, s) => a + s.gpuSpanMs, 0) / n;
  const kern = p.steps.reduce((a, s) => a + s.kernelMs, 0) / n;
  out.push(`profiled step: ${wall.toFixed(2)} ms wall, GPU span ${span.toFixed(2)} ms, kernels ${kern.toFixed(2)} ms${est}, ${p.steps[0].dispatches} dispatches (one pass each)`);
  const u = p.unprofiled;
  const uGpu = u.timing === "gpu-timestamps" ? `GPU ${u.gpuMs.toFixed(2)} ms` : "no GPU timestamps";
  out.push(`unprofiled step (one pass, as in training): ${u.wallMs.toFixed(2)} ms wall, ${uGpu}; ` +
    `per-kernel total = ${(100 * u.coverage).toFixed(1)}% of the unprofiled ${u.timing === "gpu-timestamps" ? "GPU time" : "wall time"}` +
    (u.coverageByStep.length > 1 ? ` (median; per step ${Math.round(100 * Math.min(...u.coverageByStep))}–${Math.round(100 * Math.max(...u.coverageByStep))}%)` : ""));
  out.push(`tokens/s: ${p.tokensPerSecond.toFixed(1)} unprofiled (${p.tokensPerStep} tokens per step: ${p.batch} pairs × ${p.seq} tokens × 2 sides)`);
  out.push(`model FLOPs: ${(p.flopsPerStep / 1e9).toFixed(4)} GFLOP per step (declared by the kernels), ${p.achievedGflops.toFixed(2)} GFLOP/s achieved over unprofiled wall time`);
  if (p.peak) {
    out.push(`peak (xlt's own probe, ${p.peak.timing}): ${p.peak.gflops.toFixed(2)} GFLOP/s matmul ${p.peak.n}³, ${p.peak.gbps.toFixed(2)} GB/s elementwise`);
    out.push(`model FLOP utilisation: ${(100 * (p.mfu ?? 0)).toFixed(1)}% of the probe's peak`);
  } else out.push("model FLOP utilisation: - (no peak measured)");
  return out.join("\n");
}
