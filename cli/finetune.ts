// `xlt finetune`: train a classification head and the whole encoder on a task (POS, NER, XNLI).
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { shippedBuiltin } from "../src/builtin/shipped.ts";
import { join } from "node:path";
import { type Task, TASK_NAMES, TASKS, taskDef } from "../src/tasks/table.ts";
import { finetune } from "../src/train/objectives/finetune.ts";
import { mlmFinetune } from "../src/train/objectives/mlm_finetune.ts";
import { REALIGNMENT_HEAD_FILE } from "../models/realignment_head.ts";
import { type Command, type Opt, UsageError } from "./options.ts";
import { REALIGN_DURING_OPTIONS, realignDuringFromOptions, realignDuringInputs } from "./realign_during.ts";

export function parseTask(v: unknown): Task {
  if (typeof v !== "string" || !taskDef(v)) throw new UsageError(`--task must be one of ${TASK_NAMES.join(", ")}, got '${v ?? ""}'`);
  return v as Task;
}

/** Besides the table's tasks, finetune trains the masked-LM objective on plain text (src/train/objectives/mlm_finetune.ts). */
const MLM = "mlm";
/** An option of fine-tuning on a task's labels: with --task mlm (plain text, no labels) it would do nothing. */
const LABELLED = { appliesWith: { option: "task", values: TASK_NAMES } } as const;

/** The per-task default of an option, from the task table, for --help. */
export const perTask = (f: (d: (typeof TASKS)[Task]) => string | number): string => TASK_NAMES.map((t) => `${f(TASKS[t])} for ${t}`).join(", ");

/** `--lang-id` of finetune and evaluate (src/tasks/lang_ids.ts says why it is required for XLM / DICT-MLM models). */
export const LANG_ID_OPTION: Opt = {
  type: "int", min: 0, meta: "N",
  help: "language id of every real token, for XLM / DICT-MLM checkpoints (they have language embeddings; required for them, refused for others): 2 = original, 3 = derived language",
};

export const finetuneCommand: Command = {
  summary: `fine-tune an encoder with a task head on ${TASK_NAMES.join(", ")} (HF-loadable output)`,
  description: [
    "Adam without weight decay, linear schedule: warmup int(0.1·total) optimizer steps, then decay to 0.",
    "With --micro-batch < --batch-size, gradients are accumulated so that the step uses the gradient of the",
    "mean loss over all labels of the effective batch. Tasks:",
    ...TASK_NAMES.map((t) => `  ${t}: ${TASKS[t].summary}`),
    `  ${MLM}: masked-LM fine-tuning on plain text (one sentence per line; 15% masked, the model's MLM head or a new one),`,
    "       writing a *ForMaskedLM checkpoint that the tasks above fine-tune further (default 1 epoch, 128 tokens)",
    "--realign-during adds 0.1 × the realignment loss of one batch of parallel data (the `xlt realign` data",
    "options) to every optimizer step; --freeze keeps the realignment loss out of the frozen groups.",
    "XLM / DICT-MLM checkpoints (language embeddings, xlt pretrain --objective xlm|dict-mlm) need --lang-id: 2 to",
    "train on the original language, 3 on the derived one (as the ALIGN-MLM authors' _transitive scripts); the",
    "language table is trained and saved with the encoder.",
  ].join("\n"),
  options: {
    task: { type: "string", required: true, choices: [...TASK_NAMES, MLM], help: "task (see above)" },
    train: { type: "string", required: true, meta: "FILE", help: "training data" },
    dev: { type: "string", meta: "FILE", ...LABELLED, help: "dev data: scored after every epoch" },
    model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory, e.g. an xlt realign output (default: the built-in model in builtin/model)" },
    overwrite: { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" },
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
    "checkpoint-every": { type: "int", min: 0, default: 0, meta: "N", help: "save a resumable state every N steps into OUT/checkpoint" },
    resume: { type: "boolean", help: "continue from OUT/checkpoint" },
    quiet: { type: "boolean", help: "no progress bar" },
    profile: { type: "string", meta: "FILE", help: "profile the run: per-kernel table to stderr, Chrome trace JSON to FILE" },
    ...REALIGN_DURING_OPTIONS,
    "realign-during": { ...REALIGN_DURING_OPTIONS["realign-during"], ...LABELLED },
  },
  async run(v) {
    // the built-in default, as realign and run: the small BERT xlt pre-trained and ships (builtin/)
    if (v.model === undefined) v.model = shippedBuiltin().model;
    checkOutputs({
      dirs: { out: v.out ?? "out/finetune" }, files: { profile: v.profile }, appends: { log: v.log }, inputs: { model: v.model, train: v.train, dev: v.dev, ...realignDuringInputs(v) },
      writes: { out: checkpointWrites("finetune", v.model, [REALIGNMENT_HEAD_FILE]) }, overwrite: v.overwrite, resume: v.resume,
    });
    if (v.task === MLM) return finetuneMlm(v);
    const task = parseTask(v.task);
    const realignDuring = await realignDuringFromOptions(v, v.model, v.seed, !!v.quiet);
    const r = await finetune({
      task,
      train: v.train,
      dev: v.dev,
      model: v.model,
      out: v.out,
      epochs: v.epochs,
      lr: v.lr,
      batchSize: v["batch-size"],
      microBatch: v["micro-batch"],
      maxLength: v["max-length"],
      seed: v.seed,
      limit: v.limit,
      dropout: v.dropout,
      log: v.log,
      checkpointEvery: v["checkpoint-every"],
      resume: !!v.resume,
      quiet: !!v.quiet,
      profile: v.profile,
      realignDuring,
      langId: v["lang-id"],
    });
    const last = r.dev[r.dev.length - 1];
    console.log(
      `fine-tuned ${task}: ${r.examples} examples, ${r.epochs} epochs, ${r.steps} steps; loss ${r.losses[0]?.toFixed(4)} → ${r.finalLoss.toFixed(4)}` +
        (last ? `; dev ${last.metric} ${(100 * last.value).toFixed(2)}` : "") + `; wrote ${join(v.out)}/`,
    );
    return 0;
  },
};

/** `--task mlm`: the option table has refused the options of labelled tasks (LABELLED) before run(). */
async function finetuneMlm(v: Record<string, any>): Promise<number> {
  const r = await mlmFinetune({
    train: v.train, model: v.model, out: v.out, epochs: v.epochs, lr: v.lr, batchSize: v["batch-size"], microBatch: v["micro-batch"],
    maxLength: v["max-length"], seed: v.seed, limit: v.limit, dropout: v.dropout, log: v.log, checkpointEvery: v["checkpoint-every"],
    resume: !!v.resume, quiet: !!v.quiet, profile: v.profile,
  });
  console.log(`fine-tuned ${MLM}: ${r.lines} lines, ${r.epochs} epochs, ${r.steps} steps; loss ${r.losses[0]?.toFixed(4)} → ${r.finalLoss.toFixed(4)}; wrote ${join(v.out)}/`);
  return 0;
}
