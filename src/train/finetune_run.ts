// The fine-tuning run behind `xlt finetune`: a classification head (models/heads.ts) on the encoder, the
// whole model trained with Adam (no weight decay, no clipping) and the HF linear schedule, then saved as a
// checkpoint HF transformers loads as *ForTokenClassification / *ForSequenceClassification /
// *ForQuestionAnswering (the task table, src/tasks/table.ts, says which head, reader and defaults).
//
// Schedule (method spec §3, the recommended standard setup): total = optimizer steps = ceil(examples /
// batch) × epochs, warmup = int(0.1 · total) OPTIMIZER steps, then linear decay to 0. Optimizer step k
// (1-based) uses lr · f(k−1) with f(s) = s/warmup for s < warmup, else (total−s)/(total−warmup): exactly
// torch LambdaLR + transformers.get_linear_schedule_with_warmup (so step 1 has lr 0 when warmup > 0).
//
// Gradient accumulation: an effective batch of `batchSize` examples is split into micro-batches of
// `microBatch`. With n_i non-ignored labels in micro-batch i and N = Σ n_i, micro-batch i back-propagates
// its mean cross-entropy scaled by n_i/N, so the summed gradient is exactly the gradient of the mean loss
// over all N labels of the effective batch (independent of how it is split; the reported loss is that
// mean too). For XNLI (one label per example) this is the per-example mean.
import * as nodeFs from "node:fs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getGpu } from "../gpu/device.ts";
import { recordCopy, sync } from "../gpu/recorder.ts";
import { Tensor } from "../gpu/tensor.ts";
import { checkpointFiles, LANG_TABLE, loadCheckpoint, type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import { finetunedConfig, readNamedTensors, writeTaskCheckpoint } from "../io/task_checkpoint.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { loadTokenizer, type WordTokenizer } from "../io/tokenize.ts";
import { XltError } from "../errors.ts";
import { Encoder, tuneEncoderMatmuls } from "../../models/encoder.ts";
import { ClassificationHead, headDropout, headShapes, initHeadWeights } from "../../models/heads.ts";
import { type Task, TASKS } from "../tasks/table.ts";
import { capLength, makeBatch, type MicroBatch, shuffled } from "../tasks/batch.ts";
import { checkLangId } from "../tasks/lang_ids.ts";
import { Adam } from "./adam.ts";
import { linearScheduleFactor } from "./schedule.ts";

export { linearScheduleFactor };
import { loadTrainingState, saveTrainingState } from "./state.ts";
import { checkResume, dataFingerprint, type RunSettings, truncateLog } from "./resume.ts";
import { Progress } from "./progress.ts";
import { checkStepStatus, readStepStatus, type StepStatus } from "./pipeline.ts";
import { OneInFlight } from "../gpu/in_flight.ts";
import { healthFlag } from "../kernels/optim.ts";
import { defaultLr } from "./realign_run.ts";
import { evaluateFile, type EvalScore } from "../eval/evaluate.ts";
import type { ProfileReport } from "../profile/profiler.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { GPU_WAIT_PHASE } from "../profile/table.ts";
import { ProfileSession, type SteadyState } from "../profile/session.ts";
import { HEAD_FILE, JointRealignment, jointSettings, type RealignDuringOptions } from "./joint.ts";

/**
 * Forward + backward of one effective batch given as micro-batches, gradients ADDED to the encoder's and
 * the head's buffers (the caller zeroes them). Returns the mean loss over the effective batch's labels.
 */
export async function accumulateGradients(enc: Encoder, head: ClassificationHead, micro: MicroBatch[], training: boolean, dropoutSeed: (i: number) => number): Promise<number> {
  return readLoss(recordGradients(enc, head, micro, training, dropoutSeed));
}

/**
 * Submits everything recorded so far with a copy of each micro-batch's loss, at once, so that work recorded
 * afterwards is not waited for; resolves to the weighted mean loss.
 */
export function readLoss(losses: { t: Tensor; w: number }[]): Promise<number> {
  return Promise.all(losses.map(({ t }) => t.read())).then((vs) => vs.reduce((a, v, i) => a + v[0] * losses[i].w, 0));
}

/**
 * accumulateGradients without the wait: records the work, returns each micro-batch's loss tensor and weight.
 * Everything lives in the encoder's training state: the encoder's frames, the head and loss in frame
 * "finetune.head" (reused by each micro-batch), and a copy of each micro-batch's loss in "finetune.losses",
 * which the next step's first micro-batch reuses (after the step's read has copied them).
 */
export function recordGradients(enc: Encoder, head: ClassificationHead, micro: MicroBatch[], training: boolean, dropoutSeed: (i: number) => number): { t: Tensor; w: number }[] {
  const g = enc.gpu;
  const L = enc.cfg.layers;
  const N = micro.reduce((a, m) => a + m.n, 0);
  const losses: { t: Tensor; w: number }[] = [];
  micro.forEach((m, i) => {
    if (m.n === 0) return; // contributes nothing
    const seed = dropoutSeed(i);
    const st = enc.forward(m.batch, L, training, seed);
    const hidden = st.hidden[L];
    const w = m.n / N;
    const { ls, dh } = enc.state.child("finetune.head").run(() => {
      setProfileContext(g, "head forward");
      const hs = head.forward(hidden, m.batch.B, m.batch.T, training, seed);
      setProfileContext(g, "loss");
      const { losses: ls, dLogits: dl } = head.loss(hs, m.labels, w);
      setProfileContext(g, "head backward");
      const dh = head.backward(hs, hidden, dl);
      setProfileContext(g, undefined);
      return { ls, dh };
    });
    enc.backward(st, new Map([[L, dh]]));
    const kept = enc.state.child("finetune.losses");
    for (const { t, w: lw } of ls) {
      const copy = () => Tensor.empty(g, [1], "f32", "finetune.loss");
      const c = losses.length ? kept.resume(copy) : kept.run(copy);
      recordCopy(g, t.buffer, 0, c.buffer, 0, 4);
      losses.push({ t: c, w: lw });
    }
  });
  return losses;
}

// ---------------------------------------------------------------------------------------------- run
export interface FinetuneOptions {
  task: Task;
  train: string;
  dev?: string;
  model: string;
  out: string;
  epochs?: number;
  lr?: number;
  batchSize: number;
  microBatch?: number;
  maxLength?: number;
  seed: number;
  limit?: number;
  dropout?: number;
  log?: string;
  checkpointEvery: number;
  resume: boolean;
  quiet?: boolean;
  meta?: Record<string, unknown>;
  /** profile the run: per-kernel table to stderr, Chrome trace to this file */
  profile?: string;
  /** realignment during fine-tuning (src/train/joint.ts): each step adds weight × a realignment batch's loss */
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

const CKPT = "checkpoint";

export async function finetune(o: FinetuneOptions): Promise<FinetuneResult> {
  const g = await getGpu();
  const ckpt = loadCheckpoint(o.model);
  const cfg = ckpt.config;
  const raw = JSON.parse(readFileSync(join(o.model, "config.json"), "utf8"));
  const langId = checkLangId(o.model, ckpt.tensors, o.langId);
  if (o.realignDuring && ckpt.tensors.has(LANG_TABLE)) {
    throw new XltError(`--realign-during feeds no language ids to its sentence pairs: fine-tune ${o.model} (an XLM / DICT-MLM checkpoint) without it`);
  }
  const tok = loadTokenizer(o.model);
  const def = TASKS[o.task];
  const kind = def.head;
  const C = def.labels.length;
  const maxLength = sequenceLength(cfg, o.maxLength, def.defaults.trainLength);
  const items = def.trainItems(o.train, tok, maxLength, o.limit);
  if (!items.length) throw new XltError(`${o.train}: no training examples`);
  const epochs = o.epochs ?? def.defaults.epochs;
  const bs = o.batchSize;
  const micro = Math.min(o.microBatch ?? bs, bs);
  const perEpoch = Math.ceil(items.length / bs);
  const total = perEpoch * epochs;
  const warmup = Math.floor(0.1 * total);
  const lr = o.lr ?? defaultLr(cfg);
  const ckptDir = join(o.out, CKPT);
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
  };
  if (o.realignDuring) Object.assign(settings, jointSettings(o.realignDuring, cfg));
  if (o.resume) checkResume(ckptDir, settings); // before any GPU work

  await tuneEncoderMatmuls(g, cfg, micro * maxLength);
  const enc = new Encoder(g, cfg, ckpt.tensors, { dropout: o.dropout });
  enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
  const names = [...headShapes(cfg.arch, kind, cfg.hidden, C).keys()];
  const existing = readNamedTensors(o.model, names.filter((n) => n.startsWith("bert.pooler."))); // a pre-trained pooler is kept
  const head = ClassificationHead.forConfig(g, cfg, kind, C, initHeadWeights(cfg.arch, kind, cfg.hidden, C, o.seed, existing), o.dropout ?? headDropout(raw, cfg.arch, kind));
  head.enableGrads();
  const joint = o.realignDuring ? new JointRealignment(g, enc, tok, o.realignDuring, o.seed) : null;
  const params = [
    ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
    ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
    ...(joint?.params ?? []),
  ];
  const health = healthFlag(g, "finetune.health");
  const adam = new Adam([{ name: "all", enabled: true, params }], { lr, health });

  let start = 0;
  const losses: number[] = [];
  const dev: FinetuneResult["dev"] = [];
  if (o.resume) {
    start = await loadTrainingState(ckptDir, (n) => stateParams(enc, head, joint).get(n), adam, "different --model?");
    joint?.skip(start);
    const prev = JSON.parse(readFileSync(join(ckptDir, "progress.json"), "utf8"));
    losses.push(...prev.losses);
    dev.push(...prev.dev);
    // the steps after the checkpoint run again: their lines (and a dev line of an epoch that ended after it) go
    if (o.log) truncateLog(o.log, (rec) => (typeof rec.step === "number" ? rec.step <= start : typeof rec.epoch === "number" && rec.epoch * perEpoch <= start));
    if (!o.quiet) console.error(`resuming from step ${start} (${ckptDir})`);
  }
  const progress = new Progress(total, o.quiet);
  const t0 = performance.now();
  let seen = 0;
  let order: number[] = [];
  // with --profile: phases "step N" (batch, record, submit, the wait for the previous step) and "dev N"
  const prof = new ProfileSession(g, o.profile, `finetune ${o.task}`);
  // Pipelined one step deep (src/train/pipeline.ts), drained before a dev evaluation, a checkpoint and the end.
  type Step = { step: number; epoch: number; status: Promise<StepStatus>; lr: number; examples: number };
  const inFlight = new OneInFlight<Step>(async (f) => {
    const status = await prof.phase(GPU_WAIT_PHASE, () => f.status);
    checkStepStatus(status, f.step, ckptDir);
    const loss = status.loss;
    losses.push(loss);
    seen += f.examples;
    const elapsed = (performance.now() - t0) / 1000;
    progress.update(f.step, `epoch ${f.epoch + 1}/${epochs}  loss ${loss.toFixed(4)}  ${(seen / elapsed).toFixed(1)} ex/s`);
    if (o.log) nodeFs.appendFileSync(o.log, JSON.stringify({ step: f.step, epoch: f.epoch + 1, loss, lr: f.lr, elapsed: +elapsed.toFixed(3), examples: f.examples, ...joint?.logFields(status) }) + "\n");
  }, (f) => f.status);
  try {
    for (let step = start + 1; step <= total; step++) {
      const endStep = prof.startPhase(`step ${step}`);
      if (step === start + 2) prof.steadyFrom(step); // after the first step (kernel compilation)
      const epoch = Math.floor((step - 1) / perEpoch); // 0-based
      const inEpoch = (step - 1) % perEpoch;
      if (inEpoch === 0 || order.length === 0) order = shuffled(items.length, o.seed * 1000 + epoch + 1);
      const idx = order.slice(inEpoch * bs, (inEpoch + 1) * bs);
      const mbs: MicroBatch[] = [];
      prof.phase("batch", () => {
        for (let i = 0; i < idx.length; i += micro) mbs.push(makeBatch(cfg, idx.slice(i, i + micro).map((k) => items[k]), kind, langId));
      });
      const stepLr = lr * linearScheduleFactor(step, total, warmup);
      const stepLosses = prof.phase("record", () => {
        adam.zeroGrad();
        const task = () => recordGradients(enc, head, mbs, true, (i) => (o.seed % 4096) * 2 ** 32 + step * 64 + i);
        const l = joint ? joint.record(step, task) : task();
        setProfileContext(g, "optimizer");
        adam.step(stepLr);
        setProfileContext(g, undefined);
        return l;
      });
      const endSubmit = prof.startPhase("submit"); // (not phase(): that would stay open until the loss is read)
      const status = readStepStatus(stepLosses, health); // the loss and the optimizer's health flag, one read
      endSubmit();
      await inFlight.push({ step, epoch, status, lr: stepLr, examples: idx.length });
      const atDev = inEpoch === perEpoch - 1 && !!o.dev;
      const atCheckpoint = o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < total;
      // before a dev evaluation, a checkpoint and the end: the step's phase includes the wait for its own loss
      if (step === total || atDev || atCheckpoint) await inFlight.drain();
      endStep();
      if (atDev) {
        enc.dropout = 0;
        const r = await prof.outsideSteps(`dev ${epoch + 1}`, () => evaluateWith(enc, head, o.task, o.dev!, tok, cfg, langId));
        enc.dropout = o.dropout ?? cfg.dropout;
        dev.push({ epoch: epoch + 1, metric: r.metric, value: r.value, n: r.n });
        if (!o.quiet) progress.done();
        console.error(`epoch ${epoch + 1}: dev ${r.metric} ${(100 * r.value).toFixed(2)} (${r.n} ${def.units})`);
        if (o.log) nodeFs.appendFileSync(o.log, JSON.stringify({ epoch: epoch + 1, dev: r.metric, value: r.value, n: r.n }) + "\n");
      }
      if (atCheckpoint) {
        await saveTrainingState(ckptDir, stateParams(enc, head, joint), adam, step, { "progress.json": { losses, dev } }, settings);
      }
    }
  } catch (e) {
    inFlight.abandon();
    await prof.abort();
    throw e;
  }
  await sync(g);
  const { report, steady } = await prof.finish({ quiet: o.quiet, lastStep: total });
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const result: FinetuneResult = { steps: total, epochs, examples: items.length, losses, finalLoss: losses.length ? losses[losses.length - 1] : NaN, seconds, dev };
  if (report) result.profile = report;
  if (steady) result.steady = steady;

  const encParams = await enc.readParams();
  const headParams = await head.readParams();
  const realignHead = await joint?.readHead();
  // an existing OUT/checkpoint (the last resumable state) is kept: writeDirAtomic keeps what it does not write
  await writeDirAtomic(o.out, (tmp) => {
    writeTaskCheckpoint(tmp, o.model, encParams, headParams, finetunedConfig(raw, cfg.arch, def));
    if (realignHead) JointRealignment.writeHead(tmp, realignHead);
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
      batch_size: bs,
      micro_batch: micro,
      max_length: maxLength,
      lr,
      seed: o.seed,
      lang_id: langId ?? null,
      limit: o.limit ?? null,
      dropout: o.dropout ?? cfg.dropout,
      head_dropout: head.dropout,
      first_loss: losses[0],
      final_loss: result.finalLoss,
      dev_scores: dev,
      seconds: +seconds.toFixed(3),
      device: { runtime: g.caps.runtime, adapter: g.caps.adapterName },
      ...(joint ? { realign_during: joint.describe() } : {}),
      ...o.meta,
    };
    writeFileAtomic(join(tmp, "run.json"), JSON.stringify(run, null, 2) + "\n");
  }, { replaces: checkpointFiles(HEAD_FILE) }); // (no stale realignment head from an earlier joint run)
  adam.release();
  joint?.release();
  health.release();
  for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
  enc.releaseState();
  head.dispose();
  return result;
}

async function evaluateWith(enc: Encoder, head: ClassificationHead, task: Task, path: string, tok: WordTokenizer, cfg: ModelConfig, langId: number | undefined): Promise<EvalScore> {
  return evaluateFile(enc, head, task, path, tok, capLength(cfg, TASKS[task].defaults.evalLength), undefined, langId);
}

/** What a resumable fine-tuning state holds: every encoder tensor and the head (as head.NAME). */
function stateParams(enc: Encoder, head: ClassificationHead, joint: JointRealignment | null): Map<string, Tensor> {
  const m = new Map<string, Tensor>(enc.params);
  for (const [n, p] of head.params) m.set(`head.${n}`, p);
  for (const [n, p] of joint?.state ?? []) m.set(n, p);
  return m;
}
