// The pre-training run behind `xlt pretrain`: masked-LM pre-training (from scratch or continued) with one of
// the four objectives of ALIGN-MLM (align-mlm-spec.md §2): mlm, align-mlm (+ λ·cosine term over the
// dictionary pairs), xlm (MLM + TLM rows, language embeddings), dict-mlm (dictionary substitution, language
// embeddings). AdamW (β 0.9/0.999, ε 1e-8, weight decay on every tensor except biases and LayerNorm, as
// HF run_mlm), linear warm-up then linear decay to 0, global-norm clipping, gradient accumulation over
// micro-batches, resumable checkpoints, a progress bar, --profile, --log and --dump-grads.
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { getGpu } from "../gpu/device.ts";
import { sync } from "../gpu/recorder.ts";
import type { Tensor } from "../gpu/tensor.ts";
import { checkpointFiles, type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { writeF32 } from "../io/safetensors_write.ts";
import { loadTokenizer, type WordTokenizer } from "../io/tokenize.ts";
import { XltError } from "../errors.ts";
import { shuffled } from "../rng.ts";
import { healthFlag } from "../kernels/optim.ts";
import { Encoder, tuneEncoderMatmuls } from "../../models/encoder.ts";
import { MlmHead } from "../../models/mlm_head.ts";
import { linearScheduleFactor } from "./schedule.ts";
import { Adam, type ParamRef } from "./adam.ts";
import { loadTrainingState, saveTrainingState } from "./state.ts";
import { checkResume, dataFingerprint, type RunSettings, truncateLog } from "./resume.ts";
import { Progress } from "./progress.ts";
import { checkStepStatus, readStepStatus, type StepStatus } from "./pipeline.ts";
import { OneInFlight } from "../gpu/in_flight.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { GPU_WAIT_PHASE } from "../profile/table.ts";
import { ProfileSession } from "../profile/session.ts";
import { twinPiece } from "../synthetic/trans.ts";
import { blocks, packed, readCorpus, type Row, tlmRows, tokenizeLine, withoutLongLines } from "../pretrain/data.ts";
import { collate } from "../pretrain/collate.ts";
import { type AlignTerm, recordPretrainStep } from "../pretrain/step.ts";
import { hfName, LANG_DERIVED, LANG_ORIGINAL, startModel, writeMaskedLm } from "../pretrain/model.ts";

export const OBJECTIVES = ["mlm", "xlm", "dict-mlm", "align-mlm"] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface PretrainOptions {
  objective: Objective;
  /** original-language corpora */
  train: string[];
  /** derived-language corpora (ids ≥ V through the doubled tokenizer of `xlt derive`) */
  derived: string[];
  model?: string;
  config?: Record<string, any>;
  configWhere?: string;
  tokenizer?: string;
  out: string;
  steps: number;
  batchSize: number;
  microBatch?: number;
  /** tokens per sequence; default 128, capped by the model's positions (an explicit value is not capped) */
  maxLength?: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  maxGradNorm?: number;
  bilingualRate: number;
  lambda: number;
  tlmRate: number;
  /** XLM / DICT-MLM: leave out lines longer than a sequence (the authors' scripts do) instead of stopping */
  dropLongLines?: boolean;
  seed: number;
  dropout?: number;
  log?: string;
  checkpointEvery: number;
  resume: boolean;
  dumpGrads?: string;
  profile?: string;
  quiet?: boolean;
  meta?: Record<string, unknown>;
  /** called after each step's loss is known */
  onStep?: (step: number, loss: number) => void;
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

const CKPT = "checkpoint";
const needsPairs = (o: Objective) => o !== "mlm";
/** XLM and DICT-MLM: language embeddings, and whole lines packed per sequence (the others cut blocks) */
export const usesLang = (o: Objective) => o === "xlm" || o === "dict-mlm";

/** The ALIGN-MLM / DICT-MLM dictionary: a seeded shuffle of 0..V−1, its first ⌊rate·V⌋ ids minus the shared specials. */
export function dictionaryIds(V: number, rate: number, seed: number, shared: Set<number>): Int32Array {
  const perm = shuffled(Array.from({ length: V }, (_, i) => i), seed ^ 0xd1c7);
  return Int32Array.from(perm.slice(0, Math.floor(rate * V)).filter((i) => !shared.has(i)));
}

/** HF Trainer's no-decay rule: biases and every LayerNorm weight (by module type, as get_decay_parameter_names). */
export function decays(name: string): boolean {
  return !(name.endsWith("bias") || /(^|\.|_)(ln|LayerNorm|layer_norm)\.weight$/.test(name));
}

function maskIdOf(tok: WordTokenizer): number {
  for (const t of ["<mask>", "[MASK]"]) {
    const id = tok.tokenToId(t);
    if (id !== undefined) return id;
  }
  throw new XltError("the tokenizer has no <mask> or [MASK] token");
}

function buildRows(o: PretrainOptions, tok: WordTokenizer, cfg: ModelConfig, T: number): { rows: Row[]; droppedLines: number } {
  const read = (p: string) => readCorpus(p).map((l) => tokenizeLine(tok, l));
  const orig = o.train.map((p) => ({ p, lines: read(p) }));
  const der = o.derived.map((p) => ({ p, lines: read(p) }));
  const rows: Row[] = [];
  let droppedLines = 0;
  // TLM pairs below read the full, still line-aligned files; only the monolingual packing leaves lines out
  const fitting = (lines: number[][]) => {
    if (!o.dropLongLines) return lines;
    const r = withoutLongLines(lines, T);
    droppedLines += r.dropped;
    return r.lines;
  };
  if (!usesLang(o.objective)) {
    for (const f of [...orig, ...der]) rows.push(...blocks(f.lines, T));
  } else {
    const off = cfg.positionOffset;
    for (const f of orig) rows.push(...packed(fitting(f.lines), T, LANG_ORIGINAL, cfg.padId, off, f.p));
    for (const f of der) rows.push(...packed(fitting(f.lines), T, LANG_DERIVED, cfg.padId, off, f.p));
    if (o.objective === "xlm") {
      if (orig.length !== 1 || der.length !== 1) throw new XltError("--objective xlm needs one --train file and one --derived file, line-aligned (TLM pairs)");
      if (orig[0].lines.length !== der[0].lines.length) {
        throw new XltError(`--objective xlm: ${orig[0].p} has ${orig[0].lines.length} lines but ${der[0].p} has ${der[0].lines.length}; TLM needs line-aligned files`);
      }
      rows.push(...tlmRows(orig[0].lines, der[0].lines, T, o.tlmRate, o.seed, cfg.padId, off));
    }
  }
  if (!rows.length) throw new XltError(`the corpus gives no sequence of ${T} tokens (too little text for --max-length ${T})`);
  return { rows, droppedLines };
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  if (needsPairs(o.objective) && !o.derived.length) throw new XltError(`--objective ${o.objective} needs a derived-language corpus (--derived FILE)`);
  const start0 = startModel({ model: o.model, config: o.config, configWhere: o.configWhere, tokenizerDir: o.tokenizer, seed: o.seed, lang: usesLang(o.objective) });
  const { cfg, raw } = start0;
  const tok = loadTokenizer(start0.tokenizerDir);
  if (tok.vocabSize !== cfg.vocab) throw new XltError(`the tokenizer has ${tok.vocabSize} tokens but the model's vocabulary is ${cfg.vocab}`);
  const T = sequenceLength(cfg, o.maxLength, 128);
  // one language's vocabulary: the model has 2V rows when a derived language is in play (xlt derive doubles
  // it); random replacements and the dictionary come from [0, V) only (spec §1.3), MLM on Trans too
  const paired = o.derived.length > 0;
  if (paired && cfg.vocab % 2 !== 0) throw new XltError(`--derived needs a two-language model with 2V rows (xlt derive --transform trans doubles it); this one has ${cfg.vocab}`);
  const V = paired ? cfg.vocab / 2 : cfg.vocab;
  // the doubled tokenizer of xlt derive spells derived id i+V as twinPiece(i): check it reads that way
  if (paired && !tok.encodeWord(twinPiece(5)).includes(V + 5)) {
    throw new XltError(`--derived needs the two-language tokenizer of xlt derive --transform trans (derived ids i+V); this one does not read derived text as ids ${V}..${2 * V - 1}`);
  }
  const shared = new Set([...tok.prefix, ...tok.suffix, tok.padId]);
  const dict = o.objective === "align-mlm" || o.objective === "dict-mlm" ? dictionaryIds(V, o.bilingualRate, o.seed, shared) : null;
  const maskId = maskIdOf(tok);
  const { rows, droppedLines } = buildRows(o, tok, cfg, T);
  const bs = o.batchSize;
  const micro = Math.min(o.microBatch ?? bs, bs);
  const ckptDir = join(o.out, CKPT);
  const settings: RunSettings = {
    "--objective": o.objective, "--seed": o.seed, "--lr": o.lr, "--batch-size": bs, "--max-length": T, "--warmup": o.warmup,
    "--weight-decay": o.weightDecay, "--max-grad-norm": o.maxGradNorm ?? null, "--bilingual-rate": dict ? o.bilingualRate : null,
    "--lambda": o.objective === "align-mlm" ? o.lambda : null, "--tlm-rate": o.objective === "xlm" ? o.tlmRate : null,
    "--dropout": o.dropout ?? null, "the training data": dataFingerprint(rows.map((r) => r.ids)),
  };
  if (o.resume) checkResume(ckptDir, settings, o.steps);

  const g = await getGpu();
  await tuneEncoderMatmuls(g, cfg, micro * T, [[cfg.hidden, cfg.hidden]]);
  const enc = new Encoder(g, cfg, start0.encoder, { dropout: o.dropout });
  enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
  const head = new MlmHead(g, cfg, cfg.vocab, start0.head);
  head.enableGrads();
  const refs: ParamRef[] = [
    ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
    ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
  ];
  const health = healthFlag(g, "pretrain.health");
  const adam = new Adam([
    { name: "decay", enabled: true, params: refs.filter((r) => decays(r.name)), weightDecay: o.weightDecay },
    { name: "no_decay", enabled: true, params: refs.filter((r) => !decays(r.name)), weightDecay: 0 },
  ], { lr: o.lr, decoupled: true, maxGradNorm: o.maxGradNorm, health });
  const stateParams = () => {
    const m = new Map<string, Tensor>(enc.params);
    for (const [n, p] of head.params) m.set(`head.${n}`, p);
    return m;
  };
  const align: AlignTerm | undefined = o.objective === "align-mlm" ? { dict: dict!, V, lambda: o.lambda } : undefined;

  let start = 0;
  const losses: number[] = [];
  if (o.resume) {
    start = await loadTrainingState(ckptDir, (n) => stateParams().get(n), adam, "different --model, --config or --objective?");
    losses.push(...JSON.parse(nodeFs.readFileSync(join(ckptDir, "progress.json"), "utf8")).losses);
    if (o.log) truncateLog(o.log, (rec) => typeof rec.step === "number" && rec.step <= start);
    if (!o.quiet) console.error(`resuming from step ${start} (${ckptDir})`);
  }
  const perEpoch = Math.max(1, Math.floor(rows.length / bs));
  const progress = new Progress(o.steps, o.quiet);
  const prof = new ProfileSession(g, o.profile, `pretrain ${o.objective}`);
  const t0 = performance.now();
  let tokens = 0;
  type Step = { step: number; status: Promise<StepStatus & { align: Float32Array | null }>; lr: number; tokens: number };
  const inFlight = new OneInFlight<Step>(async (f) => {
    const status = await prof.phase(GPU_WAIT_PHASE, () => f.status);
    const a = status.align;
    const loss = status.loss + (a ? a[0] : 0);
    checkStepStatus({ ...status, loss }, f.step, ckptDir);
    losses.push(loss);
    tokens += f.tokens;
    const elapsed = (performance.now() - t0) / 1000;
    const parts = a ? `loss ${loss.toFixed(4)} (mlm ${status.loss.toFixed(4)}, cos ${a[1].toFixed(3)})` : `loss ${loss.toFixed(4)}`;
    progress.update(f.step, `${parts}  ${(tokens / elapsed).toFixed(0)} tok/s`);
    o.onStep?.(f.step, loss);
    if (o.log) {
      const rec: Record<string, unknown> = { step: f.step, loss, mlm: status.loss, lr: f.lr, elapsed: +elapsed.toFixed(3) };
      if (a) Object.assign(rec, { align: a[0], cos: a[1] });
      nodeFs.appendFileSync(o.log, JSON.stringify(rec) + "\n");
    }
  }, (f) => f.status);
  let order: number[] = [];
  try {
    for (let step = start + 1; step <= o.steps; step++) {
      const endStep = prof.startPhase(`step ${step}`);
      if (step === start + 2) prof.steadyFrom(step);
      const epoch = Math.floor((step - 1) / perEpoch);
      const inEpoch = (step - 1) % perEpoch;
      if (inEpoch === 0 || !order.length) order = shuffled(Array.from({ length: rows.length }, (_, i) => i), o.seed * 1000 + epoch + 1);
      const picked = order.slice(inEpoch * bs, inEpoch * bs + bs).map((i) => rows[i]);
      const mbs = prof.phase("batch", () => collate(cfg, picked, micro, { seed: o.seed, step, maskId, V, specialIds: shared, dictMlm: o.objective === "dict-mlm" ? new Set(dict!) : undefined }));
      const lr = o.lr * linearScheduleFactor(step, o.steps, o.warmup);
      const rec = prof.phase("record", () => {
        adam.zeroGrad();
        return recordPretrainStep(enc, head, mbs, true, (i) => (o.seed % 4096) * 2 ** 32 + step * 64 + i, align);
      });
      if (o.dumpGrads && step === start + 1) await dumpGradients(o.dumpGrads, enc, head, cfg, mbs, dict);
      prof.phase("record", () => {
        setProfileContext(g, "optimizer");
        adam.step(lr);
        setProfileContext(g, undefined);
      });
      const endSubmit = prof.startPhase("submit");
      // one promise per step, so an abandoned step leaves no read unobserved
      const alignT = rec.align;
      const status = Promise.all([readStepStatus(rec.mlm, health), alignT ? alignT.read() : null])
        .then(([s, a]) => ({ ...s, align: a }));
      endSubmit();
      await inFlight.push({ step, status, lr, tokens: picked.length * T });
      const atCheckpoint = o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < o.steps;
      if (step === o.steps || atCheckpoint) await inFlight.drain();
      endStep();
      if (atCheckpoint) await saveTrainingState(ckptDir, stateParams(), adam, step, { "progress.json": { losses } }, settings);
    }
  } catch (e) {
    inFlight.abandon();
    await prof.abort();
    throw e;
  }
  await sync(g);
  await prof.finish({ quiet: o.quiet, lastStep: o.steps });
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const encParams = await enc.readParams();
  const headParams = await head.readParams();
  const finalLoss = losses.length ? losses[losses.length - 1] : NaN;
  await writeDirAtomic(o.out, (tmp) => {
    writeMaskedLm(tmp, cfg, raw, encParams, headParams, start0.tokenizerDir);
    const run = {
      command: "pretrain", objective: o.objective, model: o.model ?? null, train: o.train, derived: o.derived, rows: rows.length,
      steps: o.steps, batch_size: bs, micro_batch: micro, max_length: T, lr: o.lr, warmup_steps: o.warmup,
      schedule: "linear warm-up, then linear decay to 0", weight_decay: o.weightDecay, max_grad_norm: o.maxGradNorm ?? null,
      bilingual_rate: dict ? o.bilingualRate : null, dictionary_size: dict?.length ?? null, lambda: align ? o.lambda : null,
      tlm_rate: o.objective === "xlm" ? o.tlmRate : null, dropped_long_lines: o.dropLongLines ? droppedLines : null, seed: o.seed, vocab_per_language: V,
      first_loss: losses[0] ?? null, final_loss: finalLoss, seconds: +seconds.toFixed(3),
      device: { runtime: g.caps.runtime, adapter: g.caps.adapterName }, ...o.meta,
    };
    writeFileAtomic(join(tmp, "run.json"), JSON.stringify(run, null, 2) + "\n");
  }, { replaces: checkpointFiles() });
  adam.release();
  health.release();
  for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
  enc.releaseState();
  head.dispose();
  return { steps: o.steps, rows: rows.length, losses, finalLoss, seconds, droppedLines };
}

/**
 * --dump-grads: the first batch (input ids, language ids, labels, positions, attention mask, as [B, T] per
 * micro-batch), the dictionary ids in use, and every gradient after it (before clipping and the update),
 * under the output's Hugging Face names.
 */
async function dumpGradients(path: string, enc: Encoder, head: MlmHead, cfg: ModelConfig, mbs: ReturnType<typeof collate>, dict: Int32Array | null): Promise<void> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
  mbs.forEach((m, i) => {
    const s = [m.batch.B, m.batch.T];
    out.set(`batch.${i}.input_ids`, { shape: s, data: f32(m.batch.ids) });
    out.set(`batch.${i}.labels`, { shape: s, data: f32(m.labels) });
    out.set(`batch.${i}.position_ids`, { shape: s, data: f32(m.batch.positions) });
    out.set(`batch.${i}.attention_mask`, { shape: s, data: m.batch.mask });
    if (m.batch.langIds) out.set(`batch.${i}.lang_ids`, { shape: s, data: f32(m.batch.langIds) });
  });
  if (dict) out.set("dictionary_ids", { shape: [dict.length], data: f32(dict) });
  for (const [c, grad] of enc.grads) out.set(`grad.${hfName(cfg.arch, c)}`, { shape: grad.shape, data: await grad.read() });
  for (const [n, grad] of head.grads) out.set(`grad.${n}`, { shape: grad.shape, data: await grad.read() });
  writeF32(path, out, { what: "the first batch and the gradients after it, before clipping and any update (ids stored as F32)" });
}
