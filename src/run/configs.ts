// `xlt run`'s run config (the realignment grid, and with --study align-mlm the ALIGN-MLM study): the option
// table, and the settings each cell's result records (a finished cell is reused only under the same ones).
import { SIZES } from "../pretrain/model.ts";
import { OBJECTIVES, type PretrainingObjective } from "../pretrain/rows.ts";
import { parseTransform, type Transform, transformProblem } from "../synthetic/derive.ts";
import { TASK_NAMES } from "../tasks/table.ts";
import type { OptionTable } from "../train/config.ts";
import { perTask } from "../train/configs/finetune.ts";
import { OVERWRITE_OPTION, PARALLEL_DATA_OPTIONS, SEEDS_CHECK } from "../train/configs/shared.ts";
import { DURING_STRATEGIES } from "./during.ts";

/** Strategy name → realignment freezing spec (null = no realignment). */
export const STRATEGIES: Record<string, string | null> = { baseline: null, full: "none", lower: "lower", upper: "upper" };

/** The paper's matrix (spec §6) without Syn, which needs Stanza and the Galactic Dependencies tool (spec §7). */
export const STUDY_OBJECTIVES: PretrainingObjective[] = ["mlm", "xlm", "dict-mlm", "align-mlm"];
export const STUDY_TRANSFORMS: Transform[] = ["trans", "trans+inv"];

/** A study transform must give the derived language its own vocabulary (Trans), for alignment and the dictionary. */
function studyTransformProblem(t: string): string | undefined {
  return transformProblem(t) ?? (parseTransform(t) === "inv" ? "the study needs Trans (a disjoint vocabulary for alignment and the dictionary); use trans or trans+inv" : undefined);
}

/** every study option applies only with --study (the realignment grid would ignore it) */
const STUDY_ONLY = { appliesWith: { option: "study" } } as const;

export const STUDY_OPTIONS = {
  study: { type: "string", choices: ["align-mlm"], help: "run the ALIGN-MLM study (objectives × transforms × seeds) instead of the realignment grid" },
  objectives: { type: "string", meta: "O,O,...", list: true, choices: OBJECTIVES, ...STUDY_ONLY, help: `study: pre-training objectives (default ${STUDY_OBJECTIVES.join(",")})` },
  transforms: { type: "string", meta: "T,T,...", list: true, check: studyTransformProblem, ...STUDY_ONLY, help: `study: derived languages, each with its own vocabulary: trans, trans+inv (default ${STUDY_TRANSFORMS.join(",")})` },
  corpus: { type: "string", ...STUDY_ONLY, meta: "FILE", help: "study: original-language pre-training text, one sentence per line" },
  tokenizer: { type: "string", ...STUDY_ONLY, meta: "DIR", help: "study: directory with the original tokenizer.json (doubled to 2V for Trans)" },
  size: { type: "string", ...STUDY_ONLY, default: "small", choices: SIZES, help: "study: model size preset" },
  arch: { type: "string", ...STUDY_ONLY, default: "roberta", choices: ["roberta", "bert"], help: "study: architecture" },
  "pretrain-steps": { type: "int", ...STUDY_ONLY, min: 1, default: 1000, meta: "N", help: "study: pre-training steps per cell" },
  "pretrain-batch-size": { type: "int", ...STUDY_ONLY, min: 1, default: 32, meta: "N", help: "study: sequences per pre-training step" },
  "max-length": { type: "int", ...STUDY_ONLY, min: 4, default: 128, meta: "N", help: "study: tokens per pre-training sequence" },
  "pretrain-lr": { type: "number", ...STUDY_ONLY, min: 0, default: 5e-4, help: "study: peak pre-training learning rate" },
  "bilingual-rate": { type: "number", ...STUDY_ONLY, min: 0, max: 1, default: 0.5, help: "study: align-mlm and dict-mlm dictionary share of the V ids" },
  lambda: { type: "number", ...STUDY_ONLY, min: 0, default: 10, help: "study: align-mlm weight of the cosine term" },
} as const satisfies OptionTable;

/** The five seeds of the papers' tables. */
export const PAPER_SEEDS = [31, 42, 66, 23, 17];

/**
 * The built-in experiment's settings: three seeds (enough for a std), English POS on PUD 1-800 plus the
 * first EWT sentences, sized so the 12 cells finish in well under an hour on a 2-core software adapter.
 */
export const BUILTIN = {
  seeds: PAPER_SEEDS.slice(0, 3),
  realignSteps: 100,
  realignLr: 2e-4,
  finetuneLr: 1e-3,
  epochs: 2,
  trainLimit: 2000,
  alignPairs: 300,
};

export const RUN_OPTIONS = {
  model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory" },
  task: { type: "string", default: "pos", choices: TASK_NAMES, help: "task" },
  train: { type: "string", meta: "FILE", help: "source-language training file" },
  test: { type: "string", multiple: true, meta: "LANG=FILE", help: "test file per language (include the source language)" },
  source: { type: "string", default: "en", meta: "LANG", help: "language of the training data" },
  ...PARALLEL_DATA_OPTIONS,
  strategies: { type: "string", default: "baseline,full,lower,upper", meta: "S,S,...", list: true, choices: [...Object.keys(STRATEGIES), ...Object.keys(DURING_STRATEGIES)], help: "comma-separated strategies" },
  seeds: { type: "string", meta: "S,S,...", ...SEEDS_CHECK, help: `comma-separated seeds (default: the papers' five, ${PAPER_SEEDS.join(",")}; ${BUILTIN.seeds.join(",")} for the built-in experiment)` },
  "realign-steps": { type: "int", min: 1, meta: "N", help: `realignment steps per cell (default 1000; ${BUILTIN.realignSteps} for the built-in experiment)` },
  "realign-lr": { type: "number", min: 0, help: "realignment learning rate (default per model)" },
  epochs: { type: "int", min: 1, meta: "N", help: `fine-tuning epochs (default ${perTask((d) => d.defaults.epochs)}; ${BUILTIN.epochs} for the built-in experiment)` },
  "finetune-lr": { type: "number", min: 0, help: "fine-tuning learning rate (default per model)" },
  "train-limit": { type: "int", min: 1, meta: "N", help: `use only the first N training examples (default: all; ${BUILTIN.trainLimit} for the built-in experiment)` },
  "batch-size": { type: "int", min: 1, default: 32, meta: "N", help: "effective fine-tuning batch size" },
  "align-pairs": { type: "int", min: 1, default: 1000, meta: "N", help: `aligned word pairs per language for the alignment metric (at most ${BUILTIN.alignPairs} for the built-in experiment)` },
  overwrite: OVERWRITE_OPTION,
  out: { type: "string", default: "out/run", meta: "DIR", help: "experiment directory" },
  cell: { type: "int", min: 0, meta: "K", help: "run only cell K (see --dry-run for the numbering)" },
  jobs: { type: "string", meta: "FILE", help: "write one command per cell to FILE (and FILE.slurm.sh), run nothing" },
  merge: { type: "boolean", help: "only gather finished cells into the results table and charts" },
  "dry-run": { type: "boolean", help: "print the plan with GPU time and memory estimates, run nothing" },
  "keep-models": { type: "boolean", help: "keep each cell's realigned and fine-tuned checkpoints" },
  quiet: { type: "boolean", help: "less progress output" },
  ...STUDY_OPTIONS,
} as const satisfies OptionTable;

/**
 * What a grid cell's result depends on besides its strategy and seed (paths made absolute, by the caller).
 * A baseline cell does not realign, so the realignment settings (GRID_REALIGN_SETTINGS) are not its own.
 */
export const GRID_CELL_SETTINGS = ["--model", "--task", "--train", "--train-limit", "--source", "--test", "parallel data", "--epochs", "--finetune-lr", "--batch-size", "--align-pairs"] as const;
export const GRID_REALIGN_SETTINGS = ["--realign-steps", "--realign-lr"] as const;

/** What a study cell's result depends on besides objective, transform and seed (paths made absolute, by the caller). */
export const STUDY_CELL_SETTINGS = [
  "--corpus", "--tokenizer", "--task", "--train", "--test", "--size", "--arch", "--pretrain-steps", "--pretrain-batch-size", "--max-length", "--pretrain-lr",
  "--bilingual-rate", "--lambda", "--epochs", "--finetune-lr", "--train-limit", "--batch-size",
] as const;
