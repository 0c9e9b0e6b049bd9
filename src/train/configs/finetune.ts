// `xlt finetune`'s run config: the option tables of fine-tuning and of realignment during it, and the order
// of what a resume checks and run.json records.
import { type Task, TASK_NAMES, TASKS } from "../../tasks/table.ts";
import type { ConfigOf, OptionTable } from "../config.ts";
import { MODEL_KEY } from "../resume.ts";
import { CHECKPOINT_OPTIONS, FREEZE_SPEC, OVERWRITE_OPTION, PARALLEL_DATA_OPTIONS, PROJECTION_OPTION } from "./shared.ts";

/** Besides the table's tasks, finetune trains the masked-LM objective on plain text (src/train/objectives/mlm_finetune.ts). */
export const MLM = "mlm";
/** An option of fine-tuning on a task's labels: with --task mlm (plain text, no labels) it would do nothing. */
const LABELLED = { appliesWith: { option: "task", values: TASK_NAMES } } as const;

/** The per-task default of an option, from the task table, for --help. */
export const perTask = (f: (d: (typeof TASKS)[Task]) => string | number): string => TASK_NAMES.map((t) => `${f(TASKS[t])} for ${t}`).join(", ");

/** `--lang-id` of finetune and evaluate (src/tasks/lang_ids.ts says why it is required for XLM / DICT-MLM models). */
export const LANG_ID_OPTION = {
  type: "int", min: 0, meta: "N",
  help: "language id of every real token, for XLM / DICT-MLM checkpoints (they have language embeddings; required for them, refused for others): 2 = original, 3 = derived language",
} as const satisfies OptionTable[string];

export const FINETUNE_OPTIONS = {
  task: { type: "string", required: true, choices: [...TASK_NAMES, MLM], help: "task (see above)" },
  train: { type: "string", required: true, meta: "FILE", help: "training data" },
  dev: { type: "string", meta: "FILE", ...LABELLED, help: "dev data: scored after every epoch" },
  model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory, e.g. an xlt realign output (default: the built-in model in builtin/model)" },
  overwrite: OVERWRITE_OPTION,
  out: { type: "string", default: "out/finetune", meta: "DIR", help: "output directory (HF task checkpoint + run.json)" },
  epochs: { type: "int", min: 1, meta: "N", help: `epochs (default ${perTask((d) => d.defaults.epochs)})` },
  lr: { type: "number", min: 0, help: "peak learning rate (default 2e-5 for (distil)mBERT, 7.5e-6 for XLM-R)" },
  "batch-size": { type: "int", min: 1, default: 32, meta: "N", help: "effective batch size (examples per optimizer step)" },
  "micro-batch": { type: "int", min: 1, meta: "N", help: "examples per forward/backward (gradient accumulation); default = batch size" },
  "max-length": { type: "int", min: 4, meta: "N", help: `subword tokens per sequence, default ${perTask((d) => d.defaults.trainLength)}, or the model's position limit if smaller (longer sentences are split into chunks for pos/ner, truncated for xnli, windows with stride 128 for qa)` },
  seed: { type: "int", default: 42, help: "seed for data order, dropout and head initialisation" },
  "lang-id": { ...LANG_ID_OPTION, ...LABELLED },
  limit: { type: "int", min: 1, meta: "N", help: "use only the first N training sentences/pairs/questions" },
  dropout: { type: "number", min: 0, max: 1, help: "dropout probability of encoder and head (default: the model's own)" },
  log: { type: "string", meta: "FILE", help: "append one JSON line per step (and per dev evaluation)" },
  ...CHECKPOINT_OPTIONS,
  quiet: { type: "boolean", help: "no progress bar" },
  profile: { type: "string", meta: "FILE", help: "profile the run: per-kernel table to stderr, Chrome trace JSON to FILE" },
} as const satisfies OptionTable;

/** The settings of a fine-tuning, as the command line gives them. */
export type FinetuneConfig = ConfigOf<typeof FINETUNE_OPTIONS>;

/** The published weight of the realignment loss in the joint loss (Gaschi et al. 2023). */
export const REALIGN_WEIGHT = 0.1;

const DATA_OPTIONS = ["pairs", "alignments", "dictionary", "aligner", "parallel", "conllu"] as const;
const DURING = { appliesWith: { option: "realign-during" } } as const;

/**
 * finetune's options for --realign-during (the parallel-data options, `limit` renamed: finetune has its own).
 * Each applies only with --realign-during: without it, it would silently do nothing.
 */
export const REALIGN_DURING_OPTIONS = {
  "realign-during": { type: "boolean", ...LABELLED, help: "add the realignment loss of one batch of parallel data to every optimizer step (Gaschi et al. 2023, 'during')" },
  ...(Object.fromEntries(DATA_OPTIONS.map((k) => [k, { ...PARALLEL_DATA_OPTIONS[k], ...DURING }])) as { [K in (typeof DATA_OPTIONS)[number]]: (typeof PARALLEL_DATA_OPTIONS)[K] & typeof DURING }),
  "realign-limit": { ...PARALLEL_DATA_OPTIONS.limit, ...DURING, help: "read at most N sentence pairs per language of the realignment data" },
  freeze: { type: "string", ...FREEZE_SPEC, ...DURING, help: "groups the realignment loss does not update, as in `xlt realign` (lower | upper | none | 0-2,embeddings); the task still trains them (default none)" },
  layer: { type: "int", meta: "L", ...DURING, help: "hidden_states index the realignment loss reads (default N-1, as the published runs)" },
  projection: { ...PROJECTION_OPTION, ...DURING, help: "realignment projection head width (H→H, ReLU, H→D, no bias; trained along), or none" },
  tau: { type: "number", above: 0, default: 0.1, ...DURING, help: "contrastive temperature" },
  "realign-batch-size": { type: "int", min: 1, default: 16, meta: "N", ...DURING, help: "sentence pairs per realignment batch (one batch per optimizer step)" },
  "realign-weight": { type: "number", min: 0, default: REALIGN_WEIGHT, ...DURING, help: "weight of the realignment loss in the joint loss" },
} as const satisfies OptionTable;

/** The settings of realignment during fine-tuning, as the command line gives them. */
export type RealignDuringConfig = ConfigOf<typeof REALIGN_DURING_OPTIONS>;

/** What a resumed fine-tuning must match; the run started from --model's weights (and its pooler), so those too. */
export const FINETUNE_RESUME = ["--task", "--seed", "--lr", "--batch-size", "--epochs", "--max-length", "--dropout", "the training data", "--lang-id", MODEL_KEY] as const;
/** --task mlm's: fine-tuning's without the labelled tasks' --lang-id */
export const MLM_FINETUNE_RESUME = FINETUNE_RESUME.filter((k) => k !== "--lang-id");
/** What a resumed --realign-during run must match besides fine-tuning's. */
export const JOINT_RESUME = [
  "--realign-during", "--freeze", "--layer", "--projection", "--tau", "--realign-batch-size", "--realign-weight", "--realign-max-length", "the realignment data",
] as const;

/** run.json's settings, the defaults resolved (the run's counts and schedule among them). */
export const FINETUNE_RECORD = [
  "task", "model", "train", "dev", "examples", "epochs", "steps", "warmup_steps", "schedule", "batch_size", "micro_batch", "max_length", "lr", "seed",
  "lang_id", "limit", "dropout", "head_dropout",
] as const;
/** --task mlm's */
export const MLM_FINETUNE_RECORD = [
  "task", "model", "train", "lines", "epochs", "steps", "warmup_steps", "schedule", "batch_size", "micro_batch", "max_length", "lr", "seed", "limit", "dropout", "masking",
] as const;
