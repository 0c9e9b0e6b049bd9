// Realignment, behind `xlt realign`: the contrastive word-alignment loss of Gaschi et al. (2023) on the
// encoder's hidden_states[layer] and a projection head (src/train/realign.ts), the groups AlignFreeze freezes
// left out of the optimizer, Adam at a constant rate. Saves the checkpoint (only the trainable tensors
// changed; everything else copied byte for byte) and realignment_head.safetensors.
import { type Caps, type Gpu, getGpu } from "../../gpu/device.ts";
import { countingGpu } from "../../gpu/counting.ts";
import { fmtBytes, memoryStats, resetPeakMemory, type Tensor } from "../../gpu/tensor.ts";
import { type Checkpoint, checkpointFiles, LANG_TABLE, loadCheckpoint, modelFingerprint, type ModelConfig, saveCheckpoint, sequenceLength } from "../../io/checkpoint.ts";
import { loadTokenizer } from "../../io/tokenize.ts";
import { loadAll } from "../../io/safetensors.ts";
import { writeF32 } from "../../io/safetensors_write.ts";
import { XltError } from "../../errors.ts";
import { Encoder, groupOf, tuneEncoderMatmuls } from "../../../models/encoder.ts";
import type { F32Map, HeadTensors } from "../../../models/head_tensors.ts";
import type { TrainingState } from "../../gpu/workspace.ts";
import { REALIGNMENT_HEAD_FILE, RealignmentHead } from "../../../models/realignment_head.ts";
import { type BatcherCounters, PairBatcher } from "../../data/pairs.ts";
import { buildSide, type PairExample, type SideBatch } from "../../data/side_batch.ts";
import type { ProfileReport } from "../../profile/profiler.ts";
import type { SteadyState } from "../../profile/session.ts";
import { realignStep } from "../realign.ts";
import { checkMaxGradNorm, type ParamGroup } from "../adam.ts";
import { allGroups, checkF16, frozenGroups, realignTrainable } from "../freeze.ts";
import { dataFingerprint, isNumberList, MODEL_KEY, type RunSettings } from "../resume.ts";
import { recordOf, settingsOf } from "../config.ts";
import { type RealignConfig, REALIGN_OPTIONS, REALIGN_RECORD, REALIGN_RESUME } from "../configs/realign.ts";
import { type TruncationRecord, truncationRecord, truncationWarning } from "../truncation.ts";
import type { Objective, Outputs, RunSummary, SettledStep } from "../objective.ts";
import { checkResumable, type SideFiles, Trainer, type TrainerOptions } from "../trainer.ts";
import { measureStep, runnableLength, type RealignEstimate, shapesOnly } from "../estimate.ts";
import { fs, nodePath } from "../../host.ts";

/** A realignment checkpoint's side file: the losses so far. */
const LOSSES = "losses.json";
const REALIGN_SIDE: SideFiles = { [LOSSES]: isNumberList };

/**
 * The run's loop options (TrainerOptions: out, log, checkpoints, resume, --profile, --dump-grads) and
 * realignment's own: the command's run config (src/train/configs/realign.ts) with the model and the step
 * count decided, and the sentence pairs its data options name.
 */
export type RealignOptions = TrainerOptions & Omit<RealignConfig, "model" | "steps"> & {
  model: string;
  steps: number;
  examples: PairExample[];
};

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
   * the estimate (estimateRealign) for the largest batch it met, and that batch's shape
   */
  memory: { peakBytes: number; estimateBytes: number; batch: number; seq: number; words: number; links: number };
}

/** Learning rates of the papers: 2e-5 for (distil)mBERT, 7.5e-6 for XLM-R. */
export function defaultLr(cfg: ModelConfig): number {
  return cfg.arch === "xlmr" ? 7.5e-6 : 2e-5;
}

/** The model and settings of a realignment, checked before anything is on the GPU. */
export interface RealignModel {
  /** the model: its config and weights, and the names of the file it came from (--dump-grads) */
  ckpt: ModelWeights;
  layer: number;
  frozen: Set<string>;
  trainable: string[];
  lr: number;
  projection: number | null;
  tau: number;
  seed: number;
  dropout?: number;
  f16Frozen: boolean;
  maxGradNorm?: number;
  /** a saved head to start from (realignment_head.safetensors), and its path for errors */
  initHead?: { tensors: F32Map; path: string };
}

export type ModelWeights = Pick<Checkpoint, "config" | "tensors"> & { sourceNames?: Map<string, string> };

/** Checks the loss layer and the freezing spec against the model; the groups trained and frozen. */
export function realignModel(ckpt: ModelWeights, o: Pick<RealignOptions, "layer" | "freeze" | "lr" | "projection" | "tau" | "seed" | "dropout" | "f16Frozen" | "maxGradNorm">): RealignModel {
  const N = ckpt.config.layers;
  const layer = o.layer ?? N - 1;
  if (!Number.isInteger(layer) || layer < 1 || layer > N) {
    throw new XltError(`--layer ${o.layer}: the model's hidden states are 0 (embeddings) to ${N}; the loss needs 1-${N}`);
  }
  const frozen = frozenGroups(o.freeze, N);
  return {
    ckpt, layer, frozen, trainable: realignTrainable(o.freeze, N, layer), lr: o.lr ?? defaultLr(ckpt.config), projection: o.projection, tau: o.tau, seed: o.seed,
    dropout: o.dropout, f16Frozen: !!o.f16Frozen, maxGradNorm: o.maxGradNorm,
  };
}

/** Where the batches come from: the pair stream of the training data, or a fixed synthetic batch (xlt profile). */
export interface PairSource {
  next(): { left: SideBatch; right: SideBatch; links: { l: number; r: number }[]; pairs: number };
  readonly counters: Pick<BatcherCounters, "droppedWords" | "droppedLinks">;
}

/** What run.json records of a realignment command: its settings (the defaults resolved) and the caller's meta. */
export interface RealignSaving {
  config: RealignOptions & { maxLength: number; lr: number; layer: number; dropout: number; f16Frozen: boolean };
}

/** A source that hands out the same batch every step (xlt profile, the benchmarks): nothing is truncated. */
export function fixedPairs(batch: ReturnType<PairSource["next"]>): PairSource {
  return { next: () => batch, counters: { droppedWords: 0, droppedLinks: 0 } };
}

/** One step's pairs, and the words and links truncation dropped from them. */
export interface RealignBatch {
  left: SideBatch;
  right: SideBatch;
  links: { l: number; r: number }[];
  pairs: number;
  droppedWords: number;
  droppedLinks: number;
}

export class RealignObjective implements Objective<RealignBatch> {
  readonly label = "realign";
  readonly stepsGiven = true;
  readonly resumeHint = "different --model?";
  readonly optimizer: Objective<RealignBatch>["optimizer"];
  readonly encoder: Encoder;
  readonly head: RealignmentHead | null = null;
  /** the longest sentence, most words per side and most links of any batch so far (for the memory estimate) */
  readonly largest = { seq: 0, words: 0, links: 0 };

  /**
   * `saving`: what run.json records of the command and where the checkpoint came from (absent where the
   * objective only runs steps, as xlt profile)
   */
  constructor(readonly gpu: Gpu, state: TrainingState, readonly m: RealignModel, readonly batches: PairSource, readonly steps: number, readonly settings: RunSettings = {}, readonly saving?: RealignSaving) {
    const cfg = m.ckpt.config;
    this.optimizer = { lr: m.lr, maxGradNorm: m.maxGradNorm, health: "realign.health" };
    // the frozen groups (everything realignTrainable leaves out) are never updated: with --f16-frozen their
    // weights live on the GPU in f16 only, and the saved checkpoint copies them from the input untouched
    const f16Groups = m.f16Frozen ? allGroups(cfg.layers).filter((gr) => !m.trainable.includes(gr)) : [];
    this.encoder = new Encoder(gpu, cfg, m.ckpt.tensors, { dropout: m.dropout, f16Groups, state });
    this.encoder.setTrainable(m.trainable);
    if (m.projection !== null) {
      this.head = new RealignmentHead(gpu, cfg.hidden, m.projection, m.seed);
      if (m.initHead) this.head.load(m.initHead.tensors, m.initHead.path);
      this.head.enableGrads();
    }
  }

  get heads(): HeadTensors[] {
    return this.head ? [this.head] : [];
  }

  /**
   * One group per encoder group ("embeddings", "layer.i"; enabled when trainable) and the projection head.
   * Groups without gradient buffers are left out.
   */
  paramGroups(): ParamGroup[] {
    const enc = this.encoder;
    const groups: ParamGroup[] = allGroups(enc.cfg.layers).map((name) => ({
      name,
      enabled: this.m.trainable.includes(name),
      params: [...enc.grads.entries()].filter(([n]) => groupOf(n) === name).map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
    }));
    const head = this.head;
    if (head) groups.push({ name: "realignment_head", enabled: true, params: [...head.grads].map(([name, grad]) => ({ name, param: head.params.get(name)!, grad })) });
    return groups.filter((gr) => gr.params.length > 0);
  }

  /** The trainable encoder tensors and the projection head. */
  stateParams(): Map<string, Tensor> {
    const enc = this.encoder;
    const m = new Map<string, Tensor>();
    for (const [n, p] of enc.params) if (enc.grads.has(n)) m.set(n, p);
    for (const [n, p] of this.head?.params ?? []) m.set(n, p);
    return m;
  }

  lr(): number {
    return this.m.lr;
  }

  nextBatch(): RealignBatch {
    const c = this.batches.counters;
    const before = { words: c.droppedWords, links: c.droppedLinks };
    const b = this.batches.next();
    const l = this.largest;
    l.seq = Math.max(l.seq, b.left.T, b.right.T);
    l.words = Math.max(l.words, b.left.wordRows.length, b.right.wordRows.length);
    l.links = Math.max(l.links, b.links.length);
    return { ...b, droppedWords: c.droppedWords - before.words, droppedLinks: c.droppedLinks - before.links };
  }

  record(b: RealignBatch, step: number) {
    const { loss } = realignStep({ encoder: this.encoder, layer: this.m.layer, head: this.head?.weights ?? null, headGrads: this.head?.gradients ?? null, tau: this.m.tau }, b.left, b.right, b.links, step, true);
    return { losses: [{ t: loss, w: 1 }] };
  }

  units(b: RealignBatch): number {
    return b.pairs;
  }

  progress(s: SettledStep<RealignBatch>): string {
    return `loss ${s.loss.toFixed(4)}  ${s.rate.toFixed(1)} pairs/s`;
  }

  logLine(s: SettledStep<RealignBatch>): Record<string, unknown> {
    const b = s.batch;
    return { step: s.step, loss: s.loss, lr: s.lr, elapsed: +s.elapsed.toFixed(3), pairs: b.pairs, links: b.links.length, dropped_words: b.droppedWords, dropped_links: b.droppedLinks };
  }

  checkpointSide(losses: number[]) {
    return { [LOSSES]: losses };
  }

  restore(side: Record<string, any>, start: number): number[] {
    for (let s = 0; s < start; s++) this.batches.next(); // same data order as an uninterrupted run
    return side[LOSSES];
  }

  keepsLogLine(rec: Record<string, unknown>, start: number): boolean {
    return typeof rec.step === "number" && rec.step <= start;
  }

  /** Every trainable parameter's gradient under its checkpoint tensor name (frozen ones are absent). */
  async dumpGradients(path: string): Promise<void> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [canonical, grad] of this.encoder.grads) out.set(this.m.ckpt.sourceNames?.get(canonical) ?? canonical, { shape: grad.shape, data: await grad.read() });
    for (const [name, grad] of this.head?.grads ?? []) out.set(name, { shape: grad.shape, data: await grad.read() });
    writeF32(path, out, { what: "gradients after the first batch, before any update" });
  }

  /** The realigned checkpoint (only the trainable tensors changed) and the projection head; needs `saving`. */
  async outputs(r: RunSummary): Promise<Outputs> {
    const o = this.saving;
    if (!o) throw new Error("RealignObjective: no output settings (saving)");
    const enc = this.encoder;
    // saveCheckpoint copies everything but these byte for byte
    const changed = new Map<string, Float32Array>();
    for (const n of enc.grads.keys()) changed.set(n, await enc.p(n).read());
    const head = await this.head?.readParams();
    const run = {
      command: "realign",
      ...recordOf(REALIGN_OPTIONS, REALIGN_RECORD, o.config, { frozen: [...this.m.frozen], trainable: this.m.trainable, steps: r.steps }),
      final_loss: r.finalLoss,
      first_loss: r.losses[0],
      seconds: +r.seconds.toFixed(3),
      pairs_per_second: +(r.seen / Math.max(r.processSeconds, 1e-9)).toFixed(2),
      truncation: truncationRecord(this.batches.counters as BatcherCounters, o.config.maxLength),
      device: { runtime: this.gpu.caps.runtime, adapter: this.gpu.caps.adapterName },
      // the most GPU memory xlt's tensors held at once (pool buckets, so a little over the tensors' sizes)
      gpu_peak_bytes: memoryStats().peakBytes,
      ...o.config.meta,
    };
    return {
      write: (dir) => {
        const stage = nodePath.join(dir, ".encoder");
        saveCheckpoint(stage, o.config.model, changed);
        for (const f of fs.readdirSync(stage)) fs.renameSync(nodePath.join(stage, f), nodePath.join(dir, f));
        fs.rmdirSync(stage);
        if (head) writeF32(nodePath.join(dir, REALIGNMENT_HEAD_FILE), head);
      },
      run,
      replaces: checkpointFiles(REALIGNMENT_HEAD_FILE), // no stale head when --projection none
    };
  }

  dispose(): void {
    this.encoder.dispose();
    this.head?.dispose();
  }
}

/** The batch shape of a realignment estimate beyond pairs × tokens (defaults: every token a word, every word linked, the CLI's head). */
export interface RealignShape {
  /** first-subword words per side (default: every token) */
  words?: number;
  /** aligned word pairs (default: every word) */
  links?: number;
  /** projection width, null without a head (default 128) */
  projection?: number | null;
  /** hidden and attention dropout (default: the model's) */
  dropout?: number;
}

/**
 * B pairs of T tokens per side with `words` words per side and `links` links in all (spread over the pairs),
 * every id distinct: the most any batch of that shape allocates (embeddings' backward sorts by distinct id).
 */
export function syntheticPairs(cfg: ModelConfig, B: number, T: number, words: number, links: number) {
  const lo = Math.min(cfg.vocab - 1, Math.max(5, cfg.padId + 1));
  const share = (n: number, b: number) => Math.floor((n * (b + 1)) / B) - Math.floor((n * b) / B);
  const side = () => buildSide(cfg, Array.from({ length: B }, (_, b) => ({
    ids: Array.from({ length: T }, (_, t) => lo + ((b * T + t) % (cfg.vocab - lo))),
    firstSubword: Array.from({ length: Math.min(T, share(words, b)) }, (_, w) => w),
  })));
  const left = side(), right = side();
  const pairs: { l: number; r: number }[] = [];
  for (let b = 0; b < B; b++) {
    const n = Math.min(share(links, b), left.wordIndex[b].length, right.wordIndex[b].length);
    for (let k = 0; k < n; k++) pairs.push({ l: left.wordIndex[b][k], r: right.wordIndex[b][k] });
  }
  return { left, right, links: pairs, pairs: B };
}

/**
 * GPU memory to realign model `c` on `batch` pairs of `seq` tokens with only `trainable` groups trained
 * (realignTrainable's answer for a --freeze spec), the loss at hidden_states[lossLayer]: one step measured on
 * a counting device (src/train/estimate.ts), `seq` capped at the model's positions. `like`: the
 * capabilities of the device it will run on.
 */
export function estimateRealign(c: ModelConfig, batch: number, seq: number, trainable: string[], lossLayer: number, f16Frozen = false, shape: RealignShape = {}, like?: Caps): RealignEstimate {
  seq = runnableLength(c, seq);
  const projection = shape.projection === undefined ? 128 : shape.projection;
  const m: RealignModel = { ckpt: { config: c, tensors: shapesOnly(c) }, layer: lossLayer, frozen: new Set(), trainable, lr: 1, projection, tau: 0.1, seed: 0, dropout: shape.dropout, f16Frozen };
  const words = shape.words ?? batch * seq;
  const g = countingGpu(like);
  const mem = measureStep(g, (state) => new RealignObjective(g, state, m, fixedPairs(syntheticPairs(c, batch, seq, words, shape.links ?? words)), 1), (o) => o.nextBatch(1));
  // the projection head H→H→P
  const head = projection === null ? 0 : c.hidden * c.hidden + projection * c.hidden;
  return { ...mem, frozenBytes: f16Frozen ? 2 : 4, head };
}

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
  const m = realignModel(ckpt, o);
  const maxLength = sequenceLength(cfg, o.maxLength, 96);
  // what a resume must match, checked before any GPU work (a changed --freeze is named as such, not found
  // later as a tensor that does not fit)
  const config = { ...o, maxLength, lr: m.lr, layer: m.layer, dropout: o.dropout ?? cfg.dropout, f16Frozen: !!o.f16Frozen };
  // what a resume must match, checked before any GPU work
  const settings = settingsOf(REALIGN_OPTIONS, REALIGN_RESUME, config, {
    "--freeze": `frozen ${[...m.frozen].join(",") || "nothing"}`,
    "the training data": dataFingerprint(o.examples),
    [MODEL_KEY]: o.resume || o.checkpointEvery > 0 ? modelFingerprint(o.model) : null,
  });
  const resumed = checkResumable(o, { settings, stepsGiven: true, steps: o.steps }, REALIGN_SIDE);
  if (o.initHead) m.initHead = { tensors: loadAll(o.initHead) as F32Map, path: o.initHead };
  await tuneEncoderMatmuls(g, cfg, 2 * o.batchSize * maxLength, o.projection === null ? [] : [[cfg.hidden, cfg.hidden], [o.projection, cfg.hidden]]);
  const baseBytes = memoryStats().liveBytes;
  resetPeakMemory();
  const batcher = new PairBatcher(o.examples, tok, cfg, { batchSize: o.batchSize, maxLength, seed: o.seed });
  const trainer = new Trainer(g, (state) => new RealignObjective(g, state, m, batcher, o.steps, settings, { config }));
  const objective = trainer.objective as RealignObjective;
  try {
    const r = await trainer.run(o, resumed);
    const truncation = truncationRecord(batcher.counters, maxLength);
    const warning = truncationWarning(truncation);
    if (warning && !o.quiet) console.error(warning);
    const largest = objective.largest;
    const result: RealignResult = {
      steps: o.steps,
      losses: r.losses,
      finalLoss: r.finalLoss,
      seconds: r.seconds,
      pairsPerSecond: r.seen / Math.max(r.processSeconds, 1e-9),
      trainable: m.trainable,
      frozen: [...m.frozen],
      truncation,
      memory: {
        peakBytes: memoryStats().peakBytes - baseBytes,
        estimateBytes: estimateRealign(cfg, o.batchSize, largest.seq, m.trainable, m.layer, !!o.f16Frozen, {
          words: largest.words, links: largest.links, projection: o.projection, dropout: o.dropout,
        }, g.caps).total,
        batch: o.batchSize,
        ...largest,
      },
    };
    if (r.profile) result.profile = r.profile;
    if (r.steady) result.steady = r.steady;
    if (!o.quiet) console.error(`GPU memory: peak ${fmtBytes(result.memory.peakBytes)}, estimated ${fmtBytes(result.memory.estimateBytes)} (xlt info) for batch ${o.batchSize} × ${largest.seq} tokens`);
    await trainer.save(o.out, r);
    return result;
  } finally {
    trainer.dispose();
  }
}
