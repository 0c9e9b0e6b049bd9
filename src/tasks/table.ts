// The task table: everything finetune, evaluate, run and the CLI need to know about a task, in one entry
// per task. An entry names its labels, its head, its defaults and the units its score counts, and brings
// its own parts: the reader that turns a file into encoder items, and the scorer that turns the model's
// outputs on those items into a score (and writes them as a predictions file). Adding a task is one entry
// here plus those parts (src/tasks/<task>.ts); nothing else branches on the task's name.
import type { HeadKind } from "../../models/heads.ts";
import type { Task } from "./labels.ts";
import type { TaskDef } from "./task_def.ts";
import { NER_TASK, POS_TASK } from "./token_tasks.ts";
import { XNLI_TASK } from "./xnli.ts";
import { QA_TASK } from "./qa.ts";

export type { EvalScore, PreparedTest, TaskDef } from "./task_def.ts";
export type { Task };

export const TASKS: Record<Task, TaskDef> = {
  pos: POS_TASK,
  ner: NER_TASK,
  xnli: XNLI_TASK,
  qa: QA_TASK,
};

export const TASK_NAMES = Object.keys(TASKS) as Task[];

/** The entry of a task name; undefined for a name that is no task. */
export function taskDef(name: string): TaskDef | undefined {
  return Object.prototype.hasOwnProperty.call(TASKS, name) ? TASKS[name as Task] : undefined;
}

/** Hugging Face model class suffix of a head kind (BertFor…, XLMRobertaFor…, DistilBertFor…). */
export const HF_CLASS: Record<HeadKind, string> = { token: "TokenClassification", sequence: "SequenceClassification", span: "QuestionAnswering" };
