// `xlt realign`'s run config: the option table, and the order of what a resume checks and run.json records.
import type { ConfigOf, OptionTable } from "../config.ts";
import { MODEL_KEY } from "../resume.ts";
import { SHIPPED_REALIGN } from "../../builtin/shipped.ts";
import { CHECKPOINT_OPTIONS, FREEZE_SPEC, OVERWRITE_OPTION, PARALLEL_DATA_OPTIONS, PROJECTION_OPTION } from "./shared.ts";

export const REALIGN_OPTIONS = {
  model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory (config.json, model.safetensors, tokenizer.json)" },
  ...PARALLEL_DATA_OPTIONS,
  freeze: { type: "string", default: "none", ...FREEZE_SPEC, help: "lower | upper | none | explicit list like 0-2,embeddings" },
  layer: { type: "int", meta: "L", help: "hidden_states index the loss reads (default N-1, as the published runs)" },
  projection: PROJECTION_OPTION,
  tau: { type: "number", above: 0, default: 0.1, help: "contrastive temperature" },
  steps: { type: "int", min: 1, meta: "N", help: `optimizer steps (default ${SHIPPED_REALIGN.steps} on the built-in data, else 1000)` },
  "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "sentence pairs per batch" },
  "max-length": { type: "int", min: 3, meta: "N", help: `subword tokens per sentence, longer ones truncated (default 96, or the model's position limit if smaller; ${SHIPPED_REALIGN.maxLength} on the built-in data)` },
  lr: { type: "number", min: 0, help: `learning rate (default 2e-5 for (distil)mBERT, 7.5e-6 for XLM-R; ${SHIPPED_REALIGN.lr.toExponential()} for the built-in model)` },
  seed: { type: "int", default: 42, help: "seed for data order, dropout and head initialisation" },
  dropout: { type: "number", min: 0, max: 1, help: "dropout probability (default: the model's own; 0 disables)" },
  "max-grad-norm": { type: "number", above: 0, help: "clip the global gradient norm (off by default, as the papers)" },
  overwrite: OVERWRITE_OPTION,
  out: { type: "string", default: "out/realign", meta: "DIR", help: "output directory (realigned checkpoint, realignment_head.safetensors, run.json)" },
  log: { type: "string", meta: "FILE", help: "append one JSON line per step (step, loss, lr, elapsed)" },
  ...CHECKPOINT_OPTIONS,
  "dump-grads": { type: "string", meta: "FILE", help: "write the first batch's gradients (before any update) to a safetensors file" },
  "init-head": { type: "string", meta: "FILE", help: "start the projection head from a realignment_head.safetensors" },
  quiet: { type: "boolean", help: "no progress bar" },
  profile: { type: "string", meta: "FILE", help: "profile the steps: per-kernel table to stderr, Chrome trace JSON to FILE" },
  // unset in a resume's settings as in checkpoints from before the option
  "f16-frozen": { type: "boolean", resumeAs: (on: boolean) => on || null, help: "store frozen weight matrices and embedding tables in f16 on the GPU (adapters with shader-f16; xlt doctor); the checkpoint stays f32" },
} as const satisfies OptionTable;

/** The settings of a realignment, as the command line gives them. */
export type RealignConfig = ConfigOf<typeof REALIGN_OPTIONS>;

/**
 * What a resume must match: --freeze as the groups it freezes (a changed spec is named as such, not found
 * later as a tensor that does not fit); the frozen tensors come from --model, so its weights are too.
 */
export const REALIGN_RESUME = [
  "--seed", "--lr", "--batch-size", "--freeze", "--max-length", "--projection", "--tau", "--layer", "--dropout", "--max-grad-norm",
  "--f16-frozen", "the training data", MODEL_KEY,
] as const;

/** run.json's settings, the defaults resolved; `frozen` and `trainable` are the groups --freeze names. */
export const REALIGN_RECORD = [
  "model", "freeze", "frozen", "trainable", "layer", "projection", "tau", "steps", "batch_size", "max_length", "lr", "seed", "dropout", "f16_frozen",
] as const;
