// `xlt run`: the full realign → fine-tune → evaluate → alignment experiment over strategies and seeds.
import { checkOutputs, ownNames } from "../src/io/outputs.ts";
import { existsSync } from "node:fs";
import { SHIPPED_LANGS, shippedBuiltin, shippedSpec } from "../src/builtin/shipped.ts";
import { parseLangSpec } from "../src/data/pairs.ts";
import { loadAlignedPairs } from "../src/align/load.ts";
import { parseTestSpec } from "../src/eval/evaluate.ts";
import { XltError } from "../src/errors.ts";
import { getGpu } from "../src/gpu/device.ts";
import { hasLanguageTable, loadCheckpoint } from "../src/io/checkpoint.ts";
import { measurePeak } from "../src/train/roofline.ts";
import { cells, describeModel, describePlan, isExperimentDir, merge, RUN_OUT_NAMES, runGrid, type RunPlan, writeJobs } from "../src/run/grid.ts";
import { slurmScriptPath } from "../src/run/cells.ts";
import type { Task } from "../src/tasks/table.ts";
import { parseTask } from "./finetune.ts";
import { type Command, listItems, parseNumber, UsageError } from "./options.ts";
import { runStudyCommand } from "./run_study.ts";
import { BUILTIN, PAPER_SEEDS, RUN_OPTIONS } from "../src/run/configs.ts";

export const runCommand: Command = {
  summary: "run the whole experiment: strategies × seeds of realign → fine-tune → zero-shot evaluation → alignment",
  description: [
    "Strategies: baseline (no realignment), full (realign everything), lower and upper (AlignFreeze);",
    "during, during-lower and during-upper realign while fine-tuning (0.1 × the realignment loss each step).",
    "Each cell writes OUT/cells/<strategy>-s<seed>/result.json with its settings; rerunning skips finished cells",
    "(and stops if one ran with other settings: use a new --out). Cells can run",
    "as separate jobs (--cell K, or --jobs FILE for a job list and a Slurm array script), then --merge.",
    "Results: OUT/results.{csv,json,md} (mean ± std per language, as AlignFreeze's tables) and two charts, each",
    "as a Vega-Lite spec (.vl.json, to restyle) and SVG: OUT/delta (per-language Δ vs the baseline, ± std over",
    "seeds) and OUT/alignment (alignment vs relative transfer, Spearman ρ). PNG: xlt plot --spec OUT/delta.vl.json --out delta.png.",
    "Without --model and data: a small but complete built-in experiment (POS, en → de, fr, ar; 3 seeds) on the shipped model and data.",
  ].join("\n"),
  options: RUN_OPTIONS,
  async run(v) {
    if (v.study !== undefined) return runStudyCommand(v);
    checkOutputs({
      dirs: { out: v.out }, files: { jobs: v.jobs, "jobs (its Slurm script)": v.jobs && slurmScriptPath(v.jobs) },
      inputs: { model: v.model ?? shippedBuiltin().dir, train: v.train, test: v.test, pairs: v.pairs, alignments: v.alignments, dictionary: v.dictionary, parallel: v.parallel, conllu: v.conllu },
      writes: { out: ownNames("run's", RUN_OUT_NAMES) }, overwrite: v.overwrite, resume: isExperimentDir(v.out),
    });
    // the grid feeds no language ids; finetune would stop on such a model only after the realignment
    if (v.model && hasLanguageTable(v.model)) {
      throw new XltError(`--model ${v.model} has language embeddings (an XLM / DICT-MLM checkpoint): the realignment grid feeds no language ids; fine-tune and evaluate it with \`xlt finetune\` / \`xlt evaluate\` --lang-id 2|3, or study it with \`xlt run --study align-mlm\``);
    }
    const hasData = ["pairs", "parallel", "conllu"].some((k) => v[k]?.length);
    const builtin = !v.model && !hasData && !v.train && !v.test;
    const seeds: number[] | undefined = v.seeds === undefined ? undefined : listItems(v.seeds).map((x) => parseNumber("seeds", x, { type: "int" }));
    let plan: RunPlan;
    const common = {
      strategies: listItems(String(v.strategies)),
      seeds: seeds ?? PAPER_SEEDS,
      realignLr: v["realign-lr"],
      finetuneLr: v["finetune-lr"],
      batchSize: v["batch-size"],
      alignPairs: v["align-pairs"],
      out: v.out as string,
      keepModels: !!v["keep-models"],
      quiet: !!v.quiet,
    };
    if (builtin) {
      const b = shippedBuiltin();
      const realignData: RunPlan["realignData"] = {};
      const loaded = await loadAlignedPairs(SHIPPED_LANGS.map((lang) => shippedSpec(b, lang, v.aligner)), b.model);
      SHIPPED_LANGS.forEach((lang, k) => (realignData[lang] = loaded[k].examples));
      plan = {
        ...common,
        model: b.model, modelName: describeModel(b.model, "xlt's built-in model"), task: "pos", train: b.conllu.en, source: "en",
        tests: [{ lang: "en", path: b.conllu.en_test }, ...SHIPPED_LANGS.map((l) => ({ lang: l, path: b.conllu[l] }))],
        realignData,
        realignSteps: v["realign-steps"] ?? BUILTIN.realignSteps,
        realignLr: common.realignLr ?? BUILTIN.realignLr,
        finetuneLr: common.finetuneLr ?? BUILTIN.finetuneLr,
        epochs: v.epochs ?? BUILTIN.epochs,
        trainLimit: v["train-limit"] ?? BUILTIN.trainLimit,
        seeds: seeds ?? BUILTIN.seeds,
        alignPairs: Math.min(common.alignPairs, BUILTIN.alignPairs),
      };
    } else {
      if (!v.model) throw new UsageError("--model DIR is required with your own data");
      if (!v.train) throw new UsageError("--train FILE is required with your own data (the source-language training set)");
      if (!v.test?.length) throw new UsageError("--test LANG=FILE is required with your own data (repeatable; include the source language)");
      if (!hasData) throw new UsageError("no realignment data: give --pairs/--parallel/--conllu with --dictionary or --alignments");
      const task: Task = parseTask(v.task);
      const specs = parseLangSpec(v);
      if (v.limit !== undefined) for (const s of specs) s.limit = v.limit;
      const realignData: RunPlan["realignData"] = {};
      const loaded = await loadAlignedPairs(specs, v.model);
      specs.forEach((s, k) => (realignData[s.lang] = loaded[k].examples));
      plan = {
        ...common,
        model: v.model, task, train: v.train, source: v.source,
        tests: (v.test as string[]).map(parseTestSpec),
        realignData,
        realignSteps: v["realign-steps"] ?? 1000,
        epochs: v.epochs,
        trainLimit: v["train-limit"],
      };
    }
    cells(plan); // validates strategies
    // fail before any GPU work on inputs that are missing
    if (!existsSync(plan.train)) throw new XltError(`--train ${plan.train}: file not found`);
    for (const t of plan.tests) if (!existsSync(t.path)) throw new XltError(`no test file for language '${t.lang}': ${t.path} not found`);
    if (v.merge) {
      const m = await merge(plan);
      console.log(`merged ${m.done} cells: ${m.files.join(", ")}`);
      return 0;
    }
    if (v.jobs) {
      const slurm = writeJobs(plan, (globalThis as any).process?.argv?.slice(3) ?? [], v.jobs);
      console.log(`wrote ${cells(plan).length} cell commands to ${v.jobs} and a Slurm array script ${slurm}`);
      return 0;
    }
    if (v["dry-run"]) {
      const cfg = loadCheckpoint(plan.model).config;
      const peak = await measurePeak(await getGpu()).catch(() => null);
      console.log(describePlan(plan, cfg, peak?.gflops ?? null));
      return 0;
    }
    const only: number | undefined = v.cell;
    await runGrid(plan, only);
    if (only === undefined) {
      const m = await merge(plan);
      console.log(`experiment done: ${m.files.join(", ")}`);
    } else console.log(`cell ${only} done; gather finished cells with --merge`);
    return 0;
  },
};
