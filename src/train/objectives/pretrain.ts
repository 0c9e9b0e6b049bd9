// Pre-training, behind `xlt pretrain`: masked-LM pre-training (from scratch or continued) with one of the
// four objectives of ALIGN-MLM (align-mlm-spec.md §2): mlm, align-mlm (+ λ·cosine term over the dictionary
// pairs), xlm (MLM + TLM rows, language embeddings), dict-mlm (dictionary substitution, language
// embeddings); their rows and dictionary are src/pretrain/rows.ts, the step src/pretrain/step.ts. AdamW
// (β 0.9/0.999, ε 1e-8, weight decay on every tensor except biases and LayerNorm, as HF run_mlm), linear
// warm-up then linear decay to 0, global-norm clipping, gradient accumulation over micro-batches.
import { type Caps, type Gpu, getGpu } from "../../gpu/device.ts";
import { countingGpu } from "../../gpu/counting.ts";
import type { Tensor } from "../../gpu/tensor.ts";
import { checkpointFiles, modelFingerprint, type ModelConfig, sequenceLength } from "../../io/checkpoint.ts";
import { writeF32 } from "../../io/safetensors_write.ts";
import { loadTokenizer, type WordTokenizer } from "../../io/tokenize.ts";
import { XltError } from "../../errors.ts";
import { shuffled } from "../../rng.ts";
import { type Batch, Encoder, LANG_ORIGINAL, positionIds, tuneEncoderMatmuls } from "../../../models/encoder.ts";
import { initMlmHead, MlmHead } from "../../../models/mlm_head.ts";
import type { HeadTensors } from "../../../models/head_tensors.ts";
import type { TrainingState } from "../../gpu/workspace.ts";
import { IGNORE_INDEX } from "../../kernels/crossentropy.ts";
import { twoLanguageProblem } from "../../synthetic/trans.ts";
import type { Row } from "../../pretrain/data.ts";
import { collate } from "../../pretrain/collate.ts";
import { type AlignTerm, type PretrainBatch, recordPretrainStep } from "../../pretrain/step.ts";
import { hfName, startModel, type StartModel, writeMaskedLm } from "../../pretrain/model.ts";
import { buildRows, dictionaryIds, maskIdOf, needsPairs, OBJECTIVES, type PretrainingObjective, usesLang } from "../../pretrain/rows.ts";
import type { ParamGroup, ParamRef } from "../adam.ts";
import { allGroups } from "../freeze.ts";
import { linearScheduleFactor } from "../schedule.ts";
import { dataFingerprint, MODEL_KEY, type RunSettings } from "../resume.ts";
import type { StepStatus } from "../pipeline.ts";
import type { Objective, Outputs, RunSummary, SettledStep } from "../objective.ts";
import { checkResumable, Trainer, type TrainerOptions } from "../trainer.ts";
import { measureStep, runnableLength, shapesOnly, type TrainingMemory } from "../estimate.ts";

export { dictionaryIds, OBJECTIVES, type PretrainingObjective, usesLang };

export interface PretrainOptions extends TrainerOptions {
  objective: PretrainingObjective;
  /** original-language corpora */
  train: string[];
  /** derived-language corpora (ids ≥ V through the doubled tokenizer of `xlt derive`) */
  derived: string[];
  model?: string;
  config?: Record<string, any>;
  configWhere?: string;
  tokenizer?: string;
  steps: number;
  batchSize: number;
  microBatch?: number;
  /** tokens per sequence; default 128, capped by the model's positions (an explicit value is not capped) */
  maxLength?: number;
  lr: number;
  /** linear warm-up steps; default 5% of `steps` */
  warmup?: number;
  weightDecay: number;
  maxGradNorm?: number;
  bilingualRate: number;
  lambda: number;
  tlmRate: number;
  /** XLM / DICT-MLM: leave out lines longer than a sequence (the authors' scripts do) instead of stopping */
  dropLongLines?: boolean;
  seed: number;
  dropout?: number;
}

export interface PretrainResult {
  steps: number;
  rows: number;
  losses: number[];
  finalLoss: number;
  seconds: number;
  /** lines left out for being longer than a packed sequence (dropLongLines), over all files */
  droppedLines: number;
}

/** HF Trainer's no-decay rule: biases and every LayerNorm weight (by module type, as get_decay_parameter_names). */
export function decays(name: string): boolean {
  return !(name.endsWith("bias") || /(^|\.|_)(ln|LayerNorm|layer_norm)\.weight$/.test(name));
}

/** A pre-training run checked and read, before anything is on the GPU. */
export interface PretrainPlan {
  o: PretrainOptions;
  start: StartModel;
  tok: WordTokenizer;
  /** tokens per sequence */
  T: number;
  /** one language's vocabulary size */
  V: number;
  /** the tokenizer's special ids and padding: never masked, never in the dictionary */
  shared: Set<number>;
  dict: Int32Array | null;
  maskId: number;
  rows: Row[];
  droppedLines: number;
  micro: number;
  /** linear warm-up steps (PretrainOptions.warmup, or its default) */
  warmup: number;
  settings: RunSettings;
  /** why a setting a --resume refuses must match, or where its value came from (checkResume's `why`) */
  why: Record<string, string>;
}

export function planPretrain(o: PretrainOptions): PretrainPlan {
  if (needsPairs(o.objective) && !o.derived.length) throw new XltError(`--objective ${o.objective} needs a derived-language corpus (--derived FILE)`);
  const start = startModel({ model: o.model, config: o.config, configWhere: o.configWhere, tokenizerDir: o.tokenizer, seed: o.seed, lang: usesLang(o.objective) });
  const { cfg } = start;
  const tok = loadTokenizer(start.tokenizerDir);
  if (tok.vocabSize !== cfg.vocab) throw new XltError(`the tokenizer has ${tok.vocabSize} tokens but the model's vocabulary is ${cfg.vocab}`);
  const T = sequenceLength(cfg, o.maxLength, 128);
  // one language's vocabulary: the model has 2V rows when a derived language is in play (xlt derive doubles
  // it); random replacements and the dictionary come from [0, V) only (spec §1.3), MLM on Trans too
  const paired = o.derived.length > 0;
  const notTwo = paired ? twoLanguageProblem(cfg.vocab, () => tok) : undefined;
  if (notTwo) throw new XltError(`--derived needs a two-language model (xlt derive --transform trans doubles one): ${notTwo}`);
  const V = paired ? cfg.vocab / 2 : cfg.vocab;
  const shared = new Set([...tok.prefix, ...tok.suffix, tok.padId]);
  const dict = o.objective === "align-mlm" || o.objective === "dict-mlm" ? dictionaryIds(V, o.bilingualRate, o.seed, shared) : null;
  const maskId = maskIdOf(tok);
  const { rows, droppedLines } = buildRows(o, tok, cfg, T, V, shared);
  const bs = o.batchSize;
  const warmup = o.warmup ?? Math.round(0.05 * o.steps);
  // the LR schedule decays to 0 at the last step: a resume with another --steps would continue another
  // schedule than the one the checkpoint's steps followed, and differ from an uninterrupted run. --steps is
  // checked before --warmup, whose default follows it.
  const settings: RunSettings = {
    "--steps": o.steps, "--objective": o.objective, "--seed": o.seed, "--lr": o.lr, "--batch-size": bs, "--max-length": T, "--warmup": warmup,
    "--weight-decay": o.weightDecay, "--max-grad-norm": o.maxGradNorm ?? null, "--bilingual-rate": dict ? o.bilingualRate : null,
    "--lambda": o.objective === "align-mlm" ? o.lambda : null, "--tlm-rate": o.objective === "xlm" ? o.tlmRate : null,
    "--dropout": o.dropout ?? null, "the training data": dataFingerprint(rows.map((r) => r.ids)),
    // a continued --model: the run started from its weights
    [MODEL_KEY]: o.model && (o.resume || o.checkpointEvery > 0) ? modelFingerprint(o.model) : null,
  };
  const why = {
    "--steps": "the learning rate warms up, then decays linearly to 0 at the last step, so the schedule depends on --steps; to train longer, start a new run from the output with --model",
    ...(o.warmup === undefined ? { "--warmup": "not given: 5% of --steps" } : {}),
  };
  return { o, start, tok, T, V, shared, dict, maskId, rows, droppedLines, micro: Math.min(o.microBatch ?? bs, bs), warmup, settings, why };
}

/** One optimizer step's masked micro-batches, and the sequences they hold. */
export interface PretrainStepBatch {
  micro: PretrainBatch[];
  sequences: number;
}

export class PretrainObjective implements Objective<PretrainStepBatch> {
  readonly label: string;
  readonly steps: number;
  readonly settings: RunSettings;
  readonly stepsGiven = true;
  readonly resumeHint = "different --model, --config or --objective?";
  readonly optimizer: Objective<PretrainStepBatch>["optimizer"];
  readonly encoder: Encoder;
  readonly head: MlmHead;
  private readonly align?: AlignTerm;
  private readonly perEpoch: number;
  private order: number[] = [];

  constructor(readonly gpu: Gpu, state: TrainingState, readonly plan: PretrainPlan) {
    const { o, start } = plan;
    const cfg = start.cfg;
    this.label = `pretrain ${o.objective}`;
    this.steps = o.steps;
    this.settings = plan.settings;
    this.optimizer = { lr: o.lr, decoupled: true, maxGradNorm: o.maxGradNorm, health: "pretrain.health" };
    this.encoder = new Encoder(gpu, cfg, start.encoder, { dropout: o.dropout, state });
    this.encoder.setTrainable(allGroups(cfg.layers));
    this.head = new MlmHead(gpu, cfg, cfg.vocab, start.head);
    this.head.enableGrads();
    if (o.objective === "align-mlm") this.align = { dict: plan.dict!, V: plan.V, lambda: o.lambda };
    this.perEpoch = Math.max(1, Math.floor(plan.rows.length / o.batchSize));
  }

  get heads(): HeadTensors[] {
    return [this.head];
  }

  /** AdamW's two groups: weight decay on every tensor but biases and LayerNorm weights. */
  paramGroups(): ParamGroup[] {
    const enc = this.encoder, head = this.head;
    const refs: ParamRef[] = [
      ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
      ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
    ];
    return [
      { name: "decay", enabled: true, params: refs.filter((r) => decays(r.name)), weightDecay: this.plan.o.weightDecay },
      { name: "no_decay", enabled: true, params: refs.filter((r) => !decays(r.name)), weightDecay: 0 },
    ];
  }

  stateParams(): Map<string, Tensor> {
    const m = new Map<string, Tensor>(this.encoder.params);
    for (const [n, p] of this.head.params) m.set(`head.${n}`, p);
    return m;
  }

  lr(step: number): number {
    const o = this.plan.o;
    return o.lr * linearScheduleFactor(step, o.steps, this.plan.warmup);
  }

  nextBatch(step: number): PretrainStepBatch {
    const { o, rows, micro, maskId, V, shared, dict } = this.plan;
    const bs = o.batchSize;
    const epoch = Math.floor((step - 1) / this.perEpoch);
    const inEpoch = (step - 1) % this.perEpoch;
    if (inEpoch === 0 || !this.order.length) this.order = shuffled(Array.from({ length: rows.length }, (_, i) => i), o.seed * 1000 + epoch + 1);
    const picked = this.order.slice(inEpoch * bs, inEpoch * bs + bs).map((i) => rows[i]);
    const mbs = collate(this.plan.start.cfg, picked, micro, { seed: o.seed, step, maskId, V, specialIds: shared, dictMlm: o.objective === "dict-mlm" ? new Set(dict!) : undefined });
    return { micro: mbs, sequences: picked.length };
  }

  record(batch: PretrainStepBatch, step: number) {
    const seed = this.plan.o.seed;
    const rec = recordPretrainStep(this.encoder, this.head, batch.micro, true, (i) => (seed % 4096) * 2 ** 32 + step * 64 + i, this.align);
    return { losses: rec.mlm, extra: rec.align ?? undefined };
  }

  units(batch: PretrainStepBatch): number {
    return batch.sequences * this.plan.T;
  }

  /** The MLM loss plus, for ALIGN-MLM, the alignment term (read beside it, with its mean cosine). */
  lossOf(s: StepStatus): number {
    return s.loss + (s.extra ? s.extra[0] : 0);
  }

  progress(s: SettledStep<PretrainStepBatch>): string {
    const a = s.status.extra;
    const parts = a ? `loss ${s.loss.toFixed(4)} (mlm ${s.status.loss.toFixed(4)}, cos ${a[1].toFixed(3)})` : `loss ${s.loss.toFixed(4)}`;
    return `${parts}  ${s.rate.toFixed(0)} tok/s`;
  }

  logLine(s: SettledStep<PretrainStepBatch>): Record<string, unknown> {
    const rec: Record<string, unknown> = { step: s.step, loss: s.loss, mlm: s.status.loss, lr: s.lr, elapsed: +s.elapsed.toFixed(3) };
    const a = s.status.extra;
    if (a) Object.assign(rec, { align: a[0], cos: a[1] });
    return rec;
  }

  /**
   * --dump-grads: the first batch (input ids, language ids, labels, positions, attention mask, as [B, T] per
   * micro-batch), the dictionary ids in use, and every gradient after it (before clipping and the update),
   * under the output's Hugging Face names.
   */
  async dumpGradients(path: string, batch: PretrainStepBatch): Promise<void> {
    const cfg = this.plan.start.cfg;
    const dict = this.plan.dict;
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
    batch.micro.forEach((m, i) => {
      const s = [m.batch.B, m.batch.T];
      out.set(`batch.${i}.input_ids`, { shape: s, data: f32(m.batch.ids) });
      out.set(`batch.${i}.labels`, { shape: s, data: f32(m.labels) });
      out.set(`batch.${i}.position_ids`, { shape: s, data: f32(m.batch.positions) });
      out.set(`batch.${i}.attention_mask`, { shape: s, data: m.batch.mask });
      if (m.batch.langIds) out.set(`batch.${i}.lang_ids`, { shape: s, data: f32(m.batch.langIds) });
    });
    if (dict) out.set("dictionary_ids", { shape: [dict.length], data: f32(dict) });
    for (const [c, grad] of this.encoder.grads) out.set(`grad.${hfName(cfg.arch, c)}`, { shape: grad.shape, data: await grad.read() });
    for (const [n, grad] of this.head.grads) out.set(`grad.${n}`, { shape: grad.shape, data: await grad.read() });
    writeF32(path, out, { what: "the first batch and the gradients after it, before clipping and any update (ids stored as F32)" });
  }

  /** The *ForMaskedLM checkpoint with the tokenizer. */
  async outputs(r: RunSummary): Promise<Outputs> {
    const { o, start, rows, micro, T, dict, V, droppedLines, warmup } = this.plan;
    const encParams = await this.encoder.readParams();
    const headParams = await this.head.readParams();
    const run = {
      command: "pretrain", objective: o.objective, model: o.model ?? null, train: o.train, derived: o.derived, rows: rows.length,
      steps: o.steps, batch_size: o.batchSize, micro_batch: micro, max_length: T, lr: o.lr, warmup_steps: warmup,
      schedule: "linear warm-up, then linear decay to 0", weight_decay: o.weightDecay, max_grad_norm: o.maxGradNorm ?? null,
      bilingual_rate: dict ? o.bilingualRate : null, dictionary_size: dict?.length ?? null, lambda: this.align ? o.lambda : null,
      tlm_rate: o.objective === "xlm" ? o.tlmRate : null, dropped_long_lines: o.dropLongLines ? droppedLines : null, seed: o.seed, vocab_per_language: V,
      first_loss: r.losses[0] ?? null, final_loss: r.finalLoss, seconds: +r.seconds.toFixed(3),
      device: { runtime: this.gpu.caps.runtime, adapter: this.gpu.caps.adapterName }, ...o.meta,
    };
    return { write: (dir) => writeMaskedLm(dir, start.cfg, start.raw, encParams, headParams, start.tokenizerDir), run, replaces: checkpointFiles() };
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}

/**
 * GPU memory to pre-train model `c` with `objective` on batches of `batch` sequences of `seq` tokens (at
 * most the model's positions), of
 * which `masked` (default 15%) are labelled; `paired`: a two-language model (2V rows; the alignment term of
 * align-mlm reads ⌊bilingualRate·V⌋ dictionary pairs). One step measured on a counting device
 * (src/train/estimate.ts).
 */
export function estimatePretrain(
  c: ModelConfig, objective: PretrainingObjective, batch: number, seq: number,
  opts: { masked?: number; paired?: boolean; bilingualRate?: number; lambda?: number } = {}, like?: Caps,
): TrainingMemory {
  seq = runnableLength(c, seq);
  const lang = usesLang(objective);
  const V = opts.paired ? c.vocab / 2 : c.vocab;
  const dict = objective === "align-mlm" || objective === "dict-mlm" ? dictionaryIds(Math.floor(V), opts.bilingualRate ?? 0.5, 0, new Set()) : null;
  const o = { objective, train: [], derived: [], out: "", steps: 1, batchSize: batch, lr: 1, warmup: 0, weightDecay: 0, bilingualRate: opts.bilingualRate ?? 0.5,
    lambda: opts.lambda ?? 10, tlmRate: 0, seed: 0, checkpointEvery: 0, resume: false } satisfies PretrainOptions;
  const start: StartModel = { cfg: c, raw: {}, encoder: shapesOnly(c, lang), head: initMlmHead(c.arch, c.hidden, c.vocab, 0), tokenizerDir: "" };
  const plan: PretrainPlan = {
    o, start, tok: null as unknown as WordTokenizer, T: seq, V: Math.floor(V), shared: new Set(), dict, maskId: 0, rows: [], droppedLines: 0, micro: batch, warmup: 0,
    settings: {}, why: {},
  };
  const g = countingGpu(like);
  const BT = batch * seq;
  const lo = Math.min(c.vocab - 1, Math.max(5, c.padId + 1));
  const ids = Int32Array.from({ length: BT }, (_, i) => lo + (i % (c.vocab - lo)));
  const masked = Math.max(1, Math.round((opts.masked ?? 0.15) * BT));
  const labels = Int32Array.from({ length: BT }, (_, i) => (i % Math.ceil(BT / masked) === 0 ? ids[i] : IGNORE_INDEX));
  const b: Batch = { B: batch, T: seq, ids, mask: new Float32Array(BT).fill(1), typeIds: new Int32Array(BT), positions: positionIds(c, ids, batch, seq) };
  if (lang) b.langIds = new Int32Array(BT).fill(LANG_ORIGINAL);
  return measureStep(g, (state) => new PretrainObjective(g, state, plan), () => ({ micro: [{ batch: b, labels }], sequences: batch }));
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const plan = planPretrain(o);
  const resumed = checkResumable(o, { settings: plan.settings, stepsGiven: true, steps: o.steps, why: plan.why });
  const g = await getGpu();
  await tuneEncoderMatmuls(g, plan.start.cfg, plan.micro * plan.T, [[plan.start.cfg.hidden, plan.start.cfg.hidden]]);
  const trainer = new Trainer(g, (state) => new PretrainObjective(g, state, plan));
  try {
    const r = await trainer.run(o, resumed);
    await trainer.save(o.out, r);
    return { steps: o.steps, rows: plan.rows.length, losses: r.losses, finalLoss: r.finalLoss, seconds: r.seconds, droppedLines: plan.droppedLines };
  } finally {
    trainer.dispose();
  }
}

