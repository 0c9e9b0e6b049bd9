// Label sets of the fine-tuning tasks, in the order the papers' heads use (HF dataset ClassLabel order),
// so a head trained here has the same output index -> label mapping as the published runs.

export type ClassTask = "pos" | "ner" | "xnli";
/** Every task of the task table (src/tasks/table.ts); QA has no label set here (its head predicts spans). */
export type Task = ClassTask | "qa";

/** A task data file is wrong (bad line, unknown label): one line naming file:line. */
export class TaskDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskDataError";
  }
}

export const LABELS: Record<ClassTask, string[]> = {
  // HF `universal_dependencies` upos ClassLabel (includes "_", the UPOS of multi-word-token range lines)
  pos: ["NOUN", "PUNCT", "ADP", "NUM", "SYM", "SCONJ", "ADJ", "PART", "DET", "CCONJ", "PROPN", "PRON", "X", "_", "ADV", "INTJ", "VERB", "AUX"],
  // HF `wikiann` ner_tags ClassLabel
  ner: ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"],
  // HF `xnli` label ClassLabel
  xnli: ["entailment", "neutral", "contradiction"],
};

// Spellings of the same XNLI class found in other distributions (original XNLI/MNLI use "contradictory"
// in some dumps); mapped onto the HF names.
const ALIASES: Partial<Record<ClassTask, Record<string, string>>> = {
  xnli: { contradictory: "contradiction" },
};

const INDEX: Record<ClassTask, Map<string, number>> = {
  pos: new Map(LABELS.pos.map((l, i) => [l, i])),
  ner: new Map(LABELS.ner.map((l, i) => [l, i])),
  xnli: new Map(LABELS.xnli.map((l, i) => [l, i])),
};

/** Index of `label` in LABELS[task]; `where` is "file:line" for the error message. */
export function labelIndex(task: ClassTask, label: string, where: string): number {
  const i = INDEX[task].get(ALIASES[task]?.[label] ?? label);
  if (i === undefined) {
    throw new TaskDataError(`${where}: unknown ${task} label '${label}' (valid: ${LABELS[task].join(" ")})`);
  }
  return i;
}
