// `xlt finetune`: train a classification head and the whole encoder on a task (POS, NER, XNLI).
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { shippedBuiltin } from "../src/builtin/shipped.ts";
import { join } from "node:path";
import { type Task, TASK_NAMES, TASKS, taskDef } from "../src/tasks/table.ts";
import { readConfig } from "../src/train/config.ts";
import { FINETUNE_OPTIONS, MLM, REALIGN_DURING_OPTIONS } from "../src/train/configs/finetune.ts";
import { finetune } from "../src/train/objectives/finetune.ts";
import { mlmFinetune } from "../src/train/objectives/mlm_finetune.ts";
import { REALIGNMENT_HEAD_FILE } from "../models/realignment_head.ts";
import { type Command, UsageError } from "./options.ts";
import { realignDuringFromOptions, realignDuringInputs } from "./realign_during.ts";

export function parseTask(v: unknown): Task {
  if (typeof v !== "string" || !taskDef(v)) throw new UsageError(`--task must be one of ${TASK_NAMES.join(", ")}, got '${v ?? ""}'`);
  return v as Task;
}

export { LANG_ID_OPTION, perTask } from "../src/train/configs/finetune.ts";

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
  options: { ...FINETUNE_OPTIONS, ...REALIGN_DURING_OPTIONS },
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
    const r = await finetune({ ...readConfig(FINETUNE_OPTIONS, v), task, model: v.model, realignDuring });
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
  const r = await mlmFinetune({ ...readConfig(FINETUNE_OPTIONS, v), model: v.model });
  console.log(`fine-tuned ${MLM}: ${r.lines} lines, ${r.epochs} epochs, ${r.steps} steps; loss ${r.losses[0]?.toFixed(4)} → ${r.finalLoss.toFixed(4)}; wrote ${join(v.out)}/`);
  return 0;
}
