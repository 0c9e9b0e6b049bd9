// `xlt run`: the whole experiment of the papers as a grid of independent cells (run, resumed, split into
// jobs and merged by src/run/cells.ts). A cell is (strategy, seed): realign (unless baseline) → fine-tune on
// the source language → evaluate every language zero-shot → measure alignment before and after
// fine-tuning. Each cell writes OUT/cells/<strategy>-s<seed>/result.json with the settings it ran with.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { getGpu } from "../gpu/device.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { loadCheckpoint, type ModelConfig } from "../io/checkpoint.ts";
import { loadTokenizer } from "../io/tokenize.ts";
import { XltError } from "../errors.ts";
import { Encoder } from "../../models/encoder.ts";
import type { PairExample } from "../data/side_batch.ts";
import { realignStream } from "../data/pairs.ts";
import { realign } from "../train/objectives/realign.ts";
import { finetune } from "../train/objectives/finetune.ts";
import { evaluateModel, type TestSpec } from "../eval/evaluate.ts";
import { alignmentByLayer } from "../eval/alignment.ts";
import type { Task } from "../tasks/labels.ts";
import { paramCount } from "../memory.ts";
import { estimateRealign } from "../train/objectives/realign.ts";
import { estimateFinetune } from "../train/objectives/finetune.ts";
import { TASKS } from "../tasks/table.ts";
import { capLength } from "../tasks/batch.ts";
import { realignTrainable } from "../train/freeze.ts";
import { fmtBytes } from "../gpu/tensor.ts";
import { DURING_STRATEGIES, duringOptions, duringSettings } from "./during.ts";
import { GRID_CELL_SETTINGS, GRID_REALIGN_SETTINGS, RUN_OPTIONS, STRATEGIES } from "./configs.ts";
import { settingsOf } from "../train/config.ts";
import { type Cell as RunnerCell, type Experiment, finishedResults, isDone, readResult, rejectDuplicates, runCells, type Settings, writeJobs as writeCellJobs, writeOutputs } from "./cells.ts";
import { type CellResult, summarize, toCsv, toMarkdown } from "./report.ts";
import { alignmentSpec, deltaSpec, type RunContext } from "./figures.ts";
import { chartFiles } from "../plot/files.ts";
import type { TopLevelSpec } from "vega-lite";

export { STRATEGIES };

export interface RunPlan {
  model: string;
  task: Task;
  train: string;
  source: string; // language of the training data
  tests: TestSpec[]; // the source language's test set included
  /** realignment pairs per target language (also the pool for the alignment metric) */
  realignData: Record<string, PairExample[]>;
  strategies: string[];
  seeds: number[];
  realignSteps: number;
  realignLr?: number;
  epochs?: number;
  finetuneLr?: number;
  trainLimit?: number;
  batchSize: number;
  alignPairs: number;
  out: string;
  keepModels: boolean;
  quiet: boolean;
  /** how the charts name the model (default: describeModel(model)) */
  modelName?: string;
}

export interface Cell extends RunnerCell {
  strategy: string;
  seed: number;
}

export function cells(plan: RunPlan): Cell[] {
  const known = [...Object.keys(STRATEGIES), ...Object.keys(DURING_STRATEGIES)];
  for (const s of plan.strategies) if (!known.includes(s)) throw new XltError(`unknown strategy '${s}': use ${known.join(", ")}`);
  if (!plan.strategies.length || !plan.seeds.length) throw new XltError(`the grid is empty: give at least one of --${plan.seeds.length ? "strategies" : "seeds"}`);
  // a repeated seed or strategy would name one cell twice; a repeated language, one column twice
  rejectDuplicates("--strategies:", plan.strategies);
  rejectDuplicates("--seeds: seed", plan.seeds);
  rejectDuplicates("--test: language", plan.tests.map((t) => t.lang));
  const out: Cell[] = [];
  for (const strategy of plan.strategies) {
    for (const seed of plan.seeds) out.push({ index: out.length, strategy, seed, dir: join(plan.out, "cells", `${strategy}-s${seed}`) });
  }
  return out;
}

/** An experiment directory `xlt run` wrote (and so may continue without --overwrite). */
export const isExperimentDir = (dir: string) => existsSync(join(dir, "cells"));

/** The grid as the cell runner (src/run/cells.ts) runs it. */
function experiment(plan: RunPlan): Experiment<Cell, CellResult> {
  return { kind: "grid", job: "xlt-run", out: plan.out, cells: cells(plan), settings: (r) => cellSettings(plan, r.strategy), run: (c) => runCell(plan, c) };
}

/** What the grid writes into its --out: the cells, and merge's tables and charts. */
export const RUN_RESULT_FILES = ["results.csv", "results.json", "results.md", ...["delta", "alignment"].flatMap((c) => [`${c}.svg`, `${c}.vl.json`])];
export const RUN_OUT_NAMES = ["cells", ...RUN_RESULT_FILES];

/**
 * What a cell's result depends on besides its strategy and seed, keyed by the option that sets it (paths
 * made absolute). A baseline cell does not realign, so the realignment settings are not its own.
 */
export function cellSettings(plan: RunPlan, strategy: string): Settings {
  const s = settingsOf(RUN_OPTIONS, GRID_CELL_SETTINGS, plan, {
    "--model": resolve(plan.model),
    "--train": resolve(plan.train),
    "--test": plan.tests.map((t) => `${t.lang}=${resolve(t.path)}`).join(","),
    "parallel data": Object.entries(plan.realignData).map(([lang, pairs]) => `${lang}: ${pairs.length} pairs`).join(", "),
  }) as Settings;
  if (typeof STRATEGIES[strategy] === "string") Object.assign(s, settingsOf(RUN_OPTIONS, GRID_REALIGN_SETTINGS, plan));
  if (strategy in DURING_STRATEGIES) Object.assign(s, duringSettings());
  return s;
}

/** Runs one cell (skipped when its result exists, under the same settings). */
export async function runCell(plan: RunPlan, cell: Cell): Promise<CellResult> {
  const resultPath = join(cell.dir, "result.json");
  if (existsSync(resultPath)) return readResult(experiment(plan), cell.dir);
  mkdirSync(cell.dir, { recursive: true });
  const t0 = performance.now();
  const freeze = STRATEGIES[cell.strategy] ?? null; // realignment before fine-tuning
  const during = DURING_STRATEGIES[cell.strategy]; // or during it
  let model = plan.model;
  const say = (m: string) => plan.quiet || console.error(`[cell ${cell.index} ${cell.strategy} seed ${cell.seed}] ${m}`);
  if (freeze !== null) {
    say(`realign --freeze ${freeze}, ${plan.realignSteps} steps`);
    const examples = interleaveLangs(plan.realignData, cell.seed);
    const out = join(cell.dir, "realigned");
    await realign({
      model, examples, out, freeze, projection: 128, tau: 0.1, steps: plan.realignSteps, batchSize: 16, lr: plan.realignLr,
      seed: cell.seed, checkpointEvery: 0, resume: false, quiet: true, log: join(cell.dir, "realign.jsonl"),
    });
    model = out;
  }
  const alignBefore = await alignment(plan, model);
  say(`fine-tune on ${plan.source} (${plan.task})${during ? `, realigning during it (--freeze ${during})` : ""}`);
  const ftDir = join(cell.dir, "finetuned");
  const ft = await finetune({
    task: plan.task, train: plan.train, model, out: ftDir, epochs: plan.epochs, lr: plan.finetuneLr, batchSize: plan.batchSize,
    seed: cell.seed, limit: plan.trainLimit, checkpointEvery: 0, resume: false, quiet: true, log: join(cell.dir, "finetune.jsonl"),
    realignDuring: during ? duringOptions(plan.realignData, cell.seed, during) : undefined,
  });
  say(`evaluate ${plan.tests.map((t) => t.lang).join(", ")}`);
  const ev = await evaluateModel({ model: ftDir, tests: plan.tests });
  const alignAfter = await alignment(plan, ftDir);
  const scores: Record<string, number> = {};
  let metric = "accuracy";
  for (const [l, s] of Object.entries(ev.perLang)) {
    scores[l] = s.value;
    metric = s.metric;
  }
  const alignmentScores: CellResult["alignment"] = {};
  for (const l of Object.keys(alignBefore)) alignmentScores[l] = { before: alignBefore[l], after: alignAfter[l] };
  const result: CellResult & { finetune_loss: number; settings: Settings } = {
    strategy: cell.strategy, seed: cell.seed, task: plan.task, metric, scores, alignment: alignmentScores,
    seconds: (performance.now() - t0) / 1000, finetune_loss: ft.finalLoss, settings: cellSettings(plan, cell.strategy),
  };
  writeFileAtomic(resultPath, JSON.stringify(result, null, 2) + "\n");
  if (!plan.keepModels) {
    rmSync(join(cell.dir, "realigned"), { recursive: true, force: true });
    rmSync(ftDir, { recursive: true, force: true });
  }
  say(`done in ${result.seconds.toFixed(0)} s: ${Object.entries(scores).map(([l, v]) => `${l} ${(100 * v).toFixed(1)}`).join(", ")}`);
  return result;
}

/** Same order rule as `xlt realign`: each language shuffled with the seed, then round-robin. */
function interleaveLangs(data: Record<string, PairExample[]>, seed: number): PairExample[] {
  return realignStream(Object.values(data), seed);
}

/**
 * Strong alignment (mean of both directions) at the last layer, hidden_states[N], per target language,
 * on the realignment pool (Gaschi et al. measure on the same dictionary pairs).
 */
async function alignment(plan: RunPlan, modelDir: string): Promise<Record<string, number>> {
  const g = await getGpu();
  const ck = loadCheckpoint(modelDir);
  const tok = loadTokenizer(modelDir);
  const enc = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
  const out: Record<string, number> = {};
  try {
    for (const [lang, pairs] of Object.entries(plan.realignData)) {
      const r = await alignmentByLayer(enc, tok, pairs, { nbPairs: plan.alignPairs });
      const last = r.layers[r.layers.length - 1];
      out[lang] = (last.strongFwd + last.strongBwd) / 2;
    }
  } finally {
    enc.dispose();
  }
  return out;
}

/** The model as the charts name it: its folder and shape, from config.json (the folder alone if that is unreadable). */
export function describeModel(dir: string, name = basename(resolve(dir))): string {
  try {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    const shape = [c.model_type, c.num_hidden_layers && `${c.num_hidden_layers} layers`, c.hidden_size && `hidden ${c.hidden_size}`].filter(Boolean).join(", ");
    return shape ? `${name} (${shape})` : name;
  } catch {
    return name;
  }
}

/**
 * Gathers every finished cell (all of this plan's settings) and writes results.{csv,json,md} and the two
 * charts, delta and alignment, each as .vl.json (its Vega-Lite spec) and .svg.
 */
export async function merge(plan: RunPlan): Promise<{ done: number; files: string[] }> {
  const results = finishedResults(experiment(plan));
  results.sort((a, b) => a.strategy.localeCompare(b.strategy) || a.seed - b.seed);
  const s = summarize(results, plan.source);
  const ctx: RunContext = { model: plan.modelName ?? describeModel(plan.model), task: results[0].task, metric: results[0].metric };
  const charts: Record<string, TopLevelSpec> = { alignment: alignmentSpec(results, s, ctx) };
  // Δ needs baseline cells to pair with
  if (s.strategies.includes("baseline") && s.strategies.length > 1) charts.delta = deltaSpec(results, s, ctx);
  const files: Record<string, string> = {
    "results.csv": toCsv(results),
    "results.json": JSON.stringify({ summary: s, cells: results }, null, 2) + "\n",
    "results.md": toMarkdown(s, `${ctx.task.toUpperCase()} zero-shot transfer from ${plan.source} (${ctx.metric})`, results),
    ...(await chartFiles(charts)),
  };
  return { done: results.length, files: writeOutputs(plan.out, files) };
}

/** The plan as text: cells, their state, and GPU time and memory estimates. */
export function describePlan(plan: RunPlan, cfg: ModelConfig, gflops: number | null): string {
  const cs = cells(plan);
  // the most any strategy needs: everything trainable up to the loss layer (xlt info --freeze none)
  const mem = estimateRealign(cfg, 16, 96, realignTrainable("none", cfg.layers, cfg.layers - 1), cfg.layers - 1);
  const ftLength = capLength(cfg, TASKS[plan.task].defaults.trainLength);
  const ft = estimateFinetune(cfg, JSON.parse(readFileSync(join(plan.model, "config.json"), "utf8")), plan.task, plan.batchSize, ftLength);
  const nonEmb = paramCount(cfg) - cfg.vocab * cfg.hidden;
  // training FLOPs ≈ 6 · non-embedding params · tokens (forward 2, backward 4)
  const realignFlops = 6 * nonEmb * plan.realignSteps * 16 * 2 * 40; // ~40 tokens per sentence
  const trainSentences = plan.trainLimit ?? 12544;
  const ftFlops = 6 * nonEmb * (plan.epochs ?? 5) * trainSentences * 30;
  const evalFlops = 2 * nonEmb * plan.tests.length * 1000 * 30;
  const time = (f: number) => (gflops ? `${(f / (gflops * 1e9) / 60).toFixed(1)} min` : `${(f / 1e12).toFixed(1)} TFLOP`);
  const lines = [
    `experiment: ${plan.task} from ${plan.source} → ${plan.tests.map((t) => t.lang).join(", ")}; model ${plan.model} (${cfg.arch}, ${(paramCount(cfg) / 1e6).toFixed(0)} M params)`,
    `grid: ${plan.strategies.length} strategies × ${plan.seeds.length} seeds = ${cs.length} cells, ${cs.filter(isDone).length} already done (out: ${plan.out})`,
    `per cell: realign ${plan.realignSteps} steps (${Object.keys(plan.realignData).join(", ")}), fine-tune ${plan.epochs ?? "default"} epochs, evaluate ${plan.tests.length} languages, alignment before/after`,
    `GPU memory: realign ~${fmtBytes(mem.total)} (batch 16 × 96 × 2 sides, --freeze none), fine-tune ~${fmtBytes(ft.total)} (batch ${plan.batchSize} × ${ftLength}), as xlt info estimates them`,
    `GPU time per cell${gflops ? ` at the measured ${gflops.toFixed(0)} GFLOP/s` : ""}: realign ${time(realignFlops)}, fine-tune ${time(ftFlops)}, evaluate ${time(evalFlops)} (FLOP estimates: 6·params·tokens)`,
    "",
    "cells:",
    ...cs.map((c) => `  ${String(c.index).padStart(3)}  ${c.strategy.padEnd(8)} seed ${String(c.seed).padEnd(4)} ${isDone(c) ? "done" : "todo"}`),
  ];
  return lines.join("\n");
}

/** One line per cell for a cluster scheduler, plus a Slurm job-array script. */
export function writeJobs(plan: RunPlan, argv: string[], path: string): string {
  return writeCellJobs(experiment(plan), argv, path);
}

export function runGrid(plan: RunPlan, only?: number): Promise<CellResult[]> {
  return runCells(experiment(plan), only);
}
