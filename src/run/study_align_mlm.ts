// `xlt run --study align-mlm`: the ALIGN-MLM paper's experiment (align-mlm-spec.md §4.3, §5) as a grid of
// independent cells, objective × transformation × seed. A cell pre-trains from scratch on the original corpus
// plus its derived twin, measures the static alignment of the pre-trained embeddings, fine-tunes twice (on the
// original task data and on the derived one) and evaluates both on the derived test set:
// BS = derived-trained model, BZ = original-trained model (zero-shot), Δ = BZ − BS. XLM and DICT-MLM cells
// fine-tune and test with language ids (2 original, 3 derived; cellLangIds), MLM and ALIGN-MLM without.
// The derived data of each transformation is written once, under OUT/derived/<transform>, and shared by cells.
// Each cell writes OUT/cells/<objective>-<transform>-s<seed>/result.json atomically with the settings it ran
// with; the cells run, resume, split into jobs and merge as the realignment grid's (src/run/cells.ts).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { XltError } from "../errors.ts";
import { getGpu } from "../gpu/device.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { LANG_TABLE, loadCheckpoint, parseConfig } from "../io/checkpoint.ts";
import { fmtBytes } from "../gpu/tensor.ts";
import { TASKS } from "../tasks/table.ts";
import { capLength } from "../tasks/batch.ts";
import { estimateFinetune } from "../train/objectives/finetune.ts";
import { buildTokenizer } from "../io/tokenize.ts";
import { deriveFile, detectDeriveFormat, parseTransform, type Transform } from "../synthetic/derive.ts";
import { doubleTokenizerJson, transliterateWord } from "../synthetic/trans.ts";
import { staticAlignmentQueries } from "../eval/static_alignment.ts";
import { staticAlignmentGpu } from "../eval/static_alignment_gpu.ts";
import { evaluateModel } from "../eval/evaluate.ts";
import { finetune } from "../train/objectives/finetune.ts";
import { estimatePretrain, OBJECTIVES, pretrain, type PretrainingObjective, usesLang } from "../train/objectives/pretrain.ts";
import { LANG_DERIVED, LANG_ORIGINAL, presetConfig, type Size } from "../pretrain/model.ts";
import type { Task } from "../tasks/labels.ts";
import { chartFiles } from "../plot/files.ts";
import { sortStudyCells, type StudyCellResult, studyFiles, summarizeStudy } from "./study_report.ts";
import { studyCharts } from "./study_figures.ts";
import { type Cell, type Experiment, finishedResults, isDone, readResult, rejectDuplicates, runCells, type Settings, writeJobs, writeOutputs } from "./cells.ts";

/** The paper's matrix (spec §6) without Syn, which needs Stanza and the Galactic Dependencies tool (spec §7). */
export const STUDY_OBJECTIVES: PretrainingObjective[] = ["mlm", "xlm", "dict-mlm", "align-mlm"];
export const STUDY_TRANSFORMS: Transform[] = ["trans", "trans+inv"];

export interface StudyPlan {
  /** original-language pre-training text, one sentence per line */
  corpus: string;
  /** directory with the original tokenizer.json (V ids; the study doubles it to 2V) */
  tokenizer: string;
  task: Task;
  train: string;
  test: string;
  objectives: PretrainingObjective[];
  transforms: Transform[];
  seeds: number[];
  size: Size;
  arch: "roberta" | "bert";
  pretrainSteps: number;
  pretrainBatch: number;
  maxLength: number;
  pretrainLr: number;
  bilingualRate: number;
  lambda: number;
  epochs?: number;
  finetuneLr?: number;
  trainLimit?: number;
  batchSize: number;
  out: string;
  keepModels: boolean;
  quiet: boolean;
}

export interface StudyCell extends Cell {
  objective: PretrainingObjective;
  transform: Transform;
  seed: number;
}

export function parseObjectives(s: string): PretrainingObjective[] {
  const list = s.split(",").map((x) => x.trim().toLowerCase()).filter(Boolean);
  for (const o of list) if (!(OBJECTIVES as readonly string[]).includes(o)) throw new XltError(`--objectives: unknown objective '${o}' (use ${OBJECTIVES.join(", ")})`);
  return list as PretrainingObjective[];
}

export function parseTransforms(s: string): Transform[] {
  return s.split(",").map((x) => x.trim()).filter(Boolean).map((x) => {
    try {
      return parseTransform(x);
    } catch (e) {
      throw new XltError(`--transforms: ${(e as Error).message}`);
    }
  });
}

export function studyCells(plan: StudyPlan): StudyCell[] {
  if (!plan.objectives.length || !plan.transforms.length || !plan.seeds.length) throw new XltError("the study is empty: give at least one objective, transform and seed");
  rejectDuplicates("--objectives:", plan.objectives);
  rejectDuplicates("--transforms:", plan.transforms);
  rejectDuplicates("--seeds:", plan.seeds);
  for (const t of plan.transforms) {
    if (t === "inv") throw new XltError("--transforms inv: the study needs Trans (a disjoint vocabulary for alignment and the dictionary); use trans or trans+inv");
  }
  const out: StudyCell[] = [];
  for (const objective of plan.objectives) {
    for (const transform of plan.transforms) {
      for (const seed of plan.seeds) {
        out.push({ index: out.length, objective, transform, seed, dir: join(plan.out, "cells", `${objective}-${transform}-s${seed}`) });
      }
    }
  }
  return out;
}

export const isStudyDir = (dir: string) => existsSync(join(dir, "cells")) || existsSync(join(dir, "derived"));

/** The study as the cell runner (src/run/cells.ts) runs it. */
function experiment(plan: StudyPlan): Experiment<StudyCell, StudyCellResult> {
  return { kind: "study", job: "xlt-study", out: plan.out, cells: studyCells(plan), settings: (r) => cellSettings(plan, r.objective as PretrainingObjective), run: (c) => runStudyCell(plan, c) };
}

/** What the study writes into its --out: cells, derived data, and mergeStudy's tables and charts (any objective). */
export const STUDY_OUT_NAMES = ["cells", "derived", "results.csv", "results.json", "results.md", ...["scores", "alignment"].flatMap((c) => [`${c}.svg`, `${c}.vl.json`])];

/** What a cell's result depends on besides objective, transform and seed (paths absolute). */
export function studySettings(plan: StudyPlan): Settings {
  return {
    "--corpus": resolve(plan.corpus),
    "--tokenizer": resolve(plan.tokenizer),
    "--task": plan.task,
    "--train": resolve(plan.train),
    "--test": resolve(plan.test),
    "--size": plan.size,
    "--arch": plan.arch,
    "--pretrain-steps": plan.pretrainSteps,
    "--pretrain-batch-size": plan.pretrainBatch,
    "--max-length": plan.maxLength,
    "--pretrain-lr": plan.pretrainLr,
    "--bilingual-rate": plan.bilingualRate,
    "--lambda": plan.lambda,
    "--epochs": plan.epochs ?? null,
    "--finetune-lr": plan.finetuneLr ?? null,
    "--train-limit": plan.trainLimit ?? null,
    "--batch-size": plan.batchSize,
  };
}

/**
 * The language ids a cell fine-tunes and tests with (spec §4.2, §4.3): XLM and DICT-MLM models carry language
 * embeddings, and the authors' `_transitive` scripts feed 2 to the original language and 3 to the derived one;
 * MLM and ALIGN-MLM have no language table and run without.
 */
export function cellLangIds(objective: PretrainingObjective): { orig: number; derived: number } | null {
  return usesLang(objective) ? { orig: LANG_ORIGINAL, derived: LANG_DERIVED } : null;
}

const langIdSetting = (objective: PretrainingObjective) => {
  const ids = cellLangIds(objective);
  return ids ? `original ${ids.orig}, derived ${ids.derived}` : null;
};

/** A cell's settings: the study's, and the language ids its objective fine-tunes and tests with. */
export function cellSettings(plan: StudyPlan, objective: PretrainingObjective): Settings {
  return { ...studySettings(plan), "--lang-id": langIdSetting(objective) };
}

/** The derived data of one transformation: corpus pair, task files and the doubled tokenizer. */
interface DerivedData {
  dir: string;
  corpusOrig: string;
  corpusDerived: string;
  train: string;
  test: string;
}

function readText(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new XltError(`${what} ${path}: cannot read it (missing or unreadable)`);
  }
  if (!text.trim()) throw new XltError(`${what} ${path}: the file is empty`);
  return text;
}

/** Writes OUT/derived/<transform> once (atomically); later cells and reruns reuse it. */
export async function deriveData(plan: StudyPlan, transform: Transform): Promise<DerivedData> {
  const dir = join(plan.out, "derived", transform.replace("+", "-"));
  const d: DerivedData = { dir, corpusOrig: join(dir, "corpus.orig.txt"), corpusDerived: join(dir, "corpus.txt"), train: join(dir, "train.task"), test: join(dir, "test.task") };
  if (existsSync(join(dir, "derive.json"))) return d;
  const tokJson = JSON.parse(readText(join(plan.tokenizer, "tokenizer.json"), "--tokenizer"));
  const tok = buildTokenizer(tokJson, "tokenizer.json");
  const doubled = doubleTokenizerJson(tokJson, tok.vocabSize);
  const opts = { inv: transform !== "trans", trans: (w: string) => transliterateWord(tok, w) };
  const corpus = readText(plan.corpus, "--corpus");
  const text = deriveFile("text", plan.corpus, corpus, opts);
  const task = (p: string, what: string) => {
    const t = readText(p, what);
    const format = detectDeriveFormat(p, t.split("\n")[0]);
    if (!format || format === "text") throw new XltError(`${what} ${p}: expected CoNLL-U, IOB2 or XNLI TSV task data`);
    return deriveFile(format, p, t, opts).text;
  };
  const train = task(plan.train, "--train");
  const test = task(plan.test, "--test");
  mkdirSync(join(plan.out, "derived"), { recursive: true });
  await writeDirAtomic(dir, (tmp) => {
    writeFileSync(join(tmp, "corpus.txt"), text.text);
    writeFileSync(join(tmp, "corpus.orig.txt"), text.original ?? corpus);
    writeFileSync(join(tmp, "train.task"), train);
    writeFileSync(join(tmp, "test.task"), test);
    writeFileSync(join(tmp, "tokenizer.json"), JSON.stringify(doubled));
    writeFileSync(join(tmp, "derive.json"), JSON.stringify({ transform, corpus: resolve(plan.corpus), train: resolve(plan.train), test: resolve(plan.test), vocab: tok.vocabSize }, null, 2) + "\n");
  });
  return d;
}

/**
 * Static-embedding alignment of a pre-trained two-language checkpoint (spec §5.1), as a fraction. XLM and
 * DICT-MLM checkpoints carry language embeddings: rows 2 (original) and 3 (derived), spec §1.1, §5.1.
 */
async function staticAlignmentOf(model: string): Promise<number> {
  const ck = loadCheckpoint(model);
  const { vocab, hidden } = ck.config;
  const lang = ck.tensors.get(LANG_TABLE)?.data;
  const r = await staticAlignmentGpu(await getGpu(), ck.tensors.get("embeddings.word")!.data, vocab, hidden, {
    lang: lang ? [lang.slice(2 * hidden, 3 * hidden), lang.slice(3 * hidden, 4 * hidden)] : undefined,
    queries: staticAlignmentQueries(vocab / 2, 42),
  });
  return r.accuracy;
}

export async function runStudyCell(plan: StudyPlan, cell: StudyCell): Promise<StudyCellResult> {
  if (isDone(cell)) return readResult(experiment(plan), cell.dir);
  const say = (m: string) => plan.quiet || console.error(`[cell ${cell.index} ${cell.objective} ${cell.transform} seed ${cell.seed}] ${m}`);
  const t0 = performance.now();
  const d = await deriveData(plan, cell.transform);
  mkdirSync(cell.dir, { recursive: true });
  const vocab2 = JSON.parse(readFileSync(join(d.dir, "tokenizer.json"), "utf8"));
  const tok2 = buildTokenizer(vocab2, "tokenizer.json");
  const pre = join(cell.dir, "pretrained");
  say(`pre-train ${cell.objective}, ${plan.pretrainSteps} steps`);
  const p = await pretrain({
    objective: cell.objective, train: [d.corpusOrig], derived: [d.corpusDerived], tokenizer: d.dir,
    config: presetConfig(plan.size, plan.arch, tok2.vocabSize, tok2.padId, Math.max(plan.maxLength, 128)), configWhere: `--size ${plan.size}`,
    out: pre, steps: plan.pretrainSteps, batchSize: plan.pretrainBatch, maxLength: plan.maxLength, lr: plan.pretrainLr,
    warmup: Math.round(0.05 * plan.pretrainSteps), weightDecay: 0, maxGradNorm: 1, bilingualRate: plan.bilingualRate, lambda: plan.lambda,
    tlmRate: 0.25, seed: cell.seed, checkpointEvery: 0, resume: false, quiet: true, log: join(cell.dir, "pretrain.jsonl"),
    // a real corpus has sentences longer than --max-length; XLM / DICT-MLM pack whole lines, so, as the authors'
    // scripts, they leave those out (counted in result.json) rather than stopping the cell
    dropLongLines: true,
  });
  if (p.droppedLines) say(`left out ${p.droppedLines} corpus lines (original + derived) longer than ${plan.maxLength} tokens`);
  const alignment = await staticAlignmentOf(pre);
  say(`static alignment ${(100 * alignment).toFixed(1)}%; fine-tune on the original and on the derived ${plan.task} data`);
  const ids = cellLangIds(cell.objective);
  const ft = (train: string, name: string, langId: number | undefined) =>
    finetune({
      task: plan.task, train, model: pre, out: join(cell.dir, name), epochs: plan.epochs, lr: plan.finetuneLr, batchSize: plan.batchSize,
      seed: cell.seed, limit: plan.trainLimit, checkpointEvery: 0, resume: false, quiet: true, log: join(cell.dir, `${name}.jsonl`), langId,
    });
  await ft(plan.train, "finetuned-orig", ids?.orig);
  await ft(d.train, "finetuned-derived", ids?.derived);
  // each test set in its own language: the original one with the original id, the derived one with the derived id
  const test = async (model: string, path: string, langId: number | undefined) =>
    (await evaluateModel({ model: join(cell.dir, model), tests: [{ lang: "test", path }], langId })).perLang.test;
  const orig = await test("finetuned-orig", plan.test, ids?.orig);
  const zs = await test("finetuned-orig", d.test, ids?.derived);
  const sup = await test("finetuned-derived", d.test, ids?.derived);
  const bz = zs.value, bs = sup.value;
  const result: StudyCellResult & { settings: Settings } = {
    objective: cell.objective, transform: cell.transform, seed: cell.seed, task: plan.task, metric: zs.metric,
    bs, bz, delta: bz - bs, original: orig.value, alignment, pretrainLoss: p.finalLoss,
    ...(usesLang(cell.objective) ? { droppedLines: p.droppedLines } : {}),
    ...(sup.seqevalF1 !== undefined && zs.seqevalF1 !== undefined ? { bsF1: sup.seqevalF1, bzF1: zs.seqevalF1, deltaF1: zs.seqevalF1 - sup.seqevalF1, originalF1: orig.seqevalF1 } : {}),
    seconds: (performance.now() - t0) / 1000, settings: cellSettings(plan, cell.objective),
  };
  writeFileAtomic(join(cell.dir, "result.json"), JSON.stringify(result, null, 2) + "\n");
  if (!plan.keepModels) for (const n of ["pretrained", "finetuned-orig", "finetuned-derived"]) rmSync(join(cell.dir, n), { recursive: true, force: true });
  say(`done in ${result.seconds.toFixed(0)} s: BS ${(100 * bs).toFixed(1)}, BZ ${(100 * bz).toFixed(1)}, Δ ${(100 * (bz - bs)).toFixed(1)}`);
  return result;
}

export function runStudy(plan: StudyPlan, only?: number): Promise<StudyCellResult[]> {
  return runCells(experiment(plan), only);
}

/** The model and pre-training a study ran, as its charts name them. */
export function describeStudyModel(plan: StudyPlan): string {
  const arch = plan.arch === "roberta" ? "RoBERTa" : "BERT";
  return `${arch} ${plan.size}, ${plan.pretrainSteps} pre-training steps × ${plan.pretrainBatch} × ${plan.maxLength} tokens`;
}

/**
 * Gathers every finished cell (same settings) into results.{csv,json,md} and the charts scores and
 * alignment, each as .vl.json (its Vega-Lite spec) and .svg.
 */
export async function mergeStudy(plan: StudyPlan): Promise<{ done: number; files: string[] }> {
  const results = finishedResults(experiment(plan));
  const sorted = sortStudyCells(results);
  const ctx = { task: plan.task, metric: sorted[0].metric, model: describeStudyModel(plan) };
  const files = {
    ...studyFiles(sorted, `${plan.task.toUpperCase()} on the derived language: BS (supervised), BZ (zero-shot from the original), Δ = BZ − BS`),
    ...(await chartFiles(studyCharts(summarizeStudy(sorted), ctx))),
  };
  return { done: results.length, files: writeOutputs(plan.out, files) };
}

// Paper scale (spec §1.2, §4.2): RoBERTa 8L/512H/FFN 2048 over 2V = 80,000 ids; 500k steps × 128 × 512 tokens.
const PAPER = { layers: 8, hidden: 512, ffn: 2048, vocab2: 80000, tokens: 500_000 * 128 * 512, ftTokens: 10 * 12_543 * 25 };

/** Training FLOPs ≈ 6 · parameters touched per token · tokens, the decoder over all 2V logits included. */
export function paperFlops(): { pretrain: number; finetune: number } {
  const layer = 4 * PAPER.hidden * PAPER.hidden + 2 * PAPER.hidden * PAPER.ffn;
  const perToken = PAPER.layers * layer + PAPER.hidden * PAPER.vocab2; // blocks + the tied MLM decoder
  return { pretrain: 6 * perToken * PAPER.tokens, finetune: 2 * 6 * PAPER.layers * layer * PAPER.ftTokens };
}

/** GPU memory of a cell's pre-training (per objective) and fine-tuning here, as xlt info measures them. */
function cellMemory(plan: StudyPlan): string {
  const tok = buildTokenizer(JSON.parse(readText(join(plan.tokenizer, "tokenizer.json"), "--tokenizer")), "tokenizer.json");
  const raw = presetConfig(plan.size, plan.arch, 2 * tok.vocabSize, tok.padId, Math.max(plan.maxLength, 128));
  const cfg = parseConfig(raw, `--size ${plan.size}`);
  const pre = plan.objectives.map((o) => `${o} ~${fmtBytes(estimatePretrain(cfg, o, plan.pretrainBatch, plan.maxLength, { paired: true, bilingualRate: plan.bilingualRate, lambda: plan.lambda }).total)}`);
  const T = capLength(cfg, TASKS[plan.task].defaults.trainLength);
  const ft = estimateFinetune(cfg, raw, plan.task, plan.batchSize, T).total;
  return `GPU memory per cell: pre-train ${pre.join(", ")} (batch ${plan.pretrainBatch} × ${plan.maxLength}); fine-tune ~${fmtBytes(ft)} (batch ${plan.batchSize} × ${T}), as xlt info estimates them`;
}

export function describeStudy(plan: StudyPlan, gflops: number | null): string {
  const cs = studyCells(plan);
  const f = paperFlops();
  const hours = (flops: number, g: number) => `${(flops / (g * 1e9) / 3600).toFixed(1)} GPU-h`;
  const at = (flops: number) => [gflops ? `${hours(flops, gflops)} at the measured ${gflops.toFixed(0)} GFLOP/s` : null, `${hours(flops, 100_000)} at 100 TFLOP/s`].filter(Boolean).join(", ");
  return [
    `study align-mlm: ${plan.objectives.length} objectives × ${plan.transforms.length} transforms × ${plan.seeds.length} seeds = ${cs.length} cells, ${cs.filter(isDone).length} already done (out: ${plan.out})`,
    `per cell here: pre-train ${plan.size} ${plan.arch} ${plan.pretrainSteps} steps × ${plan.pretrainBatch} × ${plan.maxLength} tokens, static alignment, 2 fine-tunings (${plan.task}), 3 evaluations`,
    `paper scale per cell (8L/512H RoBERTa, 2V = 80k, 500k steps × 128 × 512 tokens): pre-train ${(f.pretrain / 1e18).toFixed(1)} EFLOP (${at(f.pretrain)}); fine-tune ${(f.finetune / 1e15).toFixed(1)} PFLOP (${at(f.finetune)})`,
    `paper scale, whole study: ${at(cs.length * (f.pretrain + f.finetune))}`,
    cellMemory(plan),
    "",
    "cells:",
    ...cs.map((c) => {
      const ids = cellLangIds(c.objective);
      const lang = ids ? `  lang ids: original ${ids.orig}, derived ${ids.derived}` : "";
      return `  ${String(c.index).padStart(3)}  ${c.objective.padEnd(9)} ${c.transform.padEnd(9)} seed ${String(c.seed).padEnd(4)} ${isDone(c) ? "done" : "todo"}${lang}`;
    }),
  ].join("\n");
}

/** One command per cell plus a Slurm job-array script (as `xlt run --jobs`). */
export function writeStudyJobs(plan: StudyPlan, argv: string[], path: string): string {
  return writeJobs(experiment(plan), argv, path);
}
