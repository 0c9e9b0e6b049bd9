// The realignment training run behind `xlt realign`: load, freeze, train with Adam, checkpoint, save.
import * as nodeFs from "node:fs";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { getGpu, type Gpu } from "../gpu/device.ts";
import { sync } from "../gpu/recorder.ts";
import { fmtBytes, memoryStats, resetPeakMemory, Tensor } from "../gpu/tensor.ts";
import { estimateRealign } from "../memory.ts";
import { checkpointFiles, LANG_TABLE, loadCheckpoint, type ModelConfig, saveCheckpoint, sequenceLength } from "../io/checkpoint.ts";
import { loadTokenizer } from "../io/tokenize.ts";
import { loadAll } from "../io/safetensors.ts";
import { writeF32 } from "../io/safetensors_write.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { XltError } from "../errors.ts";
import { Encoder, tuneEncoderMatmuls } from "../../models/encoder.ts";
import { PairBatcher } from "../data/pairs.ts";
import type { PairExample } from "../data/side_batch.ts";
import { type HeadWeights, initHead, realignParamGroups, realignStep } from "./realign.ts";
import { Adam, checkMaxGradNorm } from "./adam.ts";
import { healthFlag } from "../kernels/optim.ts";
import { loadTrainingState, saveTrainingState } from "./state.ts";
import { allGroups, checkF16, frozenGroups, realignTrainable } from "./freeze.ts";
import { Progress } from "./progress.ts";
import { checkResume, dataFingerprint, type RunSettings, truncateLog } from "./resume.ts";
import { type TruncationRecord, truncationRecord, truncationWarning } from "./truncation.ts";
import { checkStepStatus, readStepStatus, type StepStatus } from "./pipeline.ts";
import { OneInFlight } from "../gpu/in_flight.ts";
import type { ProfileReport } from "../profile/profiler.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { GPU_WAIT_PHASE } from "../profile/table.ts";
import { ProfileSession, type SteadyState } from "../profile/session.ts";

export interface RealignOptions {
  model: string;
  examples: PairExample[];
  out: string;
  freeze: string;
  layer?: number; // hidden_states index; default N-1 (the published setup)
  projection: number | null; // head output width, null = no head
  tau: number;
  steps: number;
  batchSize: number;
  /** default: 96 (the papers), or the model's position limit if smaller */
  maxLength?: number;
  lr?: number;
  seed: number;
  dropout?: number;
  log?: string;
  checkpointEvery: number;
  resume: boolean;
  dumpGrads?: string;
  /** start the projection head from these weights (realignment_head.{0,2}.weight) instead of a random init */
  initHead?: string;
  maxGradNorm?: number;
  quiet?: boolean;
  /** extra fields recorded in run.json */
  meta?: Record<string, unknown>;
  onStep?: (step: number, loss: number) => void;
  /** profile the training steps: print the per-kernel table to stderr and write a Chrome trace to this file */
  profile?: string;
  /** store the frozen groups' weight matrices and embedding tables in f16 on the GPU (needs shader-f16) */
  f16Frozen?: boolean;
}

export interface RealignResult {
  steps: number;
  losses: number[];
  finalLoss: number;
  seconds: number;
  pairsPerSecond: number;
  trainable: string[];
  frozen: string[];
  /** with `profile`: the profiler's report of the training steps */
  profile?: ProfileReport;
  /** with `profile` and 2+ steps: wall and kernel time per step after the first */
  steady?: SteadyState;
  /** words, links and pairs lost to truncation in the pairs the run used */
  truncation: TruncationRecord;
  /**
   * GPU memory: the most held at once by this run (weights, gradients, Adam state and the training state),
   * the estimate (src/memory.ts estimateRealign) for the largest batch it met, and that batch's shape
   */
  memory: { peakBytes: number; estimateBytes: number; batch: number; seq: number; words: number; links: number };
}

/** Learning rates of the papers: 2e-5 for (distil)mBERT, 7.5e-6 for XLM-R. */
export function defaultLr(cfg: ModelConfig): number {
  return cfg.arch === "xlmr" ? 7.5e-6 : 2e-5;
}

const CKPT = "checkpoint";

export async function realign(o: RealignOptions): Promise<RealignResult> {
  checkMaxGradNorm(o.maxGradNorm);
  const g = await getGpu();
  if (o.f16Frozen) checkF16(g);
  const ckpt = loadCheckpoint(o.model);
  // the pair batches carry no language ids: such a model would run on inputs it was never trained on
  if (ckpt.tensors.has(LANG_TABLE)) {
    throw new XltError(`${o.model} has language embeddings (an XLM / DICT-MLM checkpoint): realignment feeds no language ids to its sentence pairs, so it cannot realign this model`);
  }
  const cfg = ckpt.config;
  const tok = loadTokenizer(o.model);
  const N = cfg.layers;
  const layer = o.layer ?? N - 1;
  if (!Number.isInteger(layer) || layer < 1 || layer > N) {
    throw new XltError(`--layer ${o.layer}: the model's hidden states are 0 (embeddings) to ${N}; the loss needs 1-${N}`);
  }
  const frozen = frozenGroups(o.freeze, N);
  const trainable = realignTrainable(o.freeze, N, layer);
  const lr = o.lr ?? defaultLr(cfg);
  const maxLength = sequenceLength(cfg, o.maxLength, 96);
  const ckptDir = join(o.out, CKPT);
  // what a resume must match, checked before any GPU work (a changed --freeze is named as such, not found
  // later as a tensor that does not fit)
  const settings: RunSettings = {
    "--seed": o.seed,
    "--lr": lr,
    "--batch-size": o.batchSize,
    "--freeze": `frozen ${[...frozen].join(",") || "nothing"}`,
    "--max-length": maxLength,
    "--projection": o.projection ?? "none",
    "--tau": o.tau,
    "--layer": layer,
    "--dropout": o.dropout ?? cfg.dropout,
    "--max-grad-norm": o.maxGradNorm ?? null,
    "--f16-frozen": o.f16Frozen || null, // unset as in checkpoints from before the option
    "the training data": dataFingerprint(o.examples),
  };
  if (o.resume) checkResume(ckptDir, settings, o.steps);
  // the frozen groups (everything realignTrainable leaves out) are never updated: with --f16-frozen their
  // weights live on the GPU in f16 only, and the saved checkpoint copies them from the input untouched
  const f16Groups = o.f16Frozen ? allGroups(N).filter((gr) => !trainable.includes(gr)) : [];
  await tuneEncoderMatmuls(g, cfg, 2 * o.batchSize * maxLength, o.projection === null ? [] : [[cfg.hidden, cfg.hidden], [o.projection, cfg.hidden]]);
  const baseBytes = memoryStats().liveBytes;
  resetPeakMemory();
  const encoder = new Encoder(g, cfg, ckpt.tensors, { dropout: o.dropout, f16Groups });
  encoder.setTrainable(trainable);
  const H = cfg.hidden;
  let head: HeadWeights | null = null;
  let headGrads: HeadWeights | null = null;
  if (o.projection !== null) {
    head = initHead(g, H, o.projection, o.seed);
    if (o.initHead) loadHead(o.initHead, head);
    headGrads = { w0: Tensor.zeros(g, [H, H]), w2: Tensor.zeros(g, [o.projection, H]) };
  }
  const health = healthFlag(g, "realign.health");
  const adam = new Adam(realignParamGroups(encoder, trainable, head, headGrads), { lr, maxGradNorm: o.maxGradNorm, health });
  const batcher = new PairBatcher(o.examples, tok, cfg, { batchSize: o.batchSize, maxLength, seed: o.seed });

  let start = 0;
  const losses: number[] = [];
  if (o.resume) {
    start = await loadTrainingState(ckptDir, (n) => stateParams(encoder, head).get(n), adam, "different --model?");
    const prev = JSON.parse(readFileSync(join(ckptDir, "losses.json"), "utf8"));
    losses.push(...prev);
    for (let s = 0; s < start; s++) batcher.next(); // same data order as an uninterrupted run
    // the steps after the checkpoint run again: their lines from the interrupted run go
    if (o.log) truncateLog(o.log, (rec) => typeof rec.step === "number" && rec.step <= start);
    if (!o.quiet) console.error(`resuming from step ${start} (${ckptDir})`);
  }

  const tau = o.tau;
  const progress = new Progress(o.steps, o.quiet);
  const t0 = performance.now();
  let pairsSeen = 0;
  const prof = new ProfileSession(g, o.profile, "realign");
  const largest = { seq: 0, words: 0, links: 0 };
  // Steps are pipelined one deep (src/train/pipeline.ts): the pipeline is drained before every checkpoint
  // and at the end, so the checkpoint and the outputs are never written from a state past a bad loss or a
  // non-finite gradient, weight or gradient norm (the health flag read with each loss).
  type Step = { step: number; value: Promise<StepStatus>; pairs: number; links: number; droppedWords: number; droppedLinks: number };
  const inFlight = new OneInFlight<Step>(async (f) => {
    const status = await prof.phase(GPU_WAIT_PHASE, () => f.value);
    checkStepStatus(status, f.step, ckptDir);
    const lossValue = status.loss;
    losses.push(lossValue);
    pairsSeen += f.pairs;
    const elapsed = (performance.now() - t0) / 1000;
    progress.update(f.step, `loss ${lossValue.toFixed(4)}  ${(pairsSeen / elapsed).toFixed(1)} pairs/s`);
    o.onStep?.(f.step, lossValue);
    if (o.log) {
      const rec = { step: f.step, loss: lossValue, lr, elapsed: +elapsed.toFixed(3), pairs: f.pairs, links: f.links, dropped_words: f.droppedWords, dropped_links: f.droppedLinks };
      appendLog(o.log, rec);
    }
  }, (f) => f.value);
  try {
    for (let step = start + 1; step <= o.steps; step++) {
      // with --profile, each step's CPU phase is split into what the host does (batch, record, submit) and
      // the wait for the GPU (for the PREVIOUS step's loss), so the trace shows both
      const endStep = prof.startPhase(`step ${step}`);
      if (step === start + 2) prof.steadyFrom(step); // after the first step (kernel compilation)
      const before = { ...batcher.counters };
      const batch = prof.phase("batch", () => batcher.next());
      largest.seq = Math.max(largest.seq, batch.left.T, batch.right.T);
      largest.words = Math.max(largest.words, batch.left.wordRows.length, batch.right.wordRows.length);
      largest.links = Math.max(largest.links, batch.links.length);
      const { loss } = prof.phase("record", () => {
        adam.zeroGrad();
        return realignStep({ encoder, layer, head, headGrads, tau }, batch.left, batch.right, batch.links, step, true);
      });
      // the gradients before any update: drains the pipeline (reads wait for everything recorded)
      if (o.dumpGrads && step === start + 1) await dumpGradients(o.dumpGrads, encoder, headGrads, ckpt.sourceNames);
      prof.phase("record", () => {
        setProfileContext(g, "optimizer");
        adam.step();
        setProfileContext(g, undefined);
      });
      const endSubmit = prof.startPhase("submit"); // (not phase(): that would stay open until the loss is read)
      const value = readStepStatus([{ t: loss, w: 1 }], health); // submits this step with a copy of its loss and health
      endSubmit();
      const dropped = { droppedWords: batcher.counters.droppedWords - before.droppedWords, droppedLinks: batcher.counters.droppedLinks - before.droppedLinks };
      await inFlight.push({ step, value, pairs: batch.pairs, links: batch.links.length, ...dropped });
      const atCheckpoint = o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < o.steps;
      // before a checkpoint and at the end: the step's phase includes the wait for its own loss
      if (atCheckpoint || step === o.steps) await inFlight.drain();
      if (atCheckpoint) await saveTrainingState(ckptDir, stateParams(encoder, head), adam, step, { "losses.json": losses }, settings);
      endStep();
    }
  } catch (e) {
    inFlight.abandon();
    await prof.abort();
    throw e;
  }
  await sync(g);
  const { report, steady } = await prof.finish({ quiet: o.quiet, lastStep: o.steps });
  progress.done();
  const truncation = truncationRecord(batcher.counters, maxLength);
  const warning = truncationWarning(truncation);
  if (warning && !o.quiet) console.error(warning);
  const seconds = (performance.now() - t0) / 1000;
  const finalLoss = losses.length ? losses[losses.length - 1] : NaN;
  const result: RealignResult = {
    steps: o.steps,
    losses,
    finalLoss,
    seconds,
    pairsPerSecond: pairsSeen / Math.max(seconds, 1e-9),
    trainable,
    frozen: [...frozen],
    truncation,
    memory: {
      peakBytes: memoryStats().peakBytes - baseBytes,
      estimateBytes: estimateRealign(cfg, o.batchSize, largest.seq, trainable, layer, !!o.f16Frozen, {
        words: largest.words, links: largest.links, projection: o.projection, dropout: o.dropout,
      }).total,
      batch: o.batchSize,
      ...largest,
    },
  };
  if (report) result.profile = report;
  if (steady) result.steady = steady;
  if (!o.quiet) console.error(`GPU memory: peak ${fmtBytes(result.memory.peakBytes)}, estimated ${fmtBytes(result.memory.estimateBytes)} (xlt info) for batch ${o.batchSize} × ${largest.seq} tokens`);
  await saveOutputs({ ...o, maxLength }, g, encoder, head, result, layer, lr);
  if (headGrads) for (const t of Object.values(headGrads)) t.release();
  adam.release();
  health.release();
  encoder.releaseState();
  return result;
}

/** Writes every trainable parameter's gradient under its checkpoint tensor name (frozen ones are absent). */
async function dumpGradients(path: string, enc: Encoder, headGrads: HeadWeights | null, sourceNames: Map<string, string>): Promise<void> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [canonical, grad] of enc.grads) out.set(sourceNames.get(canonical) ?? canonical, { shape: grad.shape, data: await grad.read() });
  if (headGrads) {
    out.set("realignment_head.0.weight", { shape: headGrads.w0.shape, data: await headGrads.w0.read() });
    out.set("realignment_head.2.weight", { shape: headGrads.w2.shape, data: await headGrads.w2.read() });
  }
  writeF32(path, out, { what: "gradients after the first batch, before any update" });
}

function appendLog(path: string, rec: Record<string, unknown>): void {
  // one line per step, appended: earlier lines survive if the run dies
  nodeFs.appendFileSync(path, JSON.stringify(rec) + "\n");
}



/** What a resumable realignment state holds: the trainable encoder tensors and the projection head. */
function stateParams(enc: Encoder, head: HeadWeights | null): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const [n, p] of enc.params) if (enc.grads.has(n)) m.set(n, p);
  if (head) {
    m.set("realignment_head.0.weight", head.w0);
    m.set("realignment_head.2.weight", head.w2);
  }
  return m;
}

function loadHead(path: string, head: HeadWeights): void {
  const all = loadAll(path);
  for (const [name, t] of [["realignment_head.0.weight", head.w0], ["realignment_head.2.weight", head.w2]] as const) {
    const w = all.get(name);
    if (!w) throw new XltError(`${path}: no tensor ${name}`);
    if (w.shape.join() !== t.shape.join()) throw new XltError(`${path}: ${name} has shape [${w.shape}] but the head needs [${t.shape}] (check --projection)`);
    t.write(w.data as Float32Array);
  }
}

async function saveOutputs(o: RealignOptions, g: Gpu, enc: Encoder, head: HeadWeights | null, r: RealignResult, layer: number, lr: number): Promise<void> {
  // Only the trainable tensors changed; saveCheckpoint copies everything else byte for byte.
  const changed = new Map<string, Float32Array>();
  for (const n of enc.grads.keys()) changed.set(n, await enc.p(n).read());
  const headData = head ? new Map([
    ["realignment_head.0.weight", { shape: head.w0.shape, data: await head.w0.read() }],
    ["realignment_head.2.weight", { shape: head.w2.shape, data: await head.w2.read() }],
  ]) : null;
  // an existing OUT/checkpoint (the last resumable state) is kept: writeDirAtomic keeps what it does not write
  await writeDirAtomic(o.out, (tmp) => {
    const stage = join(tmp, ".encoder");
    saveCheckpoint(stage, o.model, changed);
    for (const f of nodeFs.readdirSync(stage)) renameSync(join(stage, f), join(tmp, f));
    nodeFs.rmdirSync(stage);
    if (headData) writeF32(join(tmp, "realignment_head.safetensors"), headData);
    const run = {
      command: "realign",
      model: o.model,
      freeze: o.freeze,
      frozen: r.frozen,
      trainable: r.trainable,
      layer,
      projection: o.projection,
      tau: o.tau,
      steps: r.steps,
      batch_size: o.batchSize,
      max_length: o.maxLength,
      lr,
      seed: o.seed,
      dropout: o.dropout ?? enc.cfg.dropout,
      f16_frozen: !!o.f16Frozen,
      final_loss: r.finalLoss,
      first_loss: r.losses[0],
      seconds: +r.seconds.toFixed(3),
      pairs_per_second: +r.pairsPerSecond.toFixed(2),
      truncation: r.truncation,
      device: { runtime: g.caps.runtime, adapter: g.caps.adapterName },
      // the most GPU memory xlt's tensors held at once (pool buckets, so a little over the tensors' sizes)
      gpu_peak_bytes: memoryStats().peakBytes,
      ...o.meta,
    };
    writeFileAtomic(join(tmp, "run.json"), JSON.stringify(run, null, 2) + "\n");
  }, { replaces: checkpointFiles("realignment_head.safetensors") }); // no stale head when --projection none
}
