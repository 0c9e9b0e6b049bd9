// Fine-tuning, behind `xlt finetune`: a classification head (models/heads.ts) on the encoder, the whole model
// trained with Adam (no weight decay, no clipping) and the HF linear schedule, then saved as a checkpoint HF
// transformers loads as *ForTokenClassification / *ForSequenceClassification / *ForQuestionAnswering (the
// task table, src/tasks/table.ts, says which head, reader and defaults).
//
// Schedule (method spec §3, the recommended standard setup): total = optimizer steps = ceil(examples /
// batch) × epochs, warmup = int(0.1 · total) OPTIMIZER steps, then linear decay to 0. Optimizer step k
// (1-based) uses lr · f(k−1) with f(s) = s/warmup for s < warmup, else (total−s)/(total−warmup): exactly
// torch LambdaLR + transformers.get_linear_schedule_with_warmup (so step 1 has lr 0 when warmup > 0).
//
// Gradient accumulation: an effective batch of `batchSize` examples is split into micro-batches of
// `microBatch` (src/train/micro_batches.ts: the gradient of the mean loss over all labels of the effective
// batch, however it is split). For XNLI (one label per example) this is the per-example mean.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Caps, type Gpu, getGpu } from "../../gpu/device.ts";
import { countingGpu } from "../../gpu/counting.ts";
import { setProfileContext } from "../../gpu/recorder.ts";
import type { Tensor } from "../../gpu/tensor.ts";
import { checkpointFiles, type Checkpoint, LANG_TABLE, loadCheckpoint, modelFingerprint, type ModelConfig, sequenceLength } from "../../io/checkpoint.ts";
import { finetunedConfig, readNamedTensors, writeTaskCheckpoint } from "../../io/task_checkpoint.ts";
import { loadTokenizer, type WordTokenizer } from "../../io/tokenize.ts";
import { XltError } from "../../errors.ts";
import { Encoder, tuneEncoderMatmuls } from "../../../models/encoder.ts";
import { ClassificationHead, headDropout, headShapes, initHeadWeights } from "../../../models/heads.ts";
import { REALIGNMENT_HEAD_FILE } from "../../../models/realignment_head.ts";
import { type Task, TASKS } from "../../tasks/table.ts";
import { capLength, type Item, makeBatch, type MicroBatch, shuffled } from "../../tasks/batch.ts";
import { checkLangId } from "../../tasks/lang_ids.ts";
import { evaluateFile } from "../../eval/evaluate.ts";
import { allGroups } from "../freeze.ts";
import { readLoss, recordMicroBatches } from "../../../models/micro_batches.ts";
import type { EpochContext, Loss, Objective, Outputs, RunSummary, SettledStep } from "../objective.ts";
import { appendLog, dataFingerprint, isNumberList, MODEL_KEY, type RunSettings } from "../resume.ts";
import { linearScheduleFactor } from "../schedule.ts";
import { checkResumable, type SideFiles, Trainer, type TrainerOptions } from "../trainer.ts";
import { measureStep, runnableLength, shapesOnly, type TrainingMemory } from "../estimate.ts";
import type { F32Map, HeadTensors } from "../../../models/head_tensors.ts";
import type { TrainingState } from "../../gpu/workspace.ts";
import type { ProfileReport } from "../../profile/profiler.ts";
import type { SteadyState } from "../../profile/session.ts";
import { defaultLr } from "./realign.ts";
import { JointObjective, jointSettings, type RealignDuringOptions, type TaskObjective } from "./joint.ts";

export { linearScheduleFactor };

/**
 * accumulateGradients without the wait: records the work, returns each micro-batch's loss tensor and weight
 * (models/micro_batches.ts; frames "finetune.head" and "finetune.losses").
 */
export function recordGradients(enc: Encoder, head: ClassificationHead, micro: MicroBatch[], training: boolean, dropoutSeed: (i: number) => number): Loss[] {
  const g = enc.gpu;
  return recordMicroBatches(enc, "finetune", micro, (m) => m.n, training, dropoutSeed, (m, hidden, w, seed) => {
    setProfileContext(g, "head forward");
    const hs = head.forward(hidden, m.batch.B, m.batch.T, training, seed);
    setProfileContext(g, "loss");
    const { losses, dLogits } = head.loss(hs, m.labels, w);
    setProfileContext(g, "head backward");
    return { losses, dh: head.backward(hs, hidden, dLogits) };
  });
}

/**
 * Forward + backward of one effective batch given as micro-batches, gradients ADDED to the encoder's and
 * the head's buffers (the caller zeroes them). Returns the mean loss over the effective batch's labels.
 */
export async function accumulateGradients(enc: Encoder, head: ClassificationHead, micro: MicroBatch[], training: boolean, dropoutSeed: (i: number) => number): Promise<number> {
  return readLoss(recordGradients(enc, head, micro, training, dropoutSeed));
}

export { readLoss };

/** A fine-tuning checkpoint's side file: the losses and dev scores so far. */
const PROGRESS = "progress.json";
const FINETUNE_SIDE: SideFiles = { [PROGRESS]: (v) => isNumberList(v?.losses) && Array.isArray(v?.dev) };

/** The run's loop options (TrainerOptions; fine-tuning has no --dump-grads) and fine-tuning's own. */
export interface FinetuneOptions extends Omit<TrainerOptions, "dumpGrads" | "onStep"> {
  task: Task;
  train: string;
  dev?: string;
  model: string;
  epochs?: number;
  lr?: number;
  batchSize: number;
  microBatch?: number;
  maxLength?: number;
  seed: number;
  limit?: number;
  dropout?: number;
  /** realignment during fine-tuning (src/train/objectives/joint.ts): each step adds weight × a realignment batch's loss */
  realignDuring?: RealignDuringOptions;
  /** XLM / DICT-MLM: the language id of every real token (src/tasks/lang_ids.ts); required exactly when the model has a language table */
  langId?: number;
}

export interface FinetuneResult {
  steps: number;
  epochs: number;
  examples: number;
  losses: number[];
  finalLoss: number;
  seconds: number;
  dev: { epoch: number; metric: string; value: number; n: number }[];
  /** with `profile`: the profiler's report, and the per-step account of the steps after the first */
  profile?: ProfileReport;
  steady?: SteadyState;
}

/** A fine-tuning run checked and read, before anything is on the GPU. */
export interface FinetunePlan {
  o: FinetuneOptions;
  ckpt: Pick<Checkpoint, "config" | "tensors">;
  raw: Record<string, any>;
  /** head tensors the model already has and fine-tuning keeps (a pre-trained BERT pooler) */
  kept: F32Map;
  langId: number | undefined;
  tok: WordTokenizer;
  items: Item[];
  maxLength: number;
  epochs: number;
  micro: number;
  perEpoch: number;
  total: number;
  warmup: number;
  lr: number;
  settings: RunSettings;
}

export async function planFinetune(o: FinetuneOptions): Promise<FinetunePlan> {
  const ckpt = loadCheckpoint(o.model);
  const cfg = ckpt.config;
  const raw = JSON.parse(readFileSync(join(o.model, "config.json"), "utf8"));
  const langId = checkLangId(o.model, ckpt.tensors, o.langId);
  if (o.realignDuring && ckpt.tensors.has(LANG_TABLE)) {
    throw new XltError(`--realign-during feeds no language ids to its sentence pairs: fine-tune ${o.model} (an XLM / DICT-MLM checkpoint) without it`);
  }
  const tok = loadTokenizer(o.model);
  const def = TASKS[o.task];
  const maxLength = sequenceLength(cfg, o.maxLength, def.defaults.trainLength);
  const items = def.trainItems(o.train, tok, maxLength, o.limit);
  if (!items.length) throw new XltError(`${o.train}: no training examples`);
  const epochs = o.epochs ?? def.defaults.epochs;
  const bs = o.batchSize;
  const perEpoch = Math.ceil(items.length / bs);
  const total = perEpoch * epochs;
  const lr = o.lr ?? defaultLr(cfg);
  const settings: RunSettings = {
    "--task": o.task,
    "--seed": o.seed,
    "--lr": lr,
    "--batch-size": bs,
    "--epochs": epochs,
    "--max-length": maxLength,
    "--dropout": o.dropout ?? null,
    "the training data": dataFingerprint(items),
    "--lang-id": langId ?? null,
    // the run started from --model's weights (and its pooler): another model of the same shapes is refused
    [MODEL_KEY]: o.resume || o.checkpointEvery > 0 ? modelFingerprint(o.model) : null,
  };
  const poolers = [...headShapes(cfg.arch, def.head, cfg.hidden, def.labels.length).keys()].filter((n) => n.startsWith("bert.pooler."));
  const kept = readNamedTensors(o.model, poolers); // a pre-trained pooler is kept
  return { o, ckpt, raw, kept, langId, tok, items, maxLength, epochs, micro: Math.min(o.microBatch ?? bs, bs), perEpoch, total, warmup: Math.floor(0.1 * total), lr, settings };
}

type Dev = FinetuneResult["dev"];

/** One optimizer step's micro-batches, its epoch (0-based) and examples. */
export interface FinetuneBatch {
  micro: MicroBatch[];
  epoch: number;
  examples: number;
}

export class FinetuneObjective implements TaskObjective<FinetuneBatch> {
  readonly label: string;
  readonly steps: number;
  readonly settings: RunSettings;
  readonly stepsGiven = false; // the length is --epochs over the data
  readonly resumeHint = "different --model?";
  readonly optimizer: Objective<FinetuneBatch>["optimizer"];
  readonly encoder: Encoder;
  readonly head: ClassificationHead;
  readonly dev: Dev = [];
  readonly tokenizer: WordTokenizer;
  readonly seed: number;
  private order: number[] = [];

  constructor(readonly gpu: Gpu, state: TrainingState, readonly plan: FinetunePlan) {
    const { o, ckpt } = plan;
    const cfg = ckpt.config;
    const def = TASKS[o.task];
    const C = def.labels.length;
    this.label = `finetune ${o.task}`;
    this.tokenizer = plan.tok;
    this.seed = o.seed;
    this.steps = plan.total;
    this.settings = plan.settings;
    this.optimizer = { lr: plan.lr, health: "finetune.health" };
    this.encoder = new Encoder(gpu, cfg, ckpt.tensors, { dropout: o.dropout, state });
    this.encoder.setTrainable(allGroups(cfg.layers));
    this.head = ClassificationHead.forConfig(gpu, cfg, def.head, C, initHeadWeights(cfg.arch, def.head, cfg.hidden, C, o.seed, plan.kept), o.dropout ?? headDropout(plan.raw, cfg.arch, def.head));
    this.head.enableGrads();
  }

  get heads(): HeadTensors[] {
    return [this.head];
  }

  paramGroups() {
    const enc = this.encoder, head = this.head;
    const params = [
      ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
      ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
    ];
    return [{ name: "all", enabled: true, params }];
  }

  /** Every encoder tensor and the head (as head.NAME). */
  stateParams(): Map<string, Tensor> {
    const m = new Map<string, Tensor>(this.encoder.params);
    for (const [n, p] of this.head.params) m.set(`head.${n}`, p);
    return m;
  }

  lr(step: number): number {
    return this.plan.lr * linearScheduleFactor(step, this.plan.total, this.plan.warmup);
  }

  nextBatch(step: number): FinetuneBatch {
    const { o, perEpoch, items, micro, langId } = this.plan;
    const bs = o.batchSize;
    const epoch = Math.floor((step - 1) / perEpoch); // 0-based
    const inEpoch = (step - 1) % perEpoch;
    if (inEpoch === 0 || this.order.length === 0) this.order = shuffled(items.length, o.seed * 1000 + epoch + 1);
    const idx = this.order.slice(inEpoch * bs, (inEpoch + 1) * bs);
    const mbs: MicroBatch[] = [];
    for (let i = 0; i < idx.length; i += micro) mbs.push(makeBatch(this.plan.ckpt.config, idx.slice(i, i + micro).map((k) => items[k]), this.head.kind, langId));
    return { micro: mbs, epoch, examples: idx.length };
  }

  record(batch: FinetuneBatch, step: number) {
    const seed = this.plan.o.seed;
    return { losses: recordGradients(this.encoder, this.head, batch.micro, true, (i) => (seed % 4096) * 2 ** 32 + step * 64 + i) };
  }

  units(batch: FinetuneBatch): number {
    return batch.examples;
  }

  progress(s: SettledStep<FinetuneBatch>): string {
    return `epoch ${s.batch.epoch + 1}/${this.plan.epochs}  loss ${s.loss.toFixed(4)}  ${s.rate.toFixed(1)} ex/s`;
  }

  logLine(s: SettledStep<FinetuneBatch>): Record<string, unknown> {
    return { step: s.step, epoch: s.batch.epoch + 1, loss: s.loss, lr: s.lr, elapsed: +s.elapsed.toFixed(3), examples: s.batch.examples };
  }

  checkpointSide(losses: number[]) {
    return { [PROGRESS]: { losses, dev: this.dev } };
  }

  restore(side: Record<string, any>, _start: number): number[] {
    const prev = side[PROGRESS];
    this.dev.push(...prev.dev);
    return prev.losses;
  }

  /** The lines of steps up to the checkpoint, and the dev line of an epoch that ended by then. */
  keepsLogLine(rec: Record<string, unknown>, start: number): boolean {
    return typeof rec.step === "number" ? rec.step <= start : typeof rec.epoch === "number" && rec.epoch * this.plan.perEpoch <= start;
  }

  epochEnds(step: number): boolean {
    return (step - 1) % this.plan.perEpoch === this.plan.perEpoch - 1 && !!this.plan.o.dev;
  }

  /** The dev evaluation after each epoch (without dropout). */
  async endEpoch(step: number, ctx: EpochContext): Promise<void> {
    const { o, tok, langId } = this.plan;
    const cfg = this.plan.ckpt.config;
    const epoch = Math.floor((step - 1) / this.plan.perEpoch) + 1;
    const enc = this.encoder;
    enc.dropout = 0;
    const r = await ctx.prof.outsideSteps(`dev ${epoch}`, () => evaluateFile(enc, this.head, o.task, o.dev!, tok, capLength(cfg, TASKS[o.task].defaults.evalLength), undefined, langId));
    enc.dropout = o.dropout ?? cfg.dropout;
    this.dev.push({ epoch, metric: r.metric, value: r.value, n: r.n });
    console.error(`epoch ${epoch}: dev ${r.metric} ${(100 * r.value).toFixed(2)} (${r.n} ${TASKS[o.task].units})`);
    if (ctx.log) appendLog(ctx.log, { epoch, dev: r.metric, value: r.value, n: r.n });
  }

  /** The HF task checkpoint; `extra` goes into run.json before the caller's meta (the joint objective's record). */
  async outputs(r: RunSummary, extra: Record<string, unknown> = {}): Promise<Outputs> {
    const { o, raw, items, epochs, total, warmup, micro, maxLength, lr, langId } = this.plan;
    const cfg = this.plan.ckpt.config;
    const def = TASKS[o.task];
    const encParams = await this.encoder.readParams();
    const headParams = await this.head.readParams();
    const run = {
      command: "finetune",
      task: o.task,
      model: o.model,
      train: o.train,
      dev: o.dev ?? null,
      examples: items.length,
      epochs,
      steps: total,
      warmup_steps: warmup,
      schedule: "linear, warmup int(0.1*total) optimizer steps, decay to 0",
      batch_size: o.batchSize,
      micro_batch: micro,
      max_length: maxLength,
      lr,
      seed: o.seed,
      lang_id: langId ?? null,
      limit: o.limit ?? null,
      dropout: o.dropout ?? cfg.dropout,
      head_dropout: this.head.dropout,
      first_loss: r.losses[0],
      final_loss: r.finalLoss,
      dev_scores: this.dev,
      seconds: +r.seconds.toFixed(3),
      device: { runtime: this.gpu.caps.runtime, adapter: this.gpu.caps.adapterName },
      ...extra,
      ...o.meta,
    };
    return {
      write: (dir) => writeTaskCheckpoint(dir, o.model, encParams, headParams, finetunedConfig(raw, cfg.arch, def)),
      run,
      replaces: checkpointFiles(REALIGNMENT_HEAD_FILE), // (no stale realignment head from an earlier joint run)
    };
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}

/**
 * GPU memory to fine-tune model `c` (config.json `raw`) on `task` with batches of `batch` sequences of `seq`
 * tokens (at most the model's positions), every position labelled: one step measured on a counting device
 * (src/train/estimate.ts).
 */
export function estimateFinetune(c: ModelConfig, raw: Record<string, any>, task: Task, batch: number, seq: number, like?: Caps): TrainingMemory {
  seq = runnableLength(c, seq);
  const def = TASKS[task];
  const o: FinetuneOptions = { task, train: "", model: "", out: "", batchSize: batch, seed: 0, checkpointEvery: 0, resume: false };
  const plan: FinetunePlan = {
    o, ckpt: { config: c, tensors: shapesOnly(c) }, raw, kept: new Map(), langId: undefined, tok: null as unknown as WordTokenizer, items: [],
    maxLength: seq, epochs: 1, micro: batch, perEpoch: 1, total: 1, warmup: 0, lr: 1, settings: {},
  };
  const g = countingGpu(like);
  const lo = Math.min(c.vocab - 1, Math.max(5, c.padId + 1));
  const items = Array.from({ length: batch }, (_, b) => ({
    ids: Array.from({ length: seq }, (_, t) => lo + ((b * seq + t) % (c.vocab - lo))),
    labels: def.head === "token" ? Array.from({ length: seq }, (_, t) => t % def.labels.length) : def.head === "span" ? [0, seq - 1] : [b % def.labels.length],
  }));
  return measureStep(g, (state) => new FinetuneObjective(g, state, plan), () => ({ micro: [makeBatch(c, items, def.head)], epoch: 0, examples: batch }));
}

export async function finetune(o: FinetuneOptions): Promise<FinetuneResult> {
  const g = await getGpu();
  const plan = await planFinetune(o);
  const settings = o.realignDuring ? { ...plan.settings, ...jointSettings(o.realignDuring, plan.ckpt.config) } : plan.settings;
  const resumed = checkResumable(o, { settings, stepsGiven: false, steps: plan.total }, FINETUNE_SIDE); // before any GPU work
  await tuneEncoderMatmuls(g, plan.ckpt.config, plan.micro * plan.maxLength);
  let task: FinetuneObjective | undefined;
  const trainer = new Trainer<FinetuneBatch>(g, (state) => {
    task = new FinetuneObjective(g, state, plan);
    return o.realignDuring ? new JointObjective(task, o.realignDuring, settings) : task;
  });
  try {
    const r = await trainer.run(o, resumed);
    await trainer.save(o.out, r);
    const result: FinetuneResult = { steps: r.steps, epochs: plan.epochs, examples: plan.items.length, losses: r.losses, finalLoss: r.finalLoss, seconds: r.seconds, dev: task!.dev };
    if (r.profile) result.profile = r.profile;
    if (r.steady) result.steady = r.steady;
    return result;
  } finally {
    trainer.dispose();
  }
}
