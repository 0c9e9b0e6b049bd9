// `xlt pretrain`'s run config: the option table, and the order of what a resume checks and run.json records.
import { ARCHS, SIZES } from "../../pretrain/model.ts";
import { OBJECTIVES } from "../../pretrain/rows.ts";
import type { ConfigOf, OptionTable } from "../config.ts";
import { MODEL_KEY } from "../resume.ts";
import { CHECKPOINT_OPTIONS, OVERWRITE_OPTION } from "./shared.ts";

export const PRETRAIN_OPTIONS = {
  objective: { type: "string", default: "mlm", choices: OBJECTIVES, help: "pre-training objective (see above)" },
  train: { type: "string", multiple: true, meta: "FILE", help: "original-language text, one sentence or paragraph per line" },
  derived: { type: "string", multiple: true, meta: "FILE", help: "derived-language text (from xlt derive), line-aligned with --train for xlm" },
  model: { type: "string", meta: "DIR", conflicts: { options: ["config", "size"], why: "--model continues a checkpoint, --config and --size build a new one" }, help: "continue pre-training this Hugging Face checkpoint" },
  config: { type: "string", meta: "FILE", conflicts: { options: ["size"], why: "both describe the new model" }, help: "from scratch: an HF config.json (bert, roberta, xlm-roberta or distilbert)" },
  size: { type: "string", choices: SIZES, help: "from scratch: a preset size for --arch" },
  arch: { type: "string", default: "roberta", choices: ARCHS, appliesWith: { option: "size" }, help: "architecture of a --size preset" },
  tokenizer: { type: "string", meta: "DIR", help: "directory with tokenizer.json (from scratch; default: --model's)" },
  steps: { type: "int", min: 1, meta: "N", help: "optimizer steps (default 1000; 150 for the demo)" },
  "batch-size": { type: "int", min: 1, default: 32, meta: "N", help: "sequences per optimizer step" },
  "micro-batch": { type: "int", min: 1, meta: "N", help: "sequences per forward/backward (gradient accumulation); default = batch size" },
  "max-length": { type: "int", min: 4, meta: "N", help: "tokens per sequence (default 128, or the model's positions if fewer)" },
  lr: { type: "number", min: 0, help: "peak learning rate (default 5e-4 from scratch, 5e-5 continued)" },
  warmup: { type: "int", min: 0, meta: "N", help: "linear warm-up steps (default 5% of --steps), then linear decay to 0" },
  "weight-decay": { type: "number", min: 0, default: 0.01, help: "AdamW decoupled weight decay (not on biases and LayerNorm)" },
  "max-grad-norm": { type: "number", above: 0, default: 1.0, help: "clip the global gradient norm" },
  "bilingual-rate": { type: "number", min: 0, max: 1, default: 0.5, appliesWith: { option: "objective", values: ["align-mlm", "dict-mlm"] }, help: "align-mlm, dict-mlm: share of the V ids in the dictionary" },
  lambda: { type: "number", min: 0, default: 10, appliesWith: { option: "objective", values: ["align-mlm"] }, help: "align-mlm: weight of the cosine alignment term" },
  "tlm-rate": { type: "number", min: 0, max: 1, default: 0.25, appliesWith: { option: "objective", values: ["xlm"] }, help: "xlm: share of aligned line pairs sampled for TLM rows" },
  seed: { type: "int", default: 42, help: "seed for initialisation, data order, masking, dropout and the dictionary" },
  dropout: { type: "number", min: 0, max: 1, help: "dropout probability (default: the model's own)" },
  overwrite: OVERWRITE_OPTION,
  out: { type: "string", default: "out/pretrain", meta: "DIR", help: "output directory (*ForMaskedLM checkpoint, tokenizer, run.json)" },
  log: { type: "string", meta: "FILE", help: "append one JSON line per step (loss, mlm, align, cos, lr, elapsed)" },
  ...CHECKPOINT_OPTIONS,
  "dump-grads": { type: "string", meta: "FILE", help: "write the first batch and the gradients after it to a safetensors file" },
  quiet: { type: "boolean", help: "no progress bar" },
  profile: { type: "string", meta: "FILE", help: "profile the steps: per-kernel table to stderr, Chrome trace JSON to FILE" },
} as const satisfies OptionTable;

/** The settings of a pre-training, as the command line gives them. */
export type PretrainConfig = ConfigOf<typeof PRETRAIN_OPTIONS>;

/**
 * What a resume must match. The LR schedule decays to 0 at the last step: a resume with another --steps
 * would continue another schedule than the one the checkpoint's steps followed, and differ from an
 * uninterrupted run. --steps is checked before --warmup, whose default follows it. A continued --model:
 * the run started from its weights.
 */
export const PRETRAIN_RESUME = [
  "--steps", "--objective", "--seed", "--lr", "--batch-size", "--max-length", "--warmup", "--weight-decay", "--max-grad-norm", "--bilingual-rate",
  "--lambda", "--tlm-rate", "--dropout", "the training data", MODEL_KEY,
] as const;

/** run.json's settings, the defaults resolved (the run's rows, schedule and dictionary among them). */
export const PRETRAIN_RECORD = [
  "objective", "model", "train", "derived", "rows", "steps", "batch_size", "micro_batch", "max_length", "lr", "warmup_steps", "schedule", "weight_decay",
  "max_grad_norm", "bilingual_rate", "dictionary_size", "lambda", "tlm_rate", "dropped_long_lines", "seed", "vocab_per_language",
] as const;
